package io.mongopgsync.sync;

import io.mongopgsync.config.SyncProperties;
import jakarta.annotation.PreDestroy;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * This instance's share of the job queue: claims queued jobs up to {@code sync.jobs.max-concurrent}, runs each
 * through the {@code sync-job} route, keeps their heartbeats, passes on cancellation, stops a job whose lease was
 * taken over, and re-queues jobs whose instance died (a silent heartbeat, or a dead process on this host).
 */
@Component("syncJobWorker")
public class JobWorker {

    private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

    private final SyncJobQueue queue;
    private final SyncHistory history;
    private final JobOutcomes outcomes;
    private final Interruptions interruptions;
    private final ProducerTemplate producer;
    private final SyncMetrics metrics;
    private final SyncProperties.Jobs settings;
    private final String host;
    private final long pid = ProcessHandle.current().pid();
    private final String owner;
    private final Map<Long, SyncJob> running = new ConcurrentHashMap<>();
    private final Set<Long> cancelRequested = ConcurrentHashMap.newKeySet();
    private final Set<Long> leaseLost = ConcurrentHashMap.newKeySet();
    private final ExecutorService jobs;
    private final ExecutorService poller = Executors.newSingleThreadExecutor(daemon("sync-job-claimer"));
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(daemon("sync-job-heartbeat"));
    private volatile boolean stopping;
    private boolean databaseAway;
    private boolean startupChecked;

    public JobWorker(SyncJobQueue queue, SyncHistory history, JobOutcomes outcomes, Interruptions interruptions,
                     ProducerTemplate producer, SyncProperties properties, SyncMetrics metrics) {
        this.queue = queue;
        this.history = history;
        this.outcomes = outcomes;
        this.interruptions = interruptions;
        this.producer = producer;
        this.metrics = metrics;
        this.settings = properties.jobs();
        this.host = hostName();
        this.owner = host + "|" + pid + "|" + UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger threads = new AtomicInteger();
        this.jobs = Executors.newFixedThreadPool(settings.maxConcurrent(),
                r -> daemon("sync-job-" + threads.incrementAndGet()).newThread(r));
        long beat = settings.heartbeatInterval().toMillis();
        heartbeats.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
    }

    /**
     * Called by the sync-job-poller route: claims what this instance has room for. The first poll also re-queues
     * jobs a previous process on this host left running; later ones leave that to the requeue-dead-jobs route.
     */
    public synchronized void poll() {
        if (!settings.enabled() || stopping) {
            return;
        }
        if (!startupChecked) {
            startupChecked = true;
            requeueDeadJobs();
        }
        while (running.size() < settings.maxConcurrent()) {
            Optional<SyncJob> claimed;
            try {
                claimed = queue.claim(owner);
                if (databaseAway) {
                    databaseAway = false;
                    log.info("PostgreSQL answers again: claiming queued sync jobs");
                }
            } catch (org.springframework.dao.DataAccessException e) {
                // once per outage, in words: the driver's stack trace at every poll says nothing more
                if (!databaseAway) {
                    databaseAway = true;
                    log.warn("PostgreSQL cannot be reached: no queued sync job is claimed until it answers again ({})",
                            RunReport.rootMessage(e));
                }
                return;
            }
            if (claimed.isEmpty()) {
                return;
            }
            SyncJob job = claimed.get();
            running.put(job.id(), job);
            jobs.submit(() -> execute(job));
        }
    }

    /** Claims right away instead of at the next poll (after a trigger on this instance). */
    public void wakeUp() {
        if (!stopping) {
            poller.submit(this::poll);
        }
    }

    private void execute(SyncJob job) {
        try {
            log.info("Sync job {} of data source {} ({}, {}) started", job.id(), job.dataSourceId(),
                    job.syncType().value(), job.trigger());
            if (job.syncType() == SyncType.VERIFY) {
                // a verification is not a sync: neither its duration nor its success are the sync's
                producer.sendBody("direct:sync-job", job);
            } else {
                metrics.timeSync(job, () -> producer.sendBody("direct:sync-job", job));
            }
        } catch (RuntimeException e) {
            log.error("Sync job {} failed unexpectedly", job.id(), e);
            String message = "unexpected failure: " + RunReport.rootMessage(e);
            history.failInProgress(job.id(), message);
            if (job.syncType() == SyncType.VERIFY) {
                queue.finish(job.id(), "failed", message);
            } else {
                outcomes.end(job, "failed", "failed", message, 0);
            }
        } finally {
            running.remove(job.id());
            cancelRequested.remove(job.id());
            leaseLost.remove(job.id());
            wakeUp();
        }
    }

    /** Why a running job must stop now, or null: shutdown, a lost lease, or a cancel request. */
    public String stopReason(long jobId) {
        if (stopping) {
            return "interrupted: the service is shutting down";
        }
        if (leaseLost.contains(jobId)) {
            return "stopped: this instance lost the job's lease, another instance runs it again";
        }
        return cancelRequested.contains(jobId) ? CancelledException.BY_REQUEST : null;
    }

    public boolean isCancelled(long jobId) {
        return cancelRequested.contains(jobId);
    }

    public boolean hasLostLease(long jobId) {
        return leaseLost.contains(jobId);
    }

    /** Local fast path of a cancel request; other instances learn it from their heartbeat. */
    public void cancelLocally(long jobId) {
        if (running.containsKey(jobId)) {
            cancelRequested.add(jobId);
        }
    }

    private void heartbeat() {
        try {
            Set<Long> ids = Set.copyOf(running.keySet());
            if (ids.isEmpty()) {
                return;
            }
            SyncJobQueue.Heartbeat beat = queue.heartbeat(ids, owner);
            cancelRequested.addAll(beat.cancelRequested());
            for (Long id : ids) {
                if (!beat.held().contains(id) && running.containsKey(id) && leaseLost.add(id)) {
                    log.warn("Sync job {} is no longer held by this instance; stopping it", id);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Heartbeat of running sync jobs not written: PostgreSQL cannot be reached ({})",
                    RunReport.rootMessage(e));
        }
    }

    /**
     * Fails and re-queues running jobs whose instance is gone: any job silent for the lease, and at once (after
     * three missed heartbeats) a job left by a dead process on this host.
     */
    public void requeueDeadJobs() {
        List<SyncJob> stale = queue.stale(settings.leaseTimeout());
        for (SyncJob job : stale) {
            if (!running.containsKey(job.id())) {
                interruptions.interrupt(job, job.owner(), settings.leaseTimeout(),
                        "interrupted: the instance running it (" + job.owner() + ") stopped sending heartbeats", 0);
            }
        }
        Duration restartGrace = settings.heartbeatInterval().multipliedBy(3);
        for (SyncJob job : queue.running()) {
            boolean silent = job.heartbeatAt() == null || job.heartbeatAt().isBefore(Instant.now().minus(restartGrace));
            if (!running.containsKey(job.id()) && silent && deadProcessOnThisHost(job.owner())) {
                interruptions.interrupt(job, job.owner(), restartGrace,
                        "interrupted: the process running it (" + job.owner() + ") is gone", 0);
            }
        }
    }

    /** A job owned by this host but a process that no longer runs (or an earlier incarnation of this pid). */
    private boolean deadProcessOnThisHost(String jobOwner) {
        if (jobOwner == null || jobOwner.equals(owner)) {
            return false;
        }
        String[] parts = jobOwner.split("\\|");
        if (parts.length != 3 || !parts[0].equals(host)) {
            return false;
        }
        long otherPid;
        try {
            otherPid = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        if (otherPid == pid) {
            return true; // same pid, other incarnation (containers restart with pid 1)
        }
        return ProcessHandle.of(otherPid).map(p -> !p.isAlive()).orElse(true);
    }

    public boolean isStopping() {
        return stopping;
    }

    /**
     * On shutdown, before Camel stops its routes, running jobs stop at their next batch (live tables stay as they
     * were) and are queued again at once, so the next instance resumes them without waiting for the lease.
     */
    @EventListener(ContextClosedEvent.class)
    public void onShutdown() {
        if (stopping) {
            return;
        }
        stopping = true;
        poller.shutdownNow();
        jobs.shutdown();
        try {
            if (!running.isEmpty()) {
                log.info("Stopping {} running sync job(s) for shutdown", running.size());
            }
            if (!jobs.awaitTermination(25, TimeUnit.SECONDS)) {
                log.warn("Sync jobs {} did not stop in time; another instance re-queues them after the lease",
                        running.keySet());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void stop() {
        onShutdown();
        heartbeats.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** This instance's host name as owners of jobs and leases name it ($HOSTNAME in containers). */
    public static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }
}
