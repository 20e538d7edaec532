package io.mongopgsync.events;

import java.time.Instant;
import java.util.Map;

/**
 * What the dashboard shows live, as read at one moment: every data source with its latest job, the jobs that are
 * or just were active, and the history rows that are or just were in progress.
 *
 * @param at      the database's clock when this was read
 * @param maxJobId      highest job id seen, so the next read also finds jobs created and finished in between
 * @param maxHistoryId  highest history id seen, likewise for history rows
 */
public record SyncState(Instant at, Map<Long, Source> sources, Map<Long, Job> jobs, Map<Long, Run> runs,
                        long maxJobId, long maxHistoryId) {

    public static SyncState empty() {
        return new SyncState(Instant.EPOCH, Map.of(), Map.of(), Map.of(), -1, -1);
    }

    /** A data source as its card shows it; {@code job} is its latest job that was not a skipped firing. */
    public record Source(long id, String name, String syncStatus, Instant lastSyncAt, long totalRecordsSynced,
                         String syncErrorMessage, Instant updatedAt, Job job) {
    }

    public record Job(long id, long dataSourceId, String syncType, String trigger, String status,
                      boolean cancelRequested, Instant createdAt, Instant startedAt, Instant finishedAt,
                      String errorMessage) {

        boolean active() {
            return "queued".equals(status) || "running".equals(status);
        }
    }

    /**
     * A history row (one collection of one run).
     *
     * @param elapsedMs time since the row started, by the database's clock
     */
    public record Run(long id, long dataSourceId, Long jobId, String collection, String table, String syncType,
                      String status, long recordsSynced, long recordsFailed, Long estimatedTotal,
                      Instant startedAt, Instant completedAt, String errorMessage, long elapsedMs) {

        boolean inProgress() {
            return "in_progress".equals(status);
        }

        long processed() {
            return recordsSynced + recordsFailed;
        }
    }
}
