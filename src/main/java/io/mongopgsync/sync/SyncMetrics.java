package io.mongopgsync.sync;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Sync figures two ways: Micrometer meters of this instance (/actuator/metrics, names mongo_pg_sync.*) and a
 * cluster-wide summary read from the job and history tables (/api/metrics, the dashboard).
 */
@Component
public class SyncMetrics {

    private final MeterRegistry registry;
    private final JdbcClient jdbc;

    public SyncMetrics(MeterRegistry registry, JdbcClient jdbc) {
        this.registry = registry;
        this.jdbc = jdbc;
    }

    /** One collection's run ended. */
    public void collectionFinished(String source, String collection, SyncType mode, String status, long synced,
                                   long failed, Duration took) {
        registry.counter("mongo_pg_sync.documents.synced", "source", source, "collection", collection,
                "mode", mode.value()).increment(synced);
        registry.counter("mongo_pg_sync.documents.rejected", "source", source, "collection", collection).increment(failed);
        Timer.builder("mongo_pg_sync.collection.sync").tag("source", source).tag("status", status)
                .register(registry).record(took);
    }

    /** The cluster-wide summary. */
    public Map<String, Object> summary() {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Long> byStatus = new LinkedHashMap<>();
        jdbc.sql("SELECT sync_status, count(*) FROM dra_data_sources GROUP BY sync_status ORDER BY 1")
                .query(rs -> {
                    byStatus.put(rs.getString(1), rs.getLong(2));
                });
        out.put("dataSources", Map.of("total", byStatus.values().stream().mapToLong(Long::longValue).sum(),
                "byStatus", byStatus));
        out.put("jobs", jdbc.sql("SELECT count(*) FILTER (WHERE status = 'queued') AS queued, "
                + "count(*) FILTER (WHERE status = 'running') AS running FROM dra_sync_jobs").query().singleRow());
        out.put("last24h", jdbc.sql("""
                SELECT count(DISTINCT job_id) AS runs,
                       count(*) FILTER (WHERE status = 'completed') AS collections_completed,
                       count(*) FILTER (WHERE status = 'failed') AS collections_failed,
                       coalesce(sum(records_synced), 0) AS records_synced,
                       coalesce(sum(records_failed), 0) AS records_failed,
                       round(coalesce(avg(extract(epoch FROM completed_at - started_at)), 0)::numeric, 3)
                           AS average_collection_seconds
                FROM dra_mongodb_sync_history WHERE started_at > now() - interval '24 hours'
                """).query().singleRow());
        out.put("rejectsTotal", jdbc.sql("SELECT count(*) FROM dra_mongodb_sync_rejects").query(Long.class).single());
        return out;
    }
}
