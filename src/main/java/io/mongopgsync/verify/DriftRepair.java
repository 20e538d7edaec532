package io.mongopgsync.verify;

import io.mongopgsync.sync.TargetedResync;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * {@code repair: true}: re-syncs exactly the ids a verification found drifting, without a reload. Missing and
 * differing documents are read again and upserted through the incremental data path; extra rows are deleted.
 */
@Component
class DriftRepair {

    private final TargetedResync resync;

    DriftRepair(TargetedResync resync) {
        this.resync = resync;
    }

    CollectionReport.Repair repair(VerificationTarget target, DriftIds drift, long historyId) {
        if (target.table() == null) {
            throw new IllegalStateException("nothing to repair into: " + target.describe()
                    + " has no imported table yet; run a sync first");
        }
        TargetedResync.Session session = resync.open(target.job(), target.source(), target.config(),
                target.collection(), target.schema(), target.table(), target.transforms(), target.mongo(),
                target.stopReason(), historyId);
        AtomicLong found = new AtomicLong();
        AtomicLong deleted = new AtomicLong();
        drift.forEachBatch(target.config().batchSize(),
                ids -> found.addAndGet(session.upsert(ids)),
                ids -> deleted.addAndGet(session.delete(ids)));
        return new CollectionReport.Repair(session.upserted(), deleted.get(), session.rejected(),
                drift.toUpsert() - found.get());
    }
}
