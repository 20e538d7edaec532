package io.mongopgsync.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.DataSourceRepository;
import io.mongopgsync.source.SyncConfig;
import io.mongopgsync.sync.SyncJob;
import io.mongopgsync.sync.SyncJobQueue;
import io.mongopgsync.sync.SyncType;
import io.mongopgsync.verify.VerificationRequest;
import io.mongopgsync.verify.VerificationService;
import java.util.List;
import java.util.Optional;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A verification schedule firing (called by the scheduled-verify route): queues a verification of every
 * collection in the configured mode; when the source has an active job, records the firing as skipped.
 */
@Component("scheduledVerifications")
public class ScheduledVerifications {

    private static final Logger log = LoggerFactory.getLogger(ScheduledVerifications.class);

    private final DataSourceRepository sources;
    private final VerificationService verifications;
    private final SyncJobQueue queue;
    private final ScheduleManager schedules;
    private final ObjectMapper json;

    public ScheduledVerifications(DataSourceRepository sources, VerificationService verifications, SyncJobQueue queue,
                                  ScheduleManager schedules, ObjectMapper json) {
        this.sources = sources;
        this.verifications = verifications;
        this.queue = queue;
        this.schedules = schedules;
        this.json = json;
    }

    public void fire(@Header("sourceId") long sourceId, @Header("scheduledFireTime") String scheduledFireTime) {
        Optional<DataSourceRecord> source = sources.findById(sourceId);
        if (source.isEmpty()) {
            schedules.remove(sourceId);
            return;
        }
        SyncConfig.VerifySchedule schedule = SyncConfig.fromStored(source.get().syncConfigJson(), json).verify();
        if (schedule == null) {
            return; // removed since the trigger fired
        }
        VerificationRequest request = new VerificationRequest(VerificationRequest.Mode.parse(schedule.mode()),
                List.of(), false);
        Optional<SyncJob> queued = verifications.requestIfIdle(sourceId, request, "schedule");
        if (queued.isPresent()) {
            log.info("Verification schedule of data source {} queued {} verification job {}", sourceId,
                    schedule.mode(), queued.get().id());
            return;
        }
        String reason = queue.active(sourceId).map(j -> "skipped: a " + j.syncType().value() + " job is already "
                + j.status() + " as job " + j.id()).orElse("skipped: a job was already active");
        queue.recordSkipped(sourceId, SyncType.VERIFY, "schedule", reason, json.createObjectNode()
                .put("scheduledFireTime", scheduledFireTime).put("schedule", schedule.schedule()).toString());
        log.info("Verification schedule of data source {} fired at {} but {}", sourceId, scheduledFireTime, reason);
    }
}
