package io.mongopgsync.sync;

import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.source.DataSourceRepository;
import jakarta.annotation.PreDestroy;
import java.net.InetAddress;
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
 * through the {@code sync-job} route, keeps their heartbeats, passes on cancellation, and re-queues jobs whose
 * instance died (a silent heartbeat, or a previous process on this host).
 */
@Component("syncJobWorker")
public class JobWorker {

    private static final Logger log = LoggerFactory.getLogger(JobWorker.class);

    private final SyncJobQueue queue;
    private final SyncHistory history;
    private final DataSourceRepository sources;
    private final ProducerTemplate producer;
    private final SyncProperties.Jobs settings;
    private final String host;
    private final long pid = ProcessHandle.current().pid();
    private final String owner;
    private final Map<Long, SyncJob> running = new ConcurrentHashMap<>();
    private final Set<Long> cancelRequested = ConcurrentHashMap.newKeySet();
    private final ExecutorService jobs;
    private final ExecutorService poller = Executors.newSingleThreadExecutor(r -> new Thread(r, "sync-job-claimer"));
    private final ScheduledExecutorService heartbeats =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "sync-job-heartbeat"));
    private volatile boolean stopping;
    private boolean startupChecked;

    public JobWorker(SyncJobQueue queue, SyncHistory history, DataSourceRepository sources, ProducerTemplate producer,
                     SyncProperties properties) {
        this.queue = queue;
        this.history = history;
        this.sources = sources;
        this.producer = producer;
        this.settings = properties.jobs();
        this.host = hostName();
        this.owner = host + "|" + pid + "|" + UUID.randomUUID().toString().substring(0, 8);
        AtomicInteger threads = new AtomicInteger();
        this.jobs = Executors.newFixedThreadPool(settings.maxConcurrent(), r -> new Thread(r, "sync-job-" + threads.incrementAndGet()));
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
            Optional<SyncJob> claimed = queue.claim(owner);
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
            producer.sendBody("direct:sync-job", job);
        } catch (RuntimeException e) {
            log.error("Sync job {} failed unexpectedly", job.id(), e);
            queue.finish(job.id(), "failed", "unexpected failure: " + e.getMessage());
            history.failInProgress(job.id(), "unexpected failure: " + e.getMessage());
            sources.finishRun(job.dataSourceId(), "failed", "unexpected failure: " + e.getMessage(), 0);
        } finally {
            running.remove(job.id());
            cancelRequested.remove(job.id());
            wakeUp();
        }
    }

    /** What the runner polls between batches. */
    public boolean isCancelled(long jobId) {
        return cancelRequested.contains(jobId);
    }

    /** Local fast path of a cancel request; other instances learn it from their heartbeat. */
    public void cancelLocally(long jobId) {
        if (running.containsKey(jobId)) {
            cancelRequested.add(jobId);
        }
    }

    private void heartbeat() {
        try {
            if (!running.isEmpty()) {
                cancelRequested.addAll(queue.heartbeat(running.keySet(), owner));
            }
        } catch (RuntimeException e) {
            log.warn("Heartbeat of running sync jobs failed: {}", e.getMessage());
        }
    }

    /** Fails and re-queues running jobs whose instance is gone (a silent heartbeat, or a dead process here). */
    public void requeueDeadJobs() {
        List<SyncJob> candidates = new java.util.ArrayList<>(queue.stale(settings.leaseTimeout()));
        for (SyncJob job : queue.running()) {
            if (!running.containsKey(job.id()) && previousProcessOnThisHost(job.owner())
                    && candidates.stream().noneMatch(c -> c.id() == job.id())) {
                candidates.add(job);
            }
        }
        for (SyncJob job : candidates) {
            if (running.containsKey(job.id())) {
                continue;
            }
            String reason = "interrupted: the instance running it (" + job.owner() + ") stopped";
            if (!queue.markInterrupted(job.id(), reason)) {
                continue;
            }
            history.failInProgress(job.id(), reason);
            try {
                SyncJob retry = queue.enqueue(job.dataSourceId(), job.syncType(), "retry", job.id(), null);
                sources.finishRun(job.dataSourceId(), "failed", reason + "; queued again as job " + retry.id(), 0);
                log.warn("Sync job {} was {}; queued again as job {}", job.id(), reason, retry.id());
            } catch (SyncJobQueue.AlreadyActiveException e) {
                sources.finishRun(job.dataSourceId(), "failed", reason, 0);
                log.warn("Sync job {} was {}; job {} is already queued", job.id(), reason, e.active().id());
            }
        }
    }

    /** A job owned by this host but another process (or an earlier incarnation of this pid) is dead. */
    private boolean previousProcessOnThisHost(String jobOwner) {
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

    public String owner() {
        return owner;
    }

    public Set<Long> runningJobIds() {
        return Set.copyOf(running.keySet());
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
        jobs.shutdownNow();
        heartbeats.shutdownNow();
    }

    private static String hostName() {
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
