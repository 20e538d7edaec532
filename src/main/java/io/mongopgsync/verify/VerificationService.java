package io.mongopgsync.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.errors.ConflictException;
import io.mongopgsync.sync.JobWorker;
import io.mongopgsync.sync.SyncJob;
import io.mongopgsync.sync.SyncJobQueue;
import io.mongopgsync.sync.SyncType;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * Queues verifications as jobs of the sync queue: the queue's one-active-job-per-source rule means a source is
 * never verified twice at once, nor while one of its collections syncs.
 */
@Service
public class VerificationService {

    private final SyncJobQueue queue;
    private final JobWorker worker;
    private final ObjectMapper json;

    public VerificationService(SyncJobQueue queue, JobWorker worker, ObjectMapper json) {
        this.queue = queue;
        this.worker = worker;
        this.json = json;
    }

    /** Queues a verification, or answers 409 naming the job that is already queued or running. */
    public SyncJob request(long sourceId, VerificationRequest request, String trigger) {
        try {
            SyncJob job = queue.enqueue(sourceId, SyncType.VERIFY, trigger, null, request.toJson(json));
            worker.wakeUp();
            return job;
        } catch (SyncJobQueue.AlreadyActiveException e) {
            SyncJob active = e.active();
            throw new ConflictException("sync_in_progress", "Data source " + sourceId + " already has a "
                    + active.syncType().value() + " job " + active.status() + " (job " + active.id()
                    + "); verify it once that job has ended");
        }
    }

    /** Queues a verification unless the source has an active job (a schedule firing must not fail). */
    public Optional<SyncJob> requestIfIdle(long sourceId, VerificationRequest request, String trigger) {
        try {
            return Optional.of(request(sourceId, request, trigger));
        } catch (ConflictException e) {
            return Optional.empty();
        }
    }
}
