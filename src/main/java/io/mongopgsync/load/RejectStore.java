package io.mongopgsync.load;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** dra_mongodb_sync_rejects: documents kept whole, with the reason they could not become rows. */
@Repository
public class RejectStore {

    private final JdbcClient jdbc;

    public RejectStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Reject(long id, String collectionName, String documentId, String rawDocument, String reason,
                         Long historyId, Instant rejectedAt) {
    }

    public void add(long sourceId, long historyId, String collection, String documentId, String rawDocument,
                    String reason) {
        jdbc.sql("INSERT INTO dra_mongodb_sync_rejects (data_source_id, history_id, collection_name, document_id, "
                        + "raw_document, reason) VALUES (:source, :history, :collection, :id, :raw, :reason)")
                .param("source", sourceId).param("history", historyId).param("collection", collection)
                .param("id", documentId).param("raw", rawDocument).param("reason", reason).update();
    }

    /** Drops what an earlier attempt of the same run set aside, so a retry does not count documents twice. */
    public void clear(long historyId) {
        jdbc.sql("DELETE FROM dra_mongodb_sync_rejects WHERE history_id = :history").param("history", historyId).update();
    }

    public List<Reject> recent(long sourceId, int limit, int offset) {
        return jdbc.sql("SELECT id, collection_name, document_id, raw_document, reason, history_id, rejected_at "
                        + "FROM dra_mongodb_sync_rejects WHERE data_source_id = :source ORDER BY id DESC "
                        + "LIMIT :limit OFFSET :offset")
                .param("source", sourceId).param("limit", limit).param("offset", offset)
                .query((rs, n) -> new Reject(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getObject(6, Long.class), rs.getTimestamp(7).toInstant()))
                .list();
    }
}
