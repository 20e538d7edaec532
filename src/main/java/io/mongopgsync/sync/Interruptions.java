package io.mongopgsync.sync;

import io.mongopgsync.source.DataSourceRepository;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A job whose instance stopped (crash, shutdown, lost lease) is failed as interrupted and queued again, at most
 * {@link #MAX_REQUEUES} times in a row, so that a job that kills its instance does not loop forever.
 */
@Component
public class Interruptions {

    private static final Logger log = LoggerFactory.getLogger(Interruptions.class);
    static final int MAX_REQUEUES = 3;

    private final SyncJobQueue queue;
    private final SyncHistory history;
    private final DataSourceRepository sources;
    private final TransactionTemplate transaction;

    public Interruptions(SyncJobQueue queue, SyncHistory history, DataSourceRepository sources,
                         TransactionTemplate transaction) {
        this.queue = queue;
        this.history = history;
        this.sources = sources;
        this.transaction = transaction;
    }

    /**
     * Fails the job if {@code owner} still holds it and it has been silent for {@code silentFor}, closes its open
     * history rows, and queues it again. Returns false when someone else handled it, or it is alive.
     */
    public boolean interrupt(SyncJob job, String owner, Duration silentFor, String reason, long recordsSynced) {
        // One transaction: nobody sees the job ended without its retry queued and its source updated.
        Boolean done = transaction.execute(status -> {
            if (!queue.markInterrupted(job.id(), owner, silentFor, reason)) {
                return false;
            }
            history.failInProgress(job.id(), reason);
            int depth = queue.retryDepth(job.id());
            String message;
            if (depth >= MAX_REQUEUES) {
                message = reason + "; interrupted " + (depth + 1) + " times in a row, so not queued again";
            } else if (queue.active(job.dataSourceId()).isPresent()) {
                message = reason + "; another sync of the source is already queued";
            } else {
                // the source has no active job inside this transaction: a duplicate rolls all of it back, and the
                // next check handles the job again
                // a verification's details say what it verifies; a sync's are about its trigger
                SyncJob retry = queue.enqueue(job.dataSourceId(), job.syncType(), "retry", job.id(),
                        job.syncType() == SyncType.VERIFY ? job.detailsJson() : null);
                message = reason + "; queued again as job " + retry.id();
            }
            if (job.syncType() != SyncType.VERIFY) {
                sources.finishRun(job.dataSourceId(), "failed", message, recordsSynced);
            }
            log.warn("Sync job {}: {}", job.id(), message);
            return true;
        });
        return Boolean.TRUE.equals(done);
    }
}
