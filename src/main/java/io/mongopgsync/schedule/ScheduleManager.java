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
 * Keeps one Quartz cron trigger per data source whose sync_config has a schedule, and one per source whose
 * sync_config has a verification schedule ({@code verify.schedule}). Triggers live in the shared JDBC job store,
 * so a change made through any instance holds for all of them at once, without a restart.
 */
@Component
public class ScheduleManager {

    private static final Logger log = LoggerFactory.getLogger(ScheduleManager.class);
    static final String GROUP = "sync-schedules";
    static final String VERIFY_GROUP = "verify-schedules";

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

    static JobKey verifyJobKey(long sourceId) {
        return JobKey.jobKey("verify-" + sourceId, VERIFY_GROUP);
    }

    /** Creates, changes or removes the source's triggers (sync and verification) to match its config. */
    public synchronized void apply(long sourceId, SyncConfig config) {
        TimeZone zone = TimeZone.getTimeZone(config.scheduleTimeZone() == null ? "UTC" : config.scheduleTimeZone());
        try {
            schedule(jobKey(sourceId), config.schedule(), zone, ScheduledSyncJob.class, sourceId, "syncs");
            schedule(verifyJobKey(sourceId), config.verify() == null ? null : config.verify().schedule(), zone,
                    ScheduledVerifyJob.class, sourceId, "is verified");
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not update the schedule of data source " + sourceId
                    + " in the Quartz job store: " + e.getMessage(), e);
        }
    }

    private void schedule(JobKey key, String schedule, TimeZone zone, Class<? extends org.quartz.Job> type,
                          long sourceId, String what) throws SchedulerException {
        if (schedule == null) {
            if (scheduler.deleteJob(key)) {
                log.info("Removed the schedule ({}) of data source {}", key.getGroup(), sourceId);
            }
            return;
        }
        String cron = CronSchedules.toQuartz(schedule);
        TriggerKey triggerKey = TriggerKey.triggerKey(key.getName(), key.getGroup());
        Trigger current = scheduler.getTrigger(triggerKey);
        if (current instanceof CronTrigger c && c.getCronExpression().equals(cron)
                && Objects.equals(c.getTimeZone().getID(), zone.getID())) {
            return;
        }
        CronTrigger trigger = TriggerBuilder.newTrigger().withIdentity(triggerKey).forJob(key)
                .withSchedule(CronScheduleBuilder.cronSchedule(cron).inTimeZone(zone)
                        .withMisfireHandlingInstructionFireAndProceed())
                .build();
        JobDetail job = JobBuilder.newJob(type).withIdentity(key)
                .usingJobData(ScheduledSyncJob.SOURCE_ID, sourceId).storeDurably(false).build();
        scheduler.scheduleJob(job, Set.of(trigger), true);
        log.info("Data source {} {} on schedule '{}' (Quartz '{}', {})", sourceId, what, schedule, cron, zone.getID());
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
            scheduler.deleteJob(verifyJobKey(sourceId));
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
        Set<Long> verified = new HashSet<>();
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
            if (config.verify() != null) {
                verified.add(source.id());
            }
        }
        deleteOthers(GROUP, scheduled);
        deleteOthers(VERIFY_GROUP, verified);
        if (!scheduler.isStarted()) {
            scheduler.start();
        }
        log.info("Scheduler '{}' (instance {}) started with {} sync and {} verification schedule(s)",
                scheduler.getSchedulerName(), scheduler.getSchedulerInstanceId(), scheduled.size(), verified.size());
    }

    /** Triggers of deleted sources or of schedules removed while no instance ran go. */
    private void deleteOthers(String group, Set<Long> keep) throws SchedulerException {
        for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(group))) {
            long id = Long.parseLong(key.getName().substring(key.getName().indexOf('-') + 1));
            if (!keep.contains(id)) {
                scheduler.deleteJob(key);
            }
        }
    }
}
