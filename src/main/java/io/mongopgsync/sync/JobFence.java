package io.mongopgsync.sync;

import org.springframework.stereotype.Component;

/** Fencing: only the instance that holds a job's lease may change live tables; call inside their transaction. */
@Component
public class JobFence {

    private final SyncJobQueue jobs;

    public JobFence(SyncJobQueue jobs) {
        this.jobs = jobs;
    }

    public void check(CollectionRun run) {
        if (!jobs.holds(run.job.id(), run.job.owner())) {
            throw new CancelledException("stopped: this instance no longer holds job " + run.job.id()
                    + " (its lease expired and the job was queued again)");
        }
    }
}
