package io.mongopgsync.sync;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** dra_mongodb_sync_history: one row per collection per sync run. */
@Repository
public class SyncHistory {

    private static final String COLUMNS = "id, data_source_id, job_id, collection_name, table_name, sync_type, status, "
            + "records_synced, records_failed, started_at, completed_at, error_message, sync_metadata::text AS sync_metadata";

    private final JdbcClient jdbc;

    public SyncHistory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Row(long id, long dataSourceId, Long jobId, String collectionName, String tableName, String syncType,
                      String status, long recordsSynced, long recordsFailed, Instant startedAt, Instant completedAt,
                      String errorMessage, String syncMetadataJson) {
    }

    public long start(long sourceId, long jobId, String collection, String table, SyncType type, String metadataJson) {
        return jdbc.sql("INSERT INTO dra_mongodb_sync_history (data_source_id, job_id, collection_name, table_name, "
                        + "sync_type, status, sync_metadata) VALUES (:source, :job, :collection, :table, :type, "
                        + "'in_progress', CAST(:metadata AS jsonb)) RETURNING id")
                .param("source", sourceId).param("job", jobId).param("collection", collection).param("table", table)
                .param("type", type.value()).param("metadata", metadataJson)
                .query(Long.class).single();
    }

    /**
     * Progress while a collection loads: what is written so far, and (in metadata) the expected total. Committed
     * without waiting for the WAL flush ({@code synchronous_commit} off for this statement's transaction): during a
     * COPY the flush would wait for every megabyte the COPY wrote, and a progress figure lost in a crash is
     * rewritten by the next one or by the run's final row, which is flushed as usual.
     */
    public void progress(long historyId, long synced, long failed) {
        jdbc.sql("UPDATE dra_mongodb_sync_history SET records_synced = :synced, records_failed = :failed "
                        + "FROM (SELECT set_config('synchronous_commit', 'off', true)) AS unflushed "
                        + "WHERE id = :id AND status = 'in_progress'")
                .param("id", historyId).param("synced", synced).param("failed", failed).update();
    }

    public void updateMetadata(long historyId, String metadataJson) {
        jdbc.sql("UPDATE dra_mongodb_sync_history SET sync_metadata = CAST(:metadata AS jsonb) WHERE id = :id")
                .param("id", historyId).param("metadata", metadataJson).update();
    }

    public void finish(long historyId, String status, long synced, long failed, String error, String metadataJson) {
        jdbc.sql("UPDATE dra_mongodb_sync_history SET status = :status, records_synced = :synced, "
                        + "records_failed = :failed, error_message = :error, completed_at = now(), "
                        + "sync_metadata = CAST(:metadata AS jsonb) WHERE id = :id")
                .param("id", historyId).param("status", status).param("synced", synced).param("failed", failed)
                .param("error", error).param("metadata", metadataJson).update();
    }

    /** Fails whatever a dead or cancelled job left in progress. */
    public int failInProgress(long jobId, String reason) {
        return jdbc.sql("UPDATE dra_mongodb_sync_history SET status = 'failed', completed_at = now(), "
                        + "error_message = :reason WHERE job_id = :job AND status = 'in_progress'")
                .param("job", jobId).param("reason", reason).update();
    }

    public List<Row> page(long sourceId, int limit, int offset) {
        return page(sourceId, null, limit, offset);
    }

    /** Newest first; {@code status} null for every row. */
    public List<Row> page(long sourceId, String status, int limit, int offset) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_mongodb_sync_history WHERE data_source_id = :source "
                        + "AND (CAST(:status AS text) IS NULL OR status = :status) ORDER BY id DESC LIMIT :limit OFFSET :offset")
                .param("source", sourceId).param("status", status).param("limit", limit).param("offset", offset)
                .query(SyncHistory::map).list();
    }

    public long count(long sourceId) {
        return count(sourceId, null);
    }

    public long count(long sourceId, String status) {
        return jdbc.sql("SELECT count(*) FROM dra_mongodb_sync_history WHERE data_source_id = :source "
                        + "AND (CAST(:status AS text) IS NULL OR status = :status)")
                .param("source", sourceId).param("status", status).query(Long.class).single();
    }

    /** The rows of one job, one per collection, in the order they started. */
    public List<Row> ofJob(long jobId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_mongodb_sync_history WHERE job_id = :job ORDER BY id")
                .param("job", jobId).query(SyncHistory::map).list();
    }

    public List<Row> inProgress(long sourceId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_mongodb_sync_history WHERE data_source_id = :source "
                        + "AND status = 'in_progress' ORDER BY id")
                .param("source", sourceId).query(SyncHistory::map).list();
    }

    /** The newest completed sync of a collection, for its watermark and run counter (verifications do not count). */
    public Optional<Row> lastCompleted(long sourceId, String collection) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_mongodb_sync_history WHERE data_source_id = :source "
                        + "AND collection_name = :collection AND status = 'completed' AND sync_type <> 'verify' "
                        + "ORDER BY id DESC LIMIT 1")
                .param("source", sourceId).param("collection", collection).query(SyncHistory::map).optional();
    }

    static Row map(ResultSet rs, int n) throws SQLException {
        return new Row(rs.getLong("id"), rs.getLong("data_source_id"), rs.getObject("job_id", Long.class),
                rs.getString("collection_name"), rs.getString("table_name"), rs.getString("sync_type"),
                rs.getString("status"), rs.getLong("records_synced"), rs.getLong("records_failed"),
                instant(rs.getTimestamp("started_at")), instant(rs.getTimestamp("completed_at")),
                rs.getString("error_message"), rs.getString("sync_metadata"));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
