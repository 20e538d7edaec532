package io.mongopgsync.load;

import io.mongopgsync.mapping.ColumnType;
import io.mongopgsync.mapping.Identifiers;
import io.mongopgsync.mapping.TableSchema;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Which table holds which collection (dra_mongodb_tables) and which column holds which field
 * (dra_mongodb_columns). Names once given stay: a field keeps its column across runs.
 */
@Repository
public class TableRegistry {

    private final JdbcClient jdbc;

    public TableRegistry(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record ImportedTable(long dataSourceId, String collectionName, String tableName) {
    }

    /**
     * The table of a collection, allocating a name on first use: the sanitised collection name, or, when another
     * collection already has it or a table of that name exists that the service does not manage (kept after its
     * source was deleted, or made by someone else), the source's name as a prefix, or else a hash suffix.
     */
    public String tableFor(String schema, long sourceId, String sourceName, String collection) {
        Optional<String> existing = find(sourceId, collection);
        if (existing.isPresent()) {
            return existing.get();
        }
        String plain = Identifiers.fit(Identifiers.sanitize(collection), collection);
        String prefixed = Identifiers.fit(Identifiers.sanitize(sourceName) + "__" + Identifiers.sanitize(collection),
                sourceName + "/" + collection);
        String hashed = Identifiers.withSuffix(Identifiers.sanitize(collection),
                Identifiers.hash(sourceId + "/" + collection));
        for (String candidate : List.of(plain, prefixed, hashed)) {
            if (relationExists(schema, candidate)) {
                continue;
            }
            try {
                int inserted = jdbc.sql("INSERT INTO dra_mongodb_tables (data_source_id, collection_name, table_name) "
                                + "VALUES (:source, :collection, :table) ON CONFLICT (data_source_id, collection_name) DO NOTHING")
                        .param("source", sourceId).param("collection", collection).param("table", candidate).update();
                if (inserted == 1) {
                    return candidate;
                }
                return find(sourceId, collection).orElseThrow();
            } catch (DuplicateKeyException takenByAnotherCollection) {
                // next candidate
            }
        }
        throw new IllegalStateException("no free table name for collection " + collection);
    }

    /**
     * Gives a collection the table name its transforms ask for (first import, or a new name for an imported one).
     * Refused when another collection has that name or a table of that name exists that the service does not
     * manage. Call inside the transaction that renames the table.
     */
    public void claim(String schema, long sourceId, String collection, String wanted, String current) {
        Optional<String> owner = jdbc.sql("SELECT data_source_id || '/' || collection_name FROM dra_mongodb_tables "
                + "WHERE table_name = :table").param("table", wanted).query(String.class).optional();
        if (owner.isPresent() && !owner.get().equals(sourceId + "/" + collection)) {
            throw new IllegalStateException("the transforms ask for table " + schema + "." + wanted
                    + ", but collection " + owner.get() + " is imported there already");
        }
        if (owner.isEmpty() && relationExists(schema, wanted)) {
            throw new IllegalStateException("the transforms ask for table " + schema + "." + wanted
                    + ", but a table of that name exists that the service does not manage");
        }
        if (current == null) {
            jdbc.sql("INSERT INTO dra_mongodb_tables (data_source_id, collection_name, table_name) "
                    + "VALUES (:source, :collection, :table)")
                    .param("source", sourceId).param("collection", collection).param("table", wanted).update();
        } else {
            jdbc.sql("UPDATE dra_mongodb_tables SET table_name = :table, updated_at = now() "
                    + "WHERE data_source_id = :source AND collection_name = :collection")
                    .param("source", sourceId).param("collection", collection).param("table", wanted).update();
        }
    }

    private boolean relationExists(String schema, String name) {
        return jdbc.sql("SELECT to_regclass(:name) IS NOT NULL").param("name", Identifiers.qualified(schema, name))
                .query(Boolean.class).single();
    }

    public Optional<String> find(long sourceId, String collection) {
        return jdbc.sql("SELECT table_name FROM dra_mongodb_tables WHERE data_source_id = :source "
                        + "AND collection_name = :collection")
                .param("source", sourceId).param("collection", collection).query(String.class).optional();
    }

    public List<ImportedTable> tables(long sourceId) {
        return jdbc.sql("SELECT data_source_id, collection_name, table_name FROM dra_mongodb_tables "
                        + "WHERE data_source_id = :source ORDER BY collection_name")
                .param("source", sourceId)
                .query((rs, n) -> new ImportedTable(rs.getLong(1), rs.getString(2), rs.getString(3))).list();
    }

    public List<TableSchema.Column> columns(long sourceId, String collection) {
        return jdbc.sql("SELECT field_name, column_name, column_type, bson_types FROM dra_mongodb_columns "
                        + "WHERE data_source_id = :source AND collection_name = :collection ORDER BY column_name")
                .param("source", sourceId).param("collection", collection).query(TableRegistry::column).list();
    }

    /**
     * Records the columns as they now are in the live table, in one statement however wide the table is; call
     * inside the transaction that changed it.
     */
    public void saveColumns(long sourceId, String collection, List<TableSchema.Column> columns) {
        if (!columns.isEmpty()) {
            jdbc.sql("INSERT INTO dra_mongodb_columns (data_source_id, collection_name, field_name, column_name, "
                            + "column_type, bson_types) SELECT :source, :collection, c.field, c.name, c.type, "
                            + "string_to_array(c.bson, ',') FROM unnest(CAST(:fields AS text[]), CAST(:names AS text[]), "
                            + "CAST(:types AS text[]), CAST(:bson AS text[])) AS c(field, name, type, bson) "
                            + "ON CONFLICT (data_source_id, collection_name, field_name) DO UPDATE "
                            + "SET column_type = EXCLUDED.column_type, bson_types = EXCLUDED.bson_types, updated_at = now()")
                    .param("source", sourceId).param("collection", collection)
                    .param("fields", columns.stream().map(TableSchema.Column::field).toArray(String[]::new))
                    .param("names", columns.stream().map(TableSchema.Column::name).toArray(String[]::new))
                    .param("types", columns.stream().map(c -> c.type().sql()).toArray(String[]::new))
                    // BSON type names are plain words: a comma-joined list round-trips exactly
                    .param("bson", columns.stream().map(c -> String.join(",", c.bsonTypes())).toArray(String[]::new))
                    .update();
        }
        jdbc.sql("UPDATE dra_mongodb_tables SET updated_at = now() WHERE data_source_id = :source "
                + "AND collection_name = :collection").param("source", sourceId).param("collection", collection).update();
    }


    private static TableSchema.Column column(ResultSet rs, int n) throws SQLException {
        Array array = rs.getArray("bson_types");
        Set<String> types = new TreeSet<>(array == null ? List.of() : Arrays.asList((String[]) array.getArray()));
        return new TableSchema.Column(rs.getString("field_name"), rs.getString("column_name"),
                ColumnType.fromSql(rs.getString("column_type")), types);
    }
}
