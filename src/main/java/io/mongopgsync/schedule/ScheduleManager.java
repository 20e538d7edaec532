package io.mongopgsync.schedule;

import io.mongopgsync.source.DataSourceEvents;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.DataSourceRepository;
import io.mongopgsync.source.SyncConfig;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import org.quartz.CronScheduleBuilder;
import org.quartz.CronTrigger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Keeps one Quartz cron trigger per data source whose sync_config has a schedule. Triggers live in the shared JDBC
 * job store, so a change made through any instance holds for all of them at once, without a restart.
 */
@Component
public class ScheduleManager {

    private static final Logger log = LoggerFactory.getLogger(ScheduleManager.class);
    static final String GROUP = "sync-schedules";

    private final Scheduler scheduler;
    private final DataSourceRepository sources;
    private final ObjectMapper json;

    public ScheduleManager(Scheduler scheduler, DataSourceRepository sources, ObjectMapper json) {
        this.scheduler = scheduler;
        this.sources = sources;
        this.json = json;
    }

    static JobKey jobKey(long sourceId) {
        return JobKey.jobKey("source-" + sourceId, GROUP);
    }

    static TriggerKey triggerKey(long sourceId) {
        return TriggerKey.triggerKey("source-" + sourceId, GROUP);
    }

    /** Creates, changes or removes the source's trigger to match its config. */
    public synchronized void apply(long sourceId, SyncConfig config) {
        try {
            if (config.schedule() == null) {
                if (scheduler.deleteJob(jobKey(sourceId))) {
                    log.info("Removed the sync schedule of data source {}", sourceId);
                }
                return;
            }
            String cron = CronSchedules.toQuartz(config.schedule());
            TimeZone zone = TimeZone.getTimeZone(config.scheduleTimeZone() == null ? "UTC" : config.scheduleTimeZone());
            Trigger current = scheduler.getTrigger(triggerKey(sourceId));
            if (current instanceof CronTrigger c && c.getCronExpression().equals(cron)
                    && Objects.equals(c.getTimeZone().getID(), zone.getID())) {
                return;
            }
            CronTrigger trigger = TriggerBuilder.newTrigger().withIdentity(triggerKey(sourceId)).forJob(jobKey(sourceId))
                    .withSchedule(CronScheduleBuilder.cronSchedule(cron).inTimeZone(zone)
                            .withMisfireHandlingInstructionFireAndProceed())
                    .build();
            JobDetail job = JobBuilder.newJob(ScheduledSyncJob.class).withIdentity(jobKey(sourceId))
                    .usingJobData(ScheduledSyncJob.SOURCE_ID, sourceId).storeDurably(false).build();
            scheduler.scheduleJob(job, Set.of(trigger), true);
            log.info("Data source {} syncs on schedule '{}' (Quartz '{}', {})", sourceId, config.schedule(), cron,
                    zone.getID());
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not update the schedule of data source " + sourceId + ": "
                    + e.getMessage(), e);
        }
    }

    /** When the source's schedule fires next, if it has one. */
    public Optional<Instant> nextRun(long sourceId) {
        try {
            Trigger trigger = scheduler.getTrigger(triggerKey(sourceId));
            return trigger == null || trigger.getNextFireTime() == null ? Optional.empty()
                    : Optional.of(trigger.getNextFireTime().toInstant());
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not read the schedule of data source " + sourceId
                    + " from the Quartz job store: " + e.getMessage(), e);
        }
    }

    public void remove(long sourceId) {
        try {
            scheduler.deleteJob(jobKey(sourceId));
        } catch (SchedulerException e) {
            throw new IllegalStateException(e);
        }
    }

    @EventListener
    public void onCreated(DataSourceEvents.Created event) {
        apply(event.source().id(), event.config());
    }

    @EventListener
    public void onUpdated(DataSourceEvents.Updated event) {
        apply(event.source().id(), event.config());
    }

    @EventListener
    public void onDeleted(DataSourceEvents.Deleted event) {
        remove(event.sourceId());
    }

    /**
     * At start-up: every stored schedule gets its trigger and triggers of deleted sources go; then the scheduler
     * starts, after the Camel routes it fires into are up.
     */
    @EventListener(ApplicationReadyEvent.class)
    @Order(0)
    public void loadAndStart() throws SchedulerException {
        Set<Long> scheduled = new HashSet<>();
        for (DataSourceRecord source : sources.findAll()) {
            SyncConfig config = SyncConfig.fromStored(source.syncConfigJson(), json);
            try {
                apply(source.id(), config);
            } catch (RuntimeException e) {
                log.error("Schedule of data source {} not loaded: {}", source.id(), e.getMessage());
            }
            if (config.schedule() != null) {
                scheduled.add(source.id());
            }
        }
        for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            long id = Long.parseLong(key.getName().substring("source-".length()));
            if (!scheduled.contains(id)) {
                scheduler.deleteJob(key);
            }
        }
        if (!scheduler.isStarted()) {
            scheduler.start();
        }
        log.info("Scheduler '{}' (instance {}) started with {} data source schedule(s)",
                scheduler.getSchedulerName(), scheduler.getSchedulerInstanceId(), scheduled.size());
    }
}
