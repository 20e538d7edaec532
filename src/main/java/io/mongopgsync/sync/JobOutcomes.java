package io.mongopgsync.sync;

import io.mongopgsync.source.DataSourceRepository;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Ends a job and records the outcome on its data source in one transaction: whoever sees the job end (a client
 * polling sync-status) sees the source's final status with it.
 */
@Component
public class JobOutcomes {

    private final SyncJobQueue queue;
    private final DataSourceRepository sources;
    private final TransactionTemplate transaction;

    public JobOutcomes(SyncJobQueue queue, DataSourceRepository sources, TransactionTemplate transaction) {
        this.queue = queue;
        this.sources = sources;
        this.transaction = transaction;
    }

    public void end(SyncJob job, String jobStatus, String sourceStatus, String message, long recordsSynced) {
        transaction.executeWithoutResult(status -> {
            queue.finish(job.id(), jobStatus, message);
            sources.finishRun(job.dataSourceId(), sourceStatus, message, recordsSynced);
        });
    }
}
