package io.mongopgsync.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Watches the sync state while clients listen and fans the changes out to them. The database is read once per
 * poll interval for all clients together, and not at all while nobody listens. A client that connects gets the
 * events it missed (Last-Event-ID) or, when they are no longer kept, a snapshot; the events after it follow in
 * order. Stops before the web server so that a graceful shutdown does not wait for open streams.
 */
@Component
public class EventHub implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventHub.class);

    private final SyncStateReader reader;
    private final ChangeDetector detector;
    private final EventProperties properties;
    private final ObjectMapper mapper;
    private final EventLog eventLog;
    private final Set<EventClient> clients = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();

    private ScheduledExecutorService timer;
    private ThreadPoolExecutor senders;
    private ScheduledFuture<?> polling;
    private ScheduledFuture<?> heartbeats;
    private SyncState state = SyncState.empty();
    private boolean pollFailing;
    private long lastClientLeft;
    private volatile boolean running;

    public EventHub(SyncStateReader reader, ChangeDetector detector, EventProperties properties, ObjectMapper mapper) {
        this.reader = reader;
        this.detector = detector;
        this.properties = properties;
        this.mapper = mapper;
        this.eventLog = new EventLog(Long.toString(System.currentTimeMillis(), 36), properties.replaySize());
    }

    /** Thrown when the stream cannot be opened; the controller answers with its status. */
    public static final class Refused extends RuntimeException {
        private final int status;
        private final String error;

        Refused(int status, String error, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.error = error;
        }

        public int status() {
            return status;
        }

        public String error() {
            return error;
        }
    }

    /** Opens a stream that first carries what {@code lastEventId}'s holder missed, then every new event. */
    public SseEmitter connect(String lastEventId) {
        if (!running) {
            throw new Refused(503, "service_stopping", "The service is shutting down; the dashboard reconnects to "
                    + "another instance or after the restart", null);
        }
        if (connections.incrementAndGet() > properties.maxClients()) {
            connections.decrementAndGet();
            throw new Refused(503, "too_many_clients", "The live event stream of this instance already serves "
                    + properties.maxClients() + " clients (sync.events.max-clients); try again later", null);
        }
        SseEmitter emitter = new SseEmitter(properties.streamTimeout().toMillis());
        EventClient client = new EventClient(emitter, properties.clientBuffer(), senders, mapper, this::disconnected);
        emitter.onCompletion(client::closedByContainer);
        emitter.onTimeout(client::close);
        emitter.onError(e -> client.closedByContainer());
        try {
            synchronized (this) {
                if (polling == null) {
                    startWatching();
                }
                Optional<List<SyncEvent>> missed = eventLog.after(lastEventId);
                if (missed.isPresent()) {
                    missed.get().forEach(client::send);
                } else {
                    client.send(new SyncEvent(eventLog.currentId(), "snapshot", detector.snapshot(state)));
                }
                clients.add(client);
            }
        } catch (RuntimeException e) {
            client.closedByContainer();
            throw new Refused(503, "state_unavailable", "The live event stream cannot read the sync state from "
                    + "PostgreSQL: " + e.getMessage(), e);
        }
        return emitter;
    }

    public int clientCount() {
        return clients.size();
    }

    private void disconnected(EventClient client) {
        connections.decrementAndGet();
        synchronized (this) {
            clients.remove(client);
            if (clients.isEmpty()) {
                lastClientLeft = System.nanoTime();
            }
        }
    }

    /** Reads a fresh baseline; changes made while nobody watched are a gap that only a snapshot can cover. */
    private void startWatching() {
        SyncState baseline = reader.read(SyncState.empty());
        if (state.at().getEpochSecond() > 0) {
            eventLog.gap();
        }
        state = baseline;
        long interval = properties.pollInterval().toMillis();
        polling = timer.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.MILLISECONDS);
    }

    private synchronized void poll() {
        if (polling == null) {
            return;
        }
        // Nobody listened for a while: stop reading; a client that comes back later gets a snapshot.
        if (clients.isEmpty() && System.nanoTime() - lastClientLeft > properties.resumeWindow().toNanos()) {
            polling.cancel(false);
            polling = null;
            return;
        }
        try {
            SyncState next = reader.read(state);
            for (ChangeDetector.Change change : detector.changes(state, next)) {
                SyncEvent event = eventLog.append(change.type(), change.data());
                clients.forEach(c -> c.send(event));
            }
            state = next;
            if (pollFailing) {
                log.info("Live events: reading the sync state from PostgreSQL works again");
                pollFailing = false;
            }
        } catch (RuntimeException e) {
            if (!pollFailing) {
                log.warn("Live events: cannot read the sync state from PostgreSQL ({}); retrying every {}",
                        e.getMessage(), properties.pollInterval());
                pollFailing = true;
            }
        }
    }

    private void heartbeat() {
        clients.forEach(EventClient::heartbeat);
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(threads("sync-events-watcher"));
        // One sender thread per client at most, created when needed and ended when idle.
        // Twice the bound leaves room for threads still finishing their previous drain.
        senders = new ThreadPoolExecutor(0, 2 * properties.maxClients(), 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), threads("sync-events-sender"));
        long beat = properties.heartbeatInterval().toMillis();
        heartbeats = timer.scheduleAtFixedRate(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        synchronized (this) {
            if (polling != null) {
                polling.cancel(false);
                polling = null;
            }
            if (heartbeats != null) {
                heartbeats.cancel(false);
            }
        }
        List.copyOf(clients).forEach(EventClient::close);
        if (timer != null) {
            timer.shutdownNow();
            senders.shutdown();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before the web server's graceful shutdown, which would otherwise wait for the open streams. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
