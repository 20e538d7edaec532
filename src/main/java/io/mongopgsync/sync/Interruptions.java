package io.mongopgsync.sync;

import io.mongopgsync.source.DataSourceRepository;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

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

    public Interruptions(SyncJobQueue queue, SyncHistory history, DataSourceRepository sources) {
        this.queue = queue;
        this.history = history;
        this.sources = sources;
    }

    /**
     * Fails the job if {@code owner} still holds it and it has been silent for {@code silentFor}, closes its open
     * history rows, and queues it again. Returns false when someone else handled it, or it is alive.
     */
    public boolean interrupt(SyncJob job, String owner, Duration silentFor, String reason, long recordsSynced) {
        if (!queue.markInterrupted(job.id(), owner, silentFor, reason)) {
            return false;
        }
        history.failInProgress(job.id(), reason);
        int depth = queue.retryDepth(job.id());
        if (depth >= MAX_REQUEUES) {
            String message = reason + "; interrupted " + (depth + 1) + " times in a row, so not queued again";
            sources.finishRun(job.dataSourceId(), "failed", message, recordsSynced);
            log.error("Sync job {}: {}", job.id(), message);
            return true;
        }
        try {
            SyncJob retry = queue.enqueue(job.dataSourceId(), job.syncType(), "retry", job.id(), null);
            sources.finishRun(job.dataSourceId(), "failed", reason + "; queued again as job " + retry.id(), recordsSynced);
            log.warn("Sync job {} {}; queued again as job {}", job.id(), reason, retry.id());
        } catch (SyncJobQueue.AlreadyActiveException e) {
            sources.finishRun(job.dataSourceId(), "failed", reason, recordsSynced);
            log.warn("Sync job {} {}; job {} is already queued", job.id(), reason, e.active().id());
        }
        return true;
    }
}
