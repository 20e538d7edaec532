package io.mongopgsync.retention;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Deletes sync history, finished jobs and rejected documents older than {@code sync.retention.history}, and audit
 * entries older than {@code sync.retention.audit}. Called by the clustered {@code retention-cleanup} route, so one
 * instance of the cluster runs each firing.
 *
 * <p>The newest completed sync row (not a verification) of every (source, collection) is never deleted, however
 * old: incremental syncs read their watermark and run counter from it. Rows of running syncs and queued or running jobs stay too.
 * Deletes go in batches, each its own transaction, so that a first cleanup of a large backlog never holds locks
 * on the history for long.
 */
@Component("retentionCleanup")
public class RetentionCleanup {

    private static final Logger log = LoggerFactory.getLogger(RetentionCleanup.class);

    /** What one cleanup removed. */
    public record Result(long historyRows, long jobs, long rejects, long auditEntries) {
    }

    private static final String DELETE_HISTORY = """
            DELETE FROM dra_mongodb_sync_history WHERE id IN (
                SELECT h.id FROM dra_mongodb_sync_history h
                WHERE coalesce(h.completed_at, h.started_at) < :cutoff
                  AND h.status <> 'in_progress'
                  AND NOT (h.status = 'completed' AND h.sync_type <> 'verify' AND NOT EXISTS (
                      SELECT 1 FROM dra_mongodb_sync_history newer
                      WHERE newer.data_source_id = h.data_source_id
                        AND newer.collection_name = h.collection_name
                        AND newer.status = 'completed' AND newer.sync_type <> 'verify' AND newer.id > h.id))
                LIMIT :batch)
            """;

    private static final String DELETE_JOBS = """
            DELETE FROM dra_sync_jobs WHERE id IN (
                SELECT id FROM dra_sync_jobs
                WHERE status NOT IN ('queued', 'running') AND coalesce(finished_at, created_at) < :cutoff
                LIMIT :batch)
            """;

    private static final String DELETE_REJECTS = """
            DELETE FROM dra_mongodb_sync_rejects WHERE id IN (
                SELECT id FROM dra_mongodb_sync_rejects WHERE rejected_at < :cutoff LIMIT :batch)
            """;

    private static final String DELETE_AUDIT = """
            DELETE FROM dra_audit_log WHERE id IN (
                SELECT id FROM dra_audit_log WHERE occurred_at < :cutoff LIMIT :batch)
            """;

    private final JdbcClient jdbc;
    private final RetentionProperties properties;
    private final Clock clock;

    public RetentionCleanup(JdbcClient jdbc, RetentionProperties properties, ObjectProvider<Clock> clock) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock.getIfAvailable(Clock::systemUTC);
    }

    /** The scheduled run (retention-cleanup route). */
    public Result run() {
        return cleanup(clock.instant());
    }

    /** Deletes what is older than the retention periods, counted back from {@code now}. */
    public Result cleanup(Instant now) {
        OffsetDateTime historyCutoff = cutoff(now, properties.history());
        OffsetDateTime auditCutoff = cutoff(now, properties.audit());
        long rejects = deleteInBatches(DELETE_REJECTS, historyCutoff);
        long history = deleteInBatches(DELETE_HISTORY, historyCutoff);
        long jobs = deleteInBatches(DELETE_JOBS, historyCutoff);
        long audit = deleteInBatches(DELETE_AUDIT, auditCutoff);
        log.info("Retention cleanup removed {} sync history rows, {} finished jobs and {} rejected documents older "
                        + "than {} (before {}), and {} audit entries older than {} (before {})", history, jobs, rejects,
                describe(properties.history()), historyCutoff, audit, describe(properties.audit()), auditCutoff);
        return new Result(history, jobs, rejects, audit);
    }

    private long deleteInBatches(String sql, OffsetDateTime cutoff) {
        long total = 0;
        while (true) {
            int deleted = jdbc.sql(sql).param("cutoff", cutoff).param("batch", properties.batchSize()).update();
            total += deleted;
            if (deleted < properties.batchSize()) {
                return total;
            }
        }
    }

    private static OffsetDateTime cutoff(Instant now, Duration age) {
        return now.minus(age).atOffset(ZoneOffset.UTC);
    }

    private static String describe(Duration age) {
        return age.toHours() % 24 == 0 ? age.toDays() + " days" : age.toHours() + " hours";
    }
}
