package io.mongopgsync.query;

import io.mongopgsync.mapping.ColumnType;
import io.mongopgsync.mapping.Identifiers;
import io.mongopgsync.mapping.TableSchema;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads which collections of a source have a completed import, with their column mapping, on the connection of
 * the query itself: in its snapshot, the registry and the table agree (a sync that widens a column commits the
 * column and its registry row together).
 */
final class ImportedCollections implements PipelineTranslator.Collections {

    private final Connection connection;
    private final String schema;
    private final long sourceId;

    ImportedCollections(Connection connection, String schema, long sourceId) {
        this.connection = connection;
        this.schema = schema;
        this.sourceId = sourceId;
    }

    @Override
    public Optional<ImportedCollection> imported(String collection) {
        try {
            String table = null;
            try (PreparedStatement ps = connection.prepareStatement("""
                    SELECT t.table_name FROM dra_mongodb_tables t
                    WHERE t.data_source_id = ? AND t.collection_name = ?
                      AND EXISTS (SELECT 1 FROM dra_mongodb_sync_history h WHERE h.data_source_id = t.data_source_id
                                  AND h.collection_name = t.collection_name AND h.status = 'completed')""")) {
                ps.setLong(1, sourceId);
                ps.setString(2, collection);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        table = rs.getString(1);
                    }
                }
            }
            if (table == null || !exists(table)) {
                return Optional.empty();
            }
            return Optional.of(ImportedCollection.of(collection, schema, table, columns(collection)));
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL failed reading the imported tables of data source " + sourceId, e);
        }
    }

    private boolean exists(String table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, Identifiers.qualified(schema, table));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private List<TableSchema.Column> columns(String collection) throws SQLException {
        List<TableSchema.Column> out = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT field_name, column_name, column_type, bson_types "
                + "FROM dra_mongodb_columns WHERE data_source_id = ? AND collection_name = ?")) {
            ps.setLong(1, sourceId);
            ps.setString(2, collection);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Array array = rs.getArray(4);
                    Set<String> types = new TreeSet<>(array == null ? List.of() : Arrays.asList((String[]) array.getArray()));
                    out.add(new TableSchema.Column(rs.getString(1), rs.getString(2), ColumnType.fromSql(rs.getString(3)), types));
                }
            }
        }
        return out;
    }
}
