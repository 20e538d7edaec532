package io.mongopgsync.sync;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mongopgsync.config.SyncProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Sync figures two ways: Micrometer meters of this instance (/actuator/metrics and /actuator/prometheus, names
 * mongo_pg_sync.*) and a cluster-wide summary read from the job and history tables (/api/metrics, the dashboard).
 *
 * <p>Per-source meters, tagged {@code source} (the data source's name):
 * <ul>
 * <li>{@code mongo_pg_sync.sync.duration} (timer, also tagged {@code status}): whole sync jobs run here;</li>
 * <li>{@code mongo_pg_sync.documents.synced} / {@code .rejected} (counters, also tagged {@code collection});</li>
 * <li>{@code mongo_pg_sync.collection.sync} (timer, also tagged {@code status}): one collection's run;</li>
 * <li>{@code mongo_pg_sync.sync.running} (gauge 0/1): a sync of the source runs on this instance;</li>
 * <li>{@code mongo_pg_sync.last.success.timestamp} (gauge, epoch seconds): end of the source's last completed
 *     sync on any instance;</li>
 * <li>{@code mongo_pg_sync.target.size} (gauge, bytes): the source's imported tables with indexes and TOAST;</li>
 * <li>{@code mongo_pg_sync.stream.lag} (gauge, seconds): only while a change stream of the source reports lag;</li>
 * <li>{@code mongo_pg_sync.stream.read} (timer): reads of the source's change streams that returned events;</li>
 * <li>{@code mongo_pg_sync.stream.batch} (timer): batches of streamed changes prepared and written to PostgreSQL,
 *     and {@code mongo_pg_sync.stream.batch.events} (summary): the events in each.</li>
 * </ul>
 * and {@code mongo_pg_sync.target.schema.size} (gauge, bytes, tagged {@code schema}): the whole target schema.
 * Gauges read values that {@link #refresh} takes from PostgreSQL every {@code sync.metrics.refresh-interval}, so a
 * scrape never queries the database.
 */
@Component("syncMetrics")
public class SyncMetrics {

    private static final Logger log = LoggerFactory.getLogger(SyncMetrics.class);

    /** The gauges of one source and the values they read. */
    private final class SourceMeters {
        final AtomicInteger running = new AtomicInteger();
        volatile double lastSuccessEpochSeconds = Double.NaN;
        volatile double targetBytes = Double.NaN;
        volatile double streamLagSeconds = Double.NaN;
        final List<Meter> gauges = new ArrayList<>();
        Meter streamLag;

        SourceMeters(String source) {
            gauges.add(Gauge.builder("mongo_pg_sync.sync.running", running, AtomicInteger::get).tag("source", source)
                    .description("1 while a sync of the source runs on this instance").register(registry));
            gauges.add(Gauge.builder("mongo_pg_sync.last.success.timestamp", this, m -> m.lastSuccessEpochSeconds)
                    .tag("source", source).baseUnit("seconds")
                    .description("End of the source's last completed sync (epoch seconds)").register(registry));
            gauges.add(Gauge.builder("mongo_pg_sync.target.size", this, m -> m.targetBytes).tag("source", source)
                    .baseUnit("bytes").description("Size of the source's imported tables, with indexes and TOAST")
                    .register(registry));
        }

        void remove() {
            gauges.forEach(registry::remove);
            if (streamLag != null) {
                registry.remove(streamLag);
            }
        }
    }

    private final MeterRegistry registry;
    private final JdbcClient jdbc;
    private final String targetSchema;
    private final Map<String, SourceMeters> sources = new ConcurrentHashMap<>();
    private volatile double schemaBytes = Double.NaN;

    public SyncMetrics(MeterRegistry registry, JdbcClient jdbc, SyncProperties properties) {
        this.registry = registry;
        this.jdbc = jdbc;
        this.targetSchema = properties.targetSchema();
        Gauge.builder("mongo_pg_sync.target.schema.size", this, m -> m.schemaBytes).tag("schema", targetSchema)
                .baseUnit("bytes").description("Size of the target schema: every table with indexes and TOAST")
                .register(registry);
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

    /**
     * Runs one sync job on this instance and measures it: the running gauge while it runs, then its duration by
     * outcome (the job row's final status; {@code interrupted} when it ended otherwise) and, when it completed,
     * the last success time.
     */
    public void timeSync(SyncJob job, Runnable sync) {
        String source = sourceName(job.dataSourceId());
        SourceMeters meters = meters(source);
        meters.running.incrementAndGet();
        long started = System.nanoTime();
        try {
            sync.run();
        } finally {
            meters.running.decrementAndGet();
            String status = outcome(job.id());
            Timer.builder("mongo_pg_sync.sync.duration").tag("source", source).tag("status", status)
                    .description("Duration of whole sync jobs run on this instance").register(registry)
                    .record(Duration.ofNanos(System.nanoTime() - started));
            if (status.equals("completed")) {
                meters.lastSuccessEpochSeconds = Instant.now().toEpochMilli() / 1000.0;
            }
        }
    }

    /**
     * A change-stream consumer reports how far behind MongoDB it is (now minus the cluster time of the last event
     * applied). The gauge exists from the first report until {@link #streamStopped}.
     */
    public void streamLag(String source, Duration lag) {
        SourceMeters meters = meters(source);
        meters.streamLagSeconds = lag.toMillis() / 1000.0;
        synchronized (meters) {
            if (meters.streamLag == null) {
                meters.streamLag = Gauge.builder("mongo_pg_sync.stream.lag", meters, m -> m.streamLagSeconds)
                        .tag("source", source).baseUnit("seconds")
                        .description("How far the source's change stream is behind MongoDB").register(registry);
            }
        }
    }

    /** A read of the source's change streams that returned {@code events} events took {@code took}. */
    public void streamRead(String source, Duration took) {
        Timer.builder("mongo_pg_sync.stream.read").tag("source", source)
                .description("Reads of the change streams that returned events").register(registry).record(took);
    }

    /** A batch of {@code events} streamed changes was prepared and written to PostgreSQL in {@code took}. */
    public void streamBatch(String source, long events, Duration took) {
        Timer.builder("mongo_pg_sync.stream.batch").tag("source", source)
                .description("Batches of streamed changes prepared and written to PostgreSQL").register(registry)
                .record(took);
        DistributionSummary.builder("mongo_pg_sync.stream.batch.events").tag("source", source)
                .description("Events in each batch of streamed changes").register(registry).record(events);
    }

    /** The source's change stream stopped: its lag gauge goes away. */
    public void streamStopped(String source) {
        SourceMeters meters = sources.get(source);
        if (meters != null) {
            synchronized (meters) {
                if (meters.streamLag != null) {
                    registry.remove(meters.streamLag);
                    meters.streamLag = null;
                    meters.streamLagSeconds = Double.NaN;
                }
            }
        }
    }

    /**
     * Reads what the gauges show from PostgreSQL: every source's last success and the size of its tables, and the
     * size of the target schema (called by the metrics-refresh route). Sources renamed or deleted lose their gauges.
     */
    public void refresh() {
        Map<String, Double> lastSuccess = new HashMap<>();
        jdbc.sql("SELECT name, extract(epoch FROM last_sync_at) FROM dra_data_sources")
                .query(rs -> {
                    double epoch = rs.getDouble(2);
                    lastSuccess.put(rs.getString(1), rs.wasNull() ? Double.NaN : epoch);
                });
        Map<String, Double> sizes = new HashMap<>();
        jdbc.sql("""
                SELECT s.name, coalesce(sum(pg_total_relation_size(c.oid)), 0)
                FROM dra_mongodb_tables t
                JOIN dra_data_sources s ON s.id = t.data_source_id
                LEFT JOIN pg_class c ON c.relname = t.table_name AND c.relnamespace = to_regnamespace(:schema)::oid
                GROUP BY s.name
                """).param("schema", targetSchema).query(rs -> {
                    sizes.put(rs.getString(1), rs.getDouble(2));
                });
        schemaBytes = jdbc.sql("""
                SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
                WHERE c.relnamespace = to_regnamespace(:schema)::oid AND c.relkind IN ('r', 'm', 'p')
                """).param("schema", targetSchema).query(Double.class).single();
        for (Map.Entry<String, Double> source : lastSuccess.entrySet()) {
            SourceMeters meters = meters(source.getKey());
            if (!source.getValue().isNaN()) {
                meters.lastSuccessEpochSeconds = source.getValue();
            }
            meters.targetBytes = sizes.getOrDefault(source.getKey(), 0.0);
        }
        Set<String> gone = new HashSet<>(sources.keySet());
        gone.removeAll(lastSuccess.keySet());
        for (String name : gone) {
            SourceMeters meters = sources.get(name);
            if (meters != null && meters.running.get() == 0 && meters.streamLag == null) {
                sources.remove(name);
                meters.remove();
            }
        }
    }

    private SourceMeters meters(String source) {
        return sources.computeIfAbsent(source, SourceMeters::new);
    }

    private String sourceName(long sourceId) {
        try {
            return jdbc.sql("SELECT name FROM dra_data_sources WHERE id = :id").param("id", sourceId)
                    .query(String.class).optional().orElse("source-" + sourceId);
        } catch (RuntimeException e) {
            log.warn("Could not read the name of data source {} for its metrics: {}", sourceId, e.getMessage());
            return "source-" + sourceId;
        }
    }

    private String outcome(long jobId) {
        try {
            String status = jdbc.sql("SELECT status FROM dra_sync_jobs WHERE id = :id").param("id", jobId)
                    .query(String.class).optional().orElse("interrupted");
            return Set.of("completed", "failed", "cancelled").contains(status) ? status : "interrupted";
        } catch (RuntimeException e) {
            log.warn("Could not read the outcome of sync job {} for its metrics: {}", jobId, e.getMessage());
            return "interrupted";
        }
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
                       count(*) FILTER (WHERE status = 'completed') AS "collectionsCompleted",
                       count(*) FILTER (WHERE status = 'failed') AS "collectionsFailed",
                       coalesce(sum(records_synced), 0) AS "recordsSynced",
                       coalesce(sum(records_failed), 0) AS "recordsFailed",
                       round(coalesce(avg(extract(epoch FROM completed_at - started_at)), 0)::numeric, 3)
                           AS "averageCollectionSeconds"
                FROM dra_mongodb_sync_history WHERE started_at > now() - interval '24 hours'
                  AND sync_type <> 'verify'
                """).query().singleRow());
        out.put("rejectsTotal", jdbc.sql("SELECT count(*) FROM dra_mongodb_sync_rejects").query(Long.class).single());
        return out;
    }
}
