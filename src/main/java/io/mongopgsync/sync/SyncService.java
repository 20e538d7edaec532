package io.mongopgsync.sync;

import io.mongopgsync.errors.ConflictException;
import java.util.Optional;
import org.springframework.stereotype.Service;

/** Queues and cancels syncs; the job queue makes both hold across replicas. */
@Service
public class SyncService {

    private final SyncJobQueue queue;
    private final JobWorker worker;

    public SyncService(SyncJobQueue queue, JobWorker worker) {
        this.queue = queue;
        this.worker = worker;
    }

    /** Queues a sync, or answers 409 naming the job that is already queued or running. */
    public SyncJob trigger(long sourceId, SyncType type, String trigger) {
        try {
            SyncJob job = queue.enqueue(sourceId, type, trigger, null, null);
            worker.wakeUp();
            return job;
        } catch (SyncJobQueue.AlreadyActiveException e) {
            SyncJob active = e.active();
            String what = active.syncType() == SyncType.VERIFY ? "verification" : active.syncType().value() + " sync";
            throw new ConflictException("sync_in_progress", "A " + what + " of data source "
                    + sourceId + " is already " + active.status() + " as job " + active.id());
        }
    }

    /** Queues a sync unless one is active; for automatic triggers that must not fail. */
    public Optional<SyncJob> triggerIfIdle(long sourceId, SyncType type, String trigger, String detailsJson) {
        try {
            SyncJob job = queue.enqueue(sourceId, type, trigger, null, detailsJson);
            worker.wakeUp();
            return Optional.of(job);
        } catch (SyncJobQueue.AlreadyActiveException e) {
            return Optional.empty();
        }
    }

    public SyncJob cancel(long sourceId) {
        SyncJob job = queue.requestCancel(sourceId).orElseThrow(() -> new ConflictException("no_sync_running",
                "No sync of data source " + sourceId + " is queued or running"));
        worker.cancelLocally(job.id());
        return job;
    }
}
