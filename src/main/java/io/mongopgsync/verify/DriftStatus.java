package io.mongopgsync.verify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Which collections of a source drift, from the history: a collection drifts while its newest completed
 * verification or full sync is a verification that found drift it did not repair. A full sync rebuilds the
 * table, and a later verification gives a new verdict; incremental syncs do not clear it (they miss deletes).
 */
@Repository
public class DriftStatus {

    private static final String NEWEST_VERDICTS = """
            SELECT data_source_id, collection_name FROM (
                SELECT DISTINCT ON (data_source_id, collection_name) data_source_id, collection_name, sync_type,
                       sync_metadata
                FROM dra_mongodb_sync_history
                WHERE status = 'completed' AND sync_type IN ('verify', 'full')
                  AND (CAST(:source AS bigint) IS NULL OR data_source_id = :source)
                ORDER BY data_source_id, collection_name, id DESC) newest
            WHERE sync_type = 'verify' AND (sync_metadata ->> 'unresolvedDrift')::boolean
            ORDER BY data_source_id, collection_name
            """;

    private final JdbcClient jdbc;

    public DriftStatus(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The source's drifting collections, by name. */
    public List<String> driftingCollections(long sourceId) {
        return jdbc.sql(NEWEST_VERDICTS).param("source", sourceId)
                .query((rs, n) -> rs.getString("collection_name")).list();
    }

    /** Every source with drift, and its drifting collections. */
    public Map<Long, List<String>> driftingCollections() {
        Map<Long, List<String>> out = new HashMap<>();
        jdbc.sql(NEWEST_VERDICTS).param("source", null, java.sql.Types.BIGINT).query(rs -> {
            out.computeIfAbsent(rs.getLong("data_source_id"), id -> new ArrayList<>()).add(rs.getString("collection_name"));
        });
        return out;
    }
}
