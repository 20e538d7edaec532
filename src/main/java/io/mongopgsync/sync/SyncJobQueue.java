package io.mongopgsync.sync;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The durable job queue in dra_sync_jobs. A partial unique index allows one queued-or-running job per source,
 * which makes "one sync of a source at a time" hold across every replica; jobs are claimed with
 * {@code FOR UPDATE SKIP LOCKED}; running jobs prove they are alive with a heartbeat.
 */
@Repository
public class SyncJobQueue {

    private static final String COLUMNS = "id, data_source_id, sync_type, trigger, status, cancel_requested, owner, "
            + "created_at, started_at, (SELECT h.heartbeat_at FROM dra_sync_job_heartbeats h WHERE h.job_id = id) "
            + "AS heartbeat_at, finished_at, error_message, retry_of, details::text AS details";

    private final JdbcClient jdbc;

    public SyncJobQueue(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Thrown when the source already has a queued or running job. */
    public static class AlreadyActiveException extends RuntimeException {
        private final transient SyncJob active;

        public AlreadyActiveException(SyncJob active) {
            super("data source " + active.dataSourceId() + " already has " + active.status() + " job " + active.id());
            this.active = active;
        }

        public SyncJob active() {
            return active;
        }
    }

    /** Queues a job, or throws {@link AlreadyActiveException} naming the active one. */
    public SyncJob enqueue(long sourceId, SyncType type, String trigger, Long retryOf, String detailsJson) {
        try {
            return jdbc.sql("INSERT INTO dra_sync_jobs (data_source_id, sync_type, trigger, retry_of, details) "
                            + "VALUES (:source, :type, :trigger, :retryOf, CAST(:details AS jsonb)) RETURNING " + COLUMNS)
                    .param("source", sourceId).param("type", type.value()).param("trigger", trigger)
                    .param("retryOf", retryOf).param("details", detailsJson == null ? "{}" : detailsJson)
                    .query(SyncJobQueue::map).single();
        } catch (DuplicateKeyException e) {
            SyncJob active = active(sourceId).orElse(null);
            if (active == null) {
                // the active job finished in between: try once more
                return enqueue(sourceId, type, trigger, retryOf, detailsJson);
            }
            throw new AlreadyActiveException(active);
        }
    }

    /** A trigger that found the source busy: kept as a finished 'skipped' job so that it can be seen. */
    public void recordSkipped(long sourceId, SyncType type, String trigger, String reason, String detailsJson) {
        jdbc.sql("INSERT INTO dra_sync_jobs (data_source_id, sync_type, trigger, status, finished_at, error_message, "
                        + "details) VALUES (:source, :type, :trigger, 'skipped', now(), :reason, CAST(:details AS jsonb))")
                .param("source", sourceId).param("type", type.value()).param("trigger", trigger)
                .param("reason", reason).param("details", detailsJson == null ? "{}" : detailsJson).update();
    }

    /**
     * Inside a transaction: whether {@code owner} still runs the job, locking the job row until commit so that
     * no other instance can take the job over meanwhile.
     */
    public boolean holds(long jobId, String owner) {
        return jdbc.sql("SELECT 1 FROM dra_sync_jobs WHERE id = :id AND status = 'running' AND owner = :owner FOR UPDATE")
                .param("id", jobId).param("owner", owner).query(Integer.class).optional().isPresent();
    }

    public boolean isRunning(long jobId) {
        return jdbc.sql("SELECT count(*) FROM dra_sync_jobs WHERE id = :id AND status = 'running'")
                .param("id", jobId).query(Long.class).single() > 0;
    }

    public Optional<SyncJob> active(long sourceId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_sync_jobs WHERE data_source_id = :source "
                        + "AND status IN ('queued', 'running')")
                .param("source", sourceId).query(SyncJobQueue::map).optional();
    }

    public Optional<SyncJob> find(long sourceId, long jobId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_sync_jobs WHERE data_source_id = :source AND id = :id")
                .param("source", sourceId).param("id", jobId).query(SyncJobQueue::map).optional();
    }

    public List<SyncJob> recent(long sourceId, int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_sync_jobs WHERE data_source_id = :source ORDER BY id DESC "
                        + "LIMIT :limit")
                .param("source", sourceId).param("limit", limit).query(SyncJobQueue::map).list();
    }

    /** Claims the oldest queued job, or none; its first heartbeat is written in the same statement. */
    public Optional<SyncJob> claim(String owner) {
        return jdbc.sql("WITH claimed AS (UPDATE dra_sync_jobs SET status = 'running', started_at = now(), "
                        + "owner = :owner WHERE id = (SELECT id FROM dra_sync_jobs WHERE status = 'queued' "
                        + "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *), "
                        + "beat AS (INSERT INTO dra_sync_job_heartbeats (job_id, owner) SELECT id, owner FROM claimed) "
                        + "SELECT id, data_source_id, sync_type, trigger, status, cancel_requested, owner, created_at, "
                        + "started_at, now() AS heartbeat_at, finished_at, error_message, retry_of, details::text AS details "
                        + "FROM claimed")
                .param("owner", owner).query(SyncJobQueue::map).optional();
    }

    /** What a heartbeat learnt: jobs this owner still holds, and which of them are asked to cancel. */
    public record Heartbeat(java.util.Set<Long> held, java.util.Set<Long> cancelRequested) {
    }

    /** Refreshes the heartbeat of this owner's running jobs. A job missing from {@code held} was taken over. */
    public Heartbeat heartbeat(Collection<Long> jobIds, String owner) {
        java.util.Set<Long> held = new java.util.HashSet<>();
        java.util.Set<Long> cancel = new java.util.HashSet<>();
        if (!jobIds.isEmpty()) {
            // Reads the job rows without locking them: a running sync may hold its job row locked.
            jdbc.sql("UPDATE dra_sync_job_heartbeats h SET heartbeat_at = now() FROM dra_sync_jobs j "
                            + "WHERE h.job_id = j.id AND h.job_id IN (:ids) AND h.owner = :owner AND j.owner = :owner "
                            + "AND j.status = 'running' RETURNING h.job_id AS id, j.cancel_requested")
                    .param("ids", jobIds).param("owner", owner)
                    .query(rs -> {
                        held.add(rs.getLong("id"));
                        if (rs.getBoolean("cancel_requested")) {
                            cancel.add(rs.getLong("id"));
                        }
                    });
        }
        return new Heartbeat(held, cancel);
    }

    public void finish(long jobId, String status, String errorMessage) {
        jdbc.sql("UPDATE dra_sync_jobs SET status = :status, finished_at = now(), error_message = :error "
                        + "WHERE id = :id AND status IN ('queued', 'running')")
                .param("id", jobId).param("status", status).param("error", errorMessage).update();
    }

    /**
     * Asks the active job of a source to stop: a queued job is cancelled at once, a running one is flagged and
     * stops at its next batch. Returns the job, or empty when none is active.
     */
    public Optional<SyncJob> requestCancel(long sourceId) {
        Optional<SyncJob> queued = jdbc.sql("UPDATE dra_sync_jobs SET status = 'cancelled', cancel_requested = true, "
                        + "finished_at = now(), error_message = 'cancelled before it started' "
                        + "WHERE data_source_id = :source AND status = 'queued' RETURNING " + COLUMNS)
                .param("source", sourceId).query(SyncJobQueue::map).optional();
        if (queued.isPresent()) {
            return queued;
        }
        return jdbc.sql("UPDATE dra_sync_jobs SET cancel_requested = true WHERE data_source_id = :source "
                        + "AND status = 'running' RETURNING " + COLUMNS)
                .param("source", sourceId).query(SyncJobQueue::map).optional();
    }

    /** Running jobs whose owner has been silent longer than the lease: their instance is gone. */
    public List<SyncJob> stale(Duration lease) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_sync_jobs WHERE status = 'running' "
                        + "AND NOT EXISTS (SELECT 1 FROM dra_sync_job_heartbeats h WHERE h.job_id = dra_sync_jobs.id "
                        + "AND h.heartbeat_at >= now() - make_interval(secs => :secs))")
                .param("secs", lease.toMillis() / 1000.0).query(SyncJobQueue::map).list();
    }

    public List<SyncJob> running() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM dra_sync_jobs WHERE status = 'running'")
                .query(SyncJobQueue::map).list();
    }

    /**
     * Fails a running job as interrupted, if it is still run by {@code owner} and its heartbeat is older than
     * {@code silentFor}: a compare-and-set, so that of several instances one wins and a live job is left alone.
     */
    public boolean markInterrupted(long jobId, String owner, Duration silentFor, String reason) {
        return jdbc.sql("UPDATE dra_sync_jobs SET status = 'failed', finished_at = now(), error_message = :reason "
                        + "WHERE id = :id AND status = 'running' AND owner = :owner "
                        + "AND NOT EXISTS (SELECT 1 FROM dra_sync_job_heartbeats h WHERE h.job_id = dra_sync_jobs.id "
                        + "AND h.heartbeat_at > now() - make_interval(secs => :secs))")
                .param("id", jobId).param("owner", owner).param("reason", reason)
                .param("secs", silentFor.toMillis() / 1000.0).update() == 1;
    }

    /** How many times in a row this job's work was interrupted and queued again (0 for a first run). */
    public int retryDepth(long jobId) {
        return jdbc.sql("WITH RECURSIVE chain(id, retry_of, trigger) AS (SELECT id, retry_of, trigger FROM dra_sync_jobs "
                        + "WHERE id = :id UNION ALL SELECT j.id, j.retry_of, j.trigger FROM dra_sync_jobs j "
                        + "JOIN chain c ON j.id = c.retry_of) SELECT count(*) - 1 FROM chain")
                .param("id", jobId).query(Integer.class).single();
    }

    static SyncJob map(ResultSet rs, int row) throws SQLException {
        return new SyncJob(
                rs.getLong("id"),
                rs.getLong("data_source_id"),
                SyncType.fromStored(rs.getString("sync_type")),
                rs.getString("trigger"),
                rs.getString("status"),
                rs.getBoolean("cancel_requested"),
                rs.getString("owner"),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("started_at")),
                instant(rs.getTimestamp("heartbeat_at")),
                instant(rs.getTimestamp("finished_at")),
                rs.getString("error_message"),
                rs.getObject("retry_of", Long.class),
                rs.getString("details"));
    }

    private static Instant instant(Timestamp ts) {
        return ts == null ? null : ts.toInstant();
    }
}
