package io.mongopgsync.query;

import io.mongopgsync.mapping.ColumnType;
import io.mongopgsync.mapping.Identifiers;
import io.mongopgsync.mapping.TableSchema;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * An imported collection as the translator sees it: its table and the typed column of each top-level field. A
 * typed column stands in for {@code _source_document} only where that is provably the same: every value the field
 * ever had (its BSON types, null aside) is of one kind that the column holds exactly.
 */
public record ImportedCollection(String collection, String schema, String table, Map<String, TableSchema.Column> columns) {

    /** What kind of values a column holds when it can stand in for the field. */
    enum Kind { STRING, OBJECT_ID, NUMBER, BOOLEAN, DATE }

    public static ImportedCollection of(String collection, String schema, String table, List<TableSchema.Column> columns) {
        return new ImportedCollection(collection, schema, table,
                columns.stream().collect(Collectors.toUnmodifiableMap(TableSchema.Column::field, Function.identity())));
    }

    String qualifiedTable() {
        return Identifiers.qualified(schema, table);
    }

    Optional<TableSchema.Column> column(String field) {
        return Optional.ofNullable(columns.get(field));
    }

    /** The kind of a top-level field's column, when the column holds every value of the field exactly. */
    Optional<Kind> kind(String field) {
        TableSchema.Column c = columns.get(field);
        if (c == null) {
            return Optional.empty();
        }
        Set<String> types = new HashSet<>(c.bsonTypes());
        types.remove("null");
        if (types.isEmpty() || types.contains("undefined")) {
            return Optional.empty();
        }
        ColumnType t = c.type();
        if (types.equals(Set.of("string")) && t == ColumnType.TEXT) {
            return Optional.of(Kind.STRING);
        }
        if (types.equals(Set.of("objectId")) && t == ColumnType.TEXT) {
            return Optional.of(Kind.OBJECT_ID);
        }
        if (Set.of("int", "long", "double", "decimal").containsAll(types) && t.isNumeric()) {
            return Optional.of(Kind.NUMBER);
        }
        if (types.equals(Set.of("bool")) && t == ColumnType.BOOLEAN) {
            return Optional.of(Kind.BOOLEAN);
        }
        if (types.equals(Set.of("date")) && t == ColumnType.TIMESTAMPTZ) {
            return Optional.of(Kind.DATE);
        }
        return Optional.empty();
    }

    /** The single numeric BSON type a field has had, if it has had exactly one (null aside). */
    Optional<String> singleNumericType(String field) {
        TableSchema.Column c = columns.get(field);
        if (c == null) {
            return Optional.empty();
        }
        Set<String> numeric = c.bsonTypes().stream().filter(Set.of("int", "long", "double", "decimal")::contains)
                .collect(Collectors.toSet());
        return numeric.size() == 1 ? Optional.of(numeric.iterator().next()) : Optional.empty();
    }
}
