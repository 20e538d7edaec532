package io.mongopgsync.query;

import io.mongopgsync.mapping.Identifiers;
import io.mongopgsync.mapping.TableSchema;
import java.util.Optional;

/**
 * Where a stage reads its documents from: the SQL expression of the current document and, while documents are
 * still the imported rows unchanged, the table whose typed columns may stand in for top-level fields.
 */
record Scope(String doc, String rowAlias, ImportedCollection rows) {

    static Scope document(String doc) {
        return new Scope(doc, null, null);
    }

    boolean rawRows() {
        return rows != null;
    }

    /** The typed column of a top-level field, when the documents are unchanged imported rows. */
    Optional<String> typedColumn(FieldPath path) {
        if (!rawRows() || !path.isTopLevel() || path.first().equals(TableSchema.ID)) {
            return Optional.empty();
        }
        return rows.column(path.first()).map(c -> rowAlias + "." + Identifiers.quote(c.name()));
    }

    Optional<ImportedCollection.Kind> kind(FieldPath path) {
        return rawRows() && path.isTopLevel() ? rows.kind(path.first()) : Optional.empty();
    }

    /** The text primary key, when the documents are unchanged imported rows. */
    Optional<String> idColumn() {
        return rawRows() ? Optional.of(rowAlias + "." + Identifiers.quote(TableSchema.ID)) : Optional.empty();
    }
}
