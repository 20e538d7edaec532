package io.mongopgsync.schedule;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.DataSourceRepository;
import io.mongopgsync.source.SyncConfig;
import io.mongopgsync.sync.SyncJob;
import io.mongopgsync.sync.SyncJobQueue;
import io.mongopgsync.sync.SyncService;
import io.mongopgsync.sync.SyncType;
import java.util.Optional;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * A schedule firing (called by the scheduled-sync route): queues the source's sync, incremental when its config
 * says so; when the source is already syncing, records the firing as skipped instead of queueing behind it.
 */
@Component("scheduledSyncs")
public class ScheduledSyncs {

    private static final Logger log = LoggerFactory.getLogger(ScheduledSyncs.class);

    private final DataSourceRepository sources;
    private final SyncService syncs;
    private final SyncJobQueue queue;
    private final ScheduleManager schedules;
    private final ObjectMapper json;

    public ScheduledSyncs(DataSourceRepository sources, SyncService syncs, SyncJobQueue queue,
                          ScheduleManager schedules, ObjectMapper json) {
        this.sources = sources;
        this.syncs = syncs;
        this.queue = queue;
        this.schedules = schedules;
        this.json = json;
    }

    public void fire(@Header("sourceId") long sourceId, @Header("scheduledFireTime") String scheduledFireTime,
                     @Header("fireTime") String fireTime, @Header("schedulerInstance") String instance) {
        Optional<DataSourceRecord> source = sources.findById(sourceId);
        if (source.isEmpty()) {
            schedules.remove(sourceId);
            return;
        }
        SyncConfig config = SyncConfig.fromStored(source.get().syncConfigJson(), json);
        SyncType type = Boolean.TRUE.equals(config.incremental()) ? SyncType.INCREMENTAL : SyncType.FULL;
        String details = json.createObjectNode().put("scheduledFireTime", scheduledFireTime).put("fireTime", fireTime)
                .put("schedulerInstance", instance).put("schedule", config.schedule()).toString();
        Optional<SyncJob> queued = syncs.triggerIfIdle(sourceId, type, "schedule", details);
        if (queued.isPresent()) {
            log.info("Schedule of data source {} queued {} sync job {}", sourceId, type.value(), queued.get().id());
            return;
        }
        String reason = queue.active(sourceId).map(j -> "skipped: a sync is already " + j.status() + " as job " + j.id())
                .orElse("skipped: a sync was already active");
        queue.recordSkipped(sourceId, type, "schedule", reason, details);
        log.info("Schedule of data source {} fired at {} but {}", sourceId, scheduledFireTime, reason);
    }
}
