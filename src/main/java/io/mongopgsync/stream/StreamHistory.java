package io.mongopgsync.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * History rows of change streams (sync_type {@code stream}): one per consumer session, over every collection of
 * the source ({@code collection_name} {@code *}), with its counts; and one per gap, naming the collection and
 * from when its changes could not be followed.
 */
@Repository
public class StreamHistory {

    /** The collection name of a session's row: the session covers every collection of the source. */
    public static final String ALL_COLLECTIONS = "*";

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public StreamHistory(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public long startSession(long sourceId, String metadataJson) {
        return jdbc.sql("INSERT INTO dra_mongodb_sync_history (data_source_id, collection_name, sync_type, status, "
                        + "sync_metadata) VALUES (:source, :all, 'stream', 'in_progress', CAST(:metadata AS jsonb)) RETURNING id")
                .param("source", sourceId).param("all", ALL_COLLECTIONS).param("metadata", metadataJson)
                .query(Long.class).single();
    }

    public void progress(long historyId, long applied, long failed, String metadataJson) {
        jdbc.sql("UPDATE dra_mongodb_sync_history SET records_synced = :applied, records_failed = :failed, "
                        + "sync_metadata = CAST(:metadata AS jsonb) WHERE id = :id AND status = 'in_progress'")
                .param("id", historyId).param("applied", applied).param("failed", failed).param("metadata", metadataJson)
                .update();
    }

    public void endSession(long historyId, String status, long applied, long failed, String error, String metadataJson) {
        jdbc.sql("UPDATE dra_mongodb_sync_history SET status = :status, records_synced = :applied, "
                        + "records_failed = :failed, error_message = :error, completed_at = now(), "
                        + "sync_metadata = CAST(:metadata AS jsonb) WHERE id = :id AND status = 'in_progress'")
                .param("id", historyId).param("status", status).param("applied", applied).param("failed", failed)
                .param("error", error).param("metadata", metadataJson).update();
    }

    /**
     * A gap: the collection's changes from {@code from} on could not be followed ({@code why}); it is snapshotted
     * again. Returns the message written to the history row.
     */
    public String recordGap(StreamSession session, String collection, String table, Instant from, String why,
                            String operation) {
        ObjectNode metadata = json.createObjectNode();
        ObjectNode gap = metadata.putObject("gap");
        gap.put("collection", collection);
        gap.put("from", from == null ? null : from.toString());
        gap.put("operation", operation);
        gap.put("reason", why);
        gap.put("resnapshot", true);
        String message = "The change stream of " + session.sourceName() + "." + collection + " has a gap"
                + (from == null ? "" : " from " + from) + ": " + why + ". Its changes since could not be read from "
                + "MongoDB; the collection is snapshotted again and streamed from the snapshot's start.";
        jdbc.sql("INSERT INTO dra_mongodb_sync_history (data_source_id, collection_name, table_name, sync_type, "
                        + "status, completed_at, error_message, sync_metadata) VALUES (:source, :collection, :table, "
                        + "'stream', 'failed', now(), :message, CAST(:metadata AS jsonb))")
                .param("source", session.sourceId()).param("collection", collection).param("table", table)
                .param("message", message).param("metadata", metadata.toString()).update();
        return message;
    }

    /** Sessions left in progress by an instance that died: ended, so that none stays open for ever. */
    public int endAbandonedSessions(long sourceId, long currentHistoryId) {
        return jdbc.sql("UPDATE dra_mongodb_sync_history SET status = 'failed', completed_at = now(), "
                        + "error_message = 'the instance running this change stream stopped without ending it; "
                        + "another session took over from its last committed position' WHERE data_source_id = :source "
                        + "AND sync_type = 'stream' AND status = 'in_progress' AND id <> :current")
                .param("source", sourceId).param("current", currentHistoryId).update();
    }

    /** The error of the source's newest stream session, if it failed. */
    public java.util.Optional<String> lastSessionError(long sourceId) {
        return jdbc.sql("SELECT error_message FROM dra_mongodb_sync_history WHERE data_source_id = :source "
                        + "AND sync_type = 'stream' AND collection_name = :all ORDER BY id DESC LIMIT 1")
                .param("source", sourceId).param("all", ALL_COLLECTIONS).query(String.class).optional()
                .filter(java.util.Objects::nonNull);
    }

    /** What failed, in words: MongoDB's reading, PostgreSQL's writing, or the consumer itself. */
    static String describeFailure(Throwable e) {
        Throwable root = e;
        boolean postgres = false;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            root = t;
            postgres |= t instanceof java.sql.SQLException || t instanceof org.springframework.dao.DataAccessException;
        }
        String what = e instanceof com.mongodb.MongoException ? "MongoDB failed while the change stream was read"
                : postgres ? "PostgreSQL failed while streamed changes were written"
                : "The change-stream consumer failed (" + root.getClass().getSimpleName() + ")";
        return what + ": " + root.getMessage();
    }
}
