package io.mongopgsync.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.mongopgsync.load.TargetTables;
import io.mongopgsync.mapping.ColumnType;
import io.mongopgsync.mapping.Identifiers;
import io.mongopgsync.mapping.TableSchema;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * Builds on a full sync's shadow table the indexes its live table will have: the primary key's companion on
 * {@code _imported_at}, and the MongoDB collection's single-field indexes on top-level fields (btree, descending
 * kept; hashed as hash; GIN on jsonb). What cannot be translated is listed in {@code indexesSkipped}.
 */
@Component
public class IndexTranslation {

    private final TargetTables tables;
    private final CollectionReader reader;

    public IndexTranslation(TargetTables tables, CollectionReader reader) {
        this.tables = tables;
        this.reader = reader;
    }

    /** Indexes on the shadow table under temporary names: {temporary name, final name}. */
    public List<String[]> createIndexes(CollectionRun run) {
        List<String[]> names = new ArrayList<>();
        names.add(new String[] {run.shadow + "_pkey", Identifiers.fit(run.table + "_pkey", run.table + "/pkey")});
        ArrayNode created = run.metadata.putArray("indexesCreated");
        ArrayNode skipped = run.metadata.putArray("indexesSkipped");
        String importedTemp = run.shadow + "_i0";
        tables.createIndex(run.schema, run.shadow, importedTemp, TableSchema.IMPORTED_AT, "btree", false);
        names.add(new String[] {importedTemp, Identifiers.fit(run.table + "__imported_at_idx", run.table + "/_imported_at")});
        created.add(TableSchema.IMPORTED_AT);
        int n = 1;
        for (BsonDocument index : mongoIndexes(run, skipped)) {
            BsonDocument key = index.getDocument("key", new BsonDocument());
            String name = index.getString("name", new BsonString("")).getValue();
            if (key.size() != 1) {
                skipped.addObject().put("index", name).put("field", String.join(", ", key.keySet()))
                        .put("reason", "compound indexes are not copied");
                continue;
            }
            String field = key.getFirstKey();
            BsonValue kind = key.get(field);
            if (field.equals(TableSchema.ID)) {
                continue;
            }
            TableSchema.Column column = run.tableSchema.column(field);
            String reason = null;
            String method = null;
            boolean descending = false;
            if (field.contains(".")) {
                reason = "indexes a nested field";
            } else if (column == null) {
                reason = "no document has the field";
            } else if (kind.isNumber()) {
                method = TargetTables.indexMethod(column.type());
                descending = kind.asNumber().doubleValue() < 0 && method.equals("btree");
            } else if (kind.isString() && kind.asString().getValue().equals("hashed")) {
                method = column.type() == ColumnType.JSONB ? "gin" : "hash";
            } else {
                reason = "index type " + kind + " has no PostgreSQL equivalent";
            }
            if (method != null) {
                String temp = run.shadow + "_i" + n++;
                try {
                    tables.createIndex(run.schema, run.shadow, temp, column.name(), method, descending);
                    names.add(new String[] {temp, Identifiers.fit(run.table + "_" + column.name() + "_idx",
                            run.table + "/" + column.name())});
                    created.add(column.name());
                    continue;
                } catch (DataAccessException e) {
                    reason = "PostgreSQL could not build it: " + RunReport.rootMessage(e);
                }
            }
            skipped.addObject().put("index", name).put("field", field).put("reason", reason);
        }
        return names;
    }

    /** A MongoDB view has no indexes: listing them answers with an error there. */
    private List<BsonDocument> mongoIndexes(CollectionRun run, ArrayNode skipped) {
        try {
            return reader.collection(run).listIndexes(BsonDocument.class).into(new ArrayList<>());
        } catch (com.mongodb.MongoCommandException e) {
            skipped.addObject().put("index", "*").put("reason", "MongoDB does not list indexes here ("
                    + e.getErrorMessage() + "), for example because the collection is a view");
            return List.of();
        }
    }
}
