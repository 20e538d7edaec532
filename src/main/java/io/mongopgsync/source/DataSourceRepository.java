package io.mongopgsync.source;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
public class DataSourceRepository {

    private static final String COLUMNS = "id, name, description, type, connection_string_encrypted, database_name, "
            + "sync_status, last_sync_at, sync_error_message, total_records_synced, sync_config::text AS sync_config, "
            + "created_at, updated_at";

    private final JdbcClient jdbc;

    public DataSourceRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public List<DataSourceRecord> findAll() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_data_sources ORDER BY id").query(DataSourceRepository::map).list();
    }

    public Optional<DataSourceRecord> findById(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_data_sources WHERE id = :id")
                .param("id", id).query(DataSourceRepository::map).optional();
    }

    public Optional<DataSourceRecord> findByName(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_data_sources WHERE name = :name")
                .param("name", name).query(DataSourceRepository::map).optional();
    }

    /** Inserts a source; a duplicate name surfaces as Spring's DuplicateKeyException. */
    public DataSourceRecord insert(String name, String description, String encryptedConnectionString, String database,
                                   String syncConfigJson) {
        return jdbc.sql("INSERT INTO dra_data_sources (name, description, type, connection_string_encrypted, "
                        + "database_name, sync_config) VALUES (:name, :description, 'mongodb', :conn, :db, "
                        + "CAST(:config AS jsonb)) RETURNING " + COLUMNS)
                .param("name", name).param("description", description).param("conn", encryptedConnectionString)
                .param("db", database).param("config", syncConfigJson)
                .query(DataSourceRepository::map).single();
    }

    public DataSourceRecord update(long id, String name, String description, String encryptedConnectionString,
                                   String database, String syncConfigJson) {
        return jdbc.sql("UPDATE dra_data_sources SET name = :name, description = :description, "
                        + "connection_string_encrypted = :conn, database_name = :db, sync_config = CAST(:config AS jsonb), "
                        + "updated_at = now() WHERE id = :id RETURNING " + COLUMNS)
                .param("id", id).param("name", name).param("description", description)
                .param("conn", encryptedConnectionString).param("db", database).param("config", syncConfigJson)
                .query(DataSourceRepository::map).single();
    }

    public void markInProgress(long id) {
        jdbc.sql("UPDATE dra_data_sources SET sync_status = 'in_progress', sync_error_message = NULL, "
                + "updated_at = now() WHERE id = :id").param("id", id).update();
    }

    /** Records the end of a run: its status and error, records added to the total, last_sync_at on success. */
    public void finishRun(long id, String status, String error, long recordsSynced) {
        jdbc.sql("UPDATE dra_data_sources SET sync_status = :status, sync_error_message = :error, "
                        + "total_records_synced = total_records_synced + :records, "
                        + "last_sync_at = CASE WHEN :status = 'completed' THEN now() ELSE last_sync_at END, "
                        + "updated_at = now() WHERE id = :id")
                .param("id", id).param("status", status).param("error", error).param("records", recordsSynced).update();
    }

    public boolean delete(long id) {
        return jdbc.sql("DELETE FROM dra_data_sources WHERE id = :id").param("id", id).update() > 0;
    }

    static DataSourceRecord map(ResultSet rs, int row) throws SQLException {
        return new DataSourceRecord(
                rs.getLong("id"),
                rs.getString("name"),
                rs.getString("description"),
                rs.getString("type"),
                rs.getString("connection_string_encrypted"),
                rs.getString("database_name"),
                rs.getString("sync_status"),
                instant(rs.getTimestamp("last_sync_at")),
                rs.getString("sync_error_message"),
                rs.getLong("total_records_synced"),
                rs.getString("sync_config"),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }

    private static java.time.Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
