package io.mongopgsync.sync;

import java.time.Instant;

/** A row of dra_sync_jobs: one requested sync of one data source. */
public record SyncJob(
        long id,
        long dataSourceId,
        SyncType syncType,
        String trigger,
        String status,
        boolean cancelRequested,
        String owner,
        Instant createdAt,
        Instant startedAt,
        Instant heartbeatAt,
        Instant finishedAt,
        String errorMessage,
        Long retryOf,
        String detailsJson) {
}
