package io.mongopgsync.stream;

import io.mongopgsync.source.DataSourceEvents;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.DataSourceRepository;
import io.mongopgsync.source.MongoConnections;
import jakarta.annotation.PreDestroy;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Runs the change-stream consumers this instance holds leases for. Every poll interval it reads which sources
 * have {@code realtime} on (so a change made through any instance, and a start-up, are seen), takes the lease of
 * each one nobody holds (or whose holder let it lapse), renews its own, and stops consumers whose source turned
 * realtime off, went away or was taken over. On shutdown it stops its consumers and lets their leases go.
 */
@Component
public class StreamManager {

    private static final Logger log = LoggerFactory.getLogger(StreamManager.class);

    private final StreamServices services;
    private final StreamStore store;
    private final StreamHistory history;
    private final DataSourceRepository sources;
    private final MongoConnections connections;
    private final StreamProperties settings;
    private final String owner;
    private final Map<Long, Running> running = new ConcurrentHashMap<>();
    /** Sources whose last session failed, and when they may try again. */
    private final Map<Long, Long> backoffUntil = new ConcurrentHashMap<>();
    /** Consumers asked to stop whose thread has not ended yet, with the state their row gets once it has. */
    private final Map<Long, String> winding = new ConcurrentHashMap<>();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stream-manager");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;

    private record Running(StreamConsumer consumer, Thread thread, MongoConnections.Lease mongo) {
    }

    public StreamManager(StreamServices services, StreamStore store, StreamHistory history,
                         DataSourceRepository sources, MongoConnections connections, StreamProperties settings) {
        this.services = services;
        this.store = store;
        this.history = history;
        this.sources = sources;
        this.connections = connections;
        this.settings = settings;
        this.owner = io.mongopgsync.sync.JobWorker.hostName() + "|" + ProcessHandle.current().pid() + "|" + UUID.randomUUID().toString().substring(0, 8);
    }

    @EventListener(ApplicationReadyEvent.class)
    public void start() {
        if (!settings.enabled()) {
            log.info("Change streams are off on this instance (sync.stream.enabled=false)");
            return;
        }
        long every = settings.pollInterval().toMillis();
        loop.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
    }

    /** A change through this instance is acted on at once rather than at the next poll. */
    @EventListener
    public void onUpdated(DataSourceEvents.Updated event) {
        wakeUp();
    }

    @EventListener
    public void onCreated(DataSourceEvents.Created event) {
        wakeUp();
    }

    @EventListener
    public void onDeleted(DataSourceEvents.Deleted event) {
        wakeUp();
    }

    public void wakeUp() {
        if (settings.enabled() && !stopping) {
            loop.execute(this::tick);
        }
    }

    public String owner() {
        return owner;
    }

    /** Whether this instance runs the source's consumer. */
    public boolean runsHere(long sourceId) {
        return running.containsKey(sourceId);
    }

    private synchronized void tick() {
        if (stopping) {
            return;
        }
        try {
            Set<Long> wanted = new HashSet<>(store.realtimeSources());
            for (Map.Entry<Long, Running> e : running.entrySet()) {
                long id = e.getKey();
                Running r = e.getValue();
                if (!r.thread().isAlive()) {
                    if (winding.containsKey(id)) {
                        stopped(id, r, "its consumer has applied its last batch");
                    } else {
                        finished(id, r);
                    }
                } else if (winding.containsKey(id)) {
                    // still applying its last batch: it keeps the lease (and its writes their fence) until it ends
                    store.renew(id, owner, settings.leaseTimeout());
                } else if (!wanted.contains(id)) {
                    stop(id, r, "realtime was turned off or the source was deleted", "stopped", 2000);
                } else if (!store.renew(id, owner, settings.leaseTimeout())) {
                    var holder = store.consumer(id).orElse(null);
                    log.warn("The change stream of data source {} was taken over by another instance (lease now held "
                            + "by {} until {})", id, holder == null ? "nobody" : holder.owner(),
                            holder == null ? null : holder.leaseUntil());
                    r.consumer().stop("its lease was taken over by another instance");
                    r.thread().join(settings.leaseTimeout().toMillis());
                    running.remove(id);
                    r.mongo().close();
                }
            }
            for (long id : wanted) {
                if (!running.containsKey(id) && backoffUntil.getOrDefault(id, 0L) <= System.currentTimeMillis()) {
                    tryStart(id);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("Change-stream consumers could not be checked: {}", e.getMessage());
        }
    }

    private void tryStart(long sourceId) {
        Optional<DataSourceRecord> found = sources.findById(sourceId);
        if (found.isEmpty() || !store.acquire(sourceId, owner, settings.leaseTimeout())) {
            return;
        }
        DataSourceRecord source = found.get();
        MongoConnections.Lease mongo;
        try {
            mongo = connections.lease(source);
        } catch (RuntimeException e) {
            store.release(sourceId, owner, "failed", "MongoDB client could not be created: " + e.getMessage());
            backoffUntil.put(sourceId, System.currentTimeMillis() + settings.retryBackoff().toMillis());
            return;
        }
        var metadata = services.json().createObjectNode().put("owner", owner);
        long historyId = history.startSession(sourceId, metadata.toString());
        history.endAbandonedSessions(sourceId, historyId);
        store.session(sourceId, owner, "starting", historyId);
        // starting took a while (a MongoDB client, the history): the lease may have lapsed and been taken meanwhile
        if (!store.renew(sourceId, owner, settings.leaseTimeout()) || !store.consumer(sourceId)
                .map(c -> owner.equals(c.owner())).orElse(false)) {
            history.endSession(historyId, "failed", 0, 0, "another instance took the change stream over while this "
                    + "one was starting it", "{}");
            mongo.close();
            log.info("Change stream of '{}' was taken over by another instance while this one started it",
                    source.name());
            return;
        }
        StreamSession session = new StreamSession(sourceId, source.name(), owner, services.schema(), historyId);
        StreamConsumer consumer = new StreamConsumer(services, source, session, mongo.client());
        Thread thread = new Thread(() -> {
            try {
                consumer.run();
            } catch (RuntimeException e) {
                // recorded by the consumer (history row); the manager retries after the backoff
            }
        }, "stream-" + source.name());
        thread.setDaemon(true);
        running.put(sourceId, new Running(consumer, thread, mongo));
        thread.start();
        log.info("Change stream of '{}' started on this instance ({})", source.name(), owner);
    }

    /** The consumer's thread ended on its own: it failed. Let the lease go and try again after the backoff. */
    private void finished(long sourceId, Running r) {
        running.remove(sourceId);
        r.mongo().close();
        String error = store.consumer(sourceId).map(StreamStore.Consumer::errorMessage).orElse(null);
        String message = lastError(sourceId, error);
        store.release(sourceId, owner, "failed", message);
        backoffUntil.put(sourceId, System.currentTimeMillis() + settings.retryBackoff().toMillis());
    }

    private String lastError(long sourceId, String fallback) {
        return history.lastSessionError(sourceId).orElse(fallback);
    }

    /**
     * Asks the consumer to stop. Its row says {@code state} only once its thread has ended (the stream is reported
     * as stopping until then): a consumer in the middle of a batch finishes that batch first. The manager waits for
     * up to {@code waitMillis}; a consumer still running after that is checked again at each poll.
     */
    private void stop(long sourceId, Running r, String reason, String state, long waitMillis)
            throws InterruptedException {
        r.consumer().stop(reason);
        winding.put(sourceId, state);
        r.thread().join(waitMillis);
        if (r.thread().isAlive()) {
            log.info("Change stream of data source {} is stopping ({}); its consumer is finishing its batch",
                    sourceId, reason);
            return;
        }
        stopped(sourceId, r, reason);
    }

    private void stopped(long sourceId, Running r, String reason) {
        String state = winding.remove(sourceId);
        running.remove(sourceId);
        r.mongo().close();
        store.release(sourceId, owner, state == null ? "stopped" : state, null);
        log.info("Change stream of data source {} stopped: {}", sourceId, reason);
    }

    /** Stops this instance's consumers and lets their leases go, so another instance takes over at once. */
    @EventListener(ContextClosedEvent.class)
    public void onShutdown() {
        if (stopping) {
            return;
        }
        stopping = true;
        loop.shutdownNow();
        List<Long> ids = List.copyOf(running.keySet());
        // every consumer ends its batch at the same time; then each is waited for in turn
        running.values().forEach(r -> r.consumer().stop("the service is shutting down"));
        for (long id : ids) {
            Running r = running.get(id);
            if (r != null) {
                try {
                    stop(id, r, "the service is shutting down", "stopped",
                            Math.max(5000, settings.leaseTimeout().toMillis()));
                    if (running.containsKey(id)) {
                        // the lease goes anyway: a batch still being written holds the consumer row until it
                        // commits (its fence), and any later batch is refused by that fence
                        stopped(id, r, "the service is shutting down (its consumer did not end in time)");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    log.warn("Change stream of data source {} did not stop cleanly: {}", id, e.getMessage());
                }
            }
        }
    }

    @PreDestroy
    void destroy() {
        onShutdown();
    }
}
