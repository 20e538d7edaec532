package io.mongopgsync.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.MongoException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import io.mongopgsync.source.DataSourceRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer session of one data source, on its own thread while this instance holds the source's lease: a
 * change stream per collection, read in turn; events batched (by count and time) and applied by
 * {@link StreamWriter}; collections without a snapshot taken after their stream began wait for one (queued as a
 * sync job), collections a sync holds wait for it; gaps lead to a new stream and a new snapshot.
 */
final class StreamConsumer implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(StreamConsumer.class);
    /** MongoDB's ChangeStreamHistoryLost: the resume point is no longer in the oplog. */
    static final int HISTORY_LOST = 286;

    private final StreamServices services;
    private final DataSourceRecord source;
    private final StreamSession session;
    private final MongoClient client;
    private final Map<String, CollectionStream> streams = new LinkedHashMap<>();
    private final StreamSteps steps;
    private volatile boolean stopRequested;
    private volatile String stopReason;
    private long applied;
    private long inserted;
    private long updated;
    private long deleted;
    private long refused;
    private long gaps;
    private long rejected;
    private long nextRefreshAt;
    private long nextProgressAt;
    private long firstPendingAt;
    private boolean paused;
    /** The lag last written to the consumer row (-1: none yet). */
    private long reportedLagMs = -1;
    private String state = "starting";

    StreamConsumer(StreamServices services, DataSourceRecord source, StreamSession session, MongoClient client) {
        this.services = services;
        this.source = source;
        this.session = session;
        this.client = client;
        this.steps = new StreamSteps(services, source, session, client);
    }

    void stop(String reason) {
        stopReason = reason;
        stopRequested = true;
    }

    @Override
    public void run() {
        StreamProperties settings = services.properties();
        try {
            while (!stopRequested) {
                long now = System.currentTimeMillis();
                if (now >= nextRefreshAt) {
                    refresh();
                    nextRefreshAt = now + settings.pollInterval().toMillis();
                }
                long readStarted = System.nanoTime();
                int read = paused ? 0 : read(settings.batchSize() - pendingApplicable());
                long readNanos = System.nanoTime() - readStarted;
                long readMs = readNanos / 1_000_000;
                if (read > 0) {
                    services.metrics().streamRead(source.name(), java.time.Duration.ofNanos(readNanos));
                }
                int pending = pendingApplicable();
                if (pending > 0 && firstPendingAt == 0) {
                    firstPendingAt = now;
                }
                // a full batch, a stream with nothing more to give right now, or the longest wait: waiting longer
                // than events keep coming only adds lag
                if (pending >= settings.batchSize() || (pending > 0 && (read == 0
                        || System.currentTimeMillis() - firstPendingAt >= settings.batchInterval().toMillis()))) {
                    flush();
                } else if (pending == 0 && read == 0) {
                    idle();
                    // servers that answer an empty read at once (not after maxAwaitTime) must not be polled in a spin
                    if (readMs < settings.maxAwait().toMillis()) {
                        sleep(settings.maxAwait().toMillis() - readMs);
                    }
                }
                if (System.currentTimeMillis() >= nextProgressAt) {
                    progress();
                    nextProgressAt = System.currentTimeMillis() + 2000;
                }
            }
            end("completed", null);
        } catch (StreamWriter.LeaseLostException e) {
            log.warn("Change stream of '{}' stopped: {}", source.name(), e.getMessage());
            end("failed", "stopped: " + e.getMessage());
        } catch (RuntimeException e) {
            String message = StreamHistory.describeFailure(e);
            log.warn("Change stream of '{}' failed: {}", source.name(), message, e);
            end("failed", message);
            throw e;
        } finally {
            streams.values().forEach(CollectionStream::close);
        }
    }

    /** Collections appeared or went, snapshots finished, syncs hold or let go, pause and resume. */
    private void refresh() {
        services.store().releaseAbandonedHolds(session.sourceId());
        StreamStore.Consumer consumer = services.store().consumer(session.sourceId()).orElse(null);
        paused = consumer != null && consumer.paused();
        Set<String> present = new HashSet<>();
        for (org.bson.Document info : client.getDatabase(source.database()).listCollections()) {
            String name = info.getString("name");
            if (services.wants(source, name) && !"view".equals(info.getString("type"))) {
                present.add(name);
            }
        }
        Map<String, StreamStore.Position> positions = services.store().positions(session.sourceId());
        for (String name : present) {
            if (!streams.containsKey(name)) {
                open(name, positions.get(name));
            }
        }
        List<String> needSnapshot = new ArrayList<>();
        positions = services.store().positions(session.sourceId());
        for (var it = streams.values().iterator(); it.hasNext(); ) {
            CollectionStream stream = it.next();
            StreamStore.Position position = positions.get(stream.collection);
            if (!present.contains(stream.collection) && (position == null || !position.snapshotDone())) {
                // gone (or excluded) before it had a snapshot: nothing to follow until it appears again
                stream.close();
                it.remove();
                services.store().forget(session.sourceId(), stream.collection);
            }
        }
        for (CollectionStream stream : streams.values()) {
            StreamStore.Position position = positions.get(stream.collection);
            if (position == null) {
                startOver(stream);
                needSnapshot.add(stream.collection);
                continue;
            }
            if (position.generation() != stream.generation) {
                services.writer().refreshTable(session, stream, position.generation());
            }
            stream.applicable = position.applicable() && stream.table != null;
            if (!position.snapshotDone()) {
                needSnapshot.add(stream.collection);
            }
        }
        if (!needSnapshot.isEmpty()) {
            services.requestSnapshot(source, needSnapshot);
        }
        String next = paused ? "paused" : needSnapshot.isEmpty() ? "streaming" : "snapshot";
        if (!next.equals(state)) {
            state = next;
            services.store().state(session.sourceId(), session.owner(), state, null);
            log.info("Change stream of '{}' is {}{}", source.name(), state,
                    needSnapshot.isEmpty() ? "" : " (waiting for a snapshot of " + needSnapshot + ")");
        }
    }

    /** Opens a collection's stream: from its stored position, or from now on with a snapshot to follow. */
    private void open(String name, StreamStore.Position position) {
        CollectionStream stream = new CollectionStream(name, services.transforms(source.name(), name));
        streams.put(name, stream);
        if (position != null && position.snapshotDone() && position.resumeToken() != null) {
            try {
                stream.cursor = watch(name).resumeAfter(position.resumeToken()).cursor();
                services.writer().refreshTable(session, stream, position.generation());
                stream.applicable = position.heldByJob() == null && stream.table != null;
                log.info("Change stream of {}.{} resumed from its stored position", source.name(), name);
                return;
            } catch (MongoException e) {
                if (e.getCode() != HISTORY_LOST) {
                    throw e;
                }
                recordGap(stream, position.lastClusterTime(), "its stored resume point is no longer in MongoDB's "
                        + "oplog (ChangeStreamHistoryLost)", "resume");
                return;
            }
        }
        if (position != null && position.snapshotDone()) {
            // a snapshot, but no position the server ever gave: what happened since cannot be known
            recordGap(stream, position.lastClusterTime(), "no resume point was stored for it (no change had "
                    + "arrived and the server reports no position without one)", "resume");
            return;
        }
        startOver(stream);
    }

    private ChangeStreamIterable<BsonDocument> watch(String collection) {
        MongoCollection<BsonDocument> c = client.getDatabase(source.database()).getCollection(collection, BsonDocument.class);
        return c.watch(BsonDocument.class).fullDocument(FullDocument.UPDATE_LOOKUP)
                .maxAwaitTime(services.properties().maxAwait().toMillis(), TimeUnit.MILLISECONDS)
                .batchSize(services.properties().batchSize());
    }

    /** A fresh stream from now; the table needs a snapshot that begins after it. */
    private void startOver(CollectionStream stream) {
        stream.close();
        stream.pending.clear();
        stream.prepared = 0;
        stream.cursor = watch(stream.collection).cursor();
        int generation = services.store().startOver(session.sourceId(), stream.collection, stream.cursor.getResumeToken());
        services.writer().refreshTable(session, stream, generation);
        stream.applicable = false;
    }

    private void recordGap(CollectionStream stream, Long fromClusterTime, String why, String operation) {
        gaps++;
        Instant from = fromClusterTime == null || fromClusterTime == 0 ? null
                : Instant.ofEpochSecond(ChangeEvent.seconds(fromClusterTime));
        String message = services.history().recordGap(session, stream.collection, stream.table, from, why, operation);
        log.warn(message);
        startOver(stream);
    }

    /** Reads up to {@code room} events from the streams whose events may be applied now. */
    private int read(int room) {
        int read = 0;
        for (CollectionStream stream : streams.values()) {
            if (!stream.applicable || stream.cursor == null || room - read <= 0) {
                continue;
            }
            if (!stream.pending.isEmpty() && stream.pending.get(stream.pending.size() - 1).kind() == ChangeEvent.Kind.GAP) {
                continue;
            }
            try {
                ChangeStreamDocument<BsonDocument> next;
                while (read < room && (next = stream.cursor.tryNext()) != null) {
                    ChangeEvent event = ChangeEvent.from(stream.collection, next);
                    stream.pending.add(event);
                    read++;
                    if (event.kind() == ChangeEvent.Kind.GAP) {
                        break;
                    }
                }
            } catch (MongoException e) {
                if (e.getCode() != HISTORY_LOST) {
                    throw e;
                }
                Long last = lastTime(stream); // none when no change has been applied yet
                stream.pending.add(ChangeEvent.gap(stream.collection, "resume", last == null ? 0 : last, null,
                        "its resume point is no longer in MongoDB's oplog (ChangeStreamHistoryLost)"));
                read++;
            }
        }
        return read;
    }

    private Long lastTime(CollectionStream stream) {
        StreamStore.Position p = services.store().positions(session.sourceId()).get(stream.collection);
        return p == null ? null : p.lastClusterTime();
    }

    private int pendingApplicable() {
        int n = 0;
        for (CollectionStream s : streams.values()) {
            if (s.applicable) {
                n += s.pending.size();
            }
        }
        return n;
    }

    /** Applies what is pending: team steps and filter first, then one transaction for every collection. */
    private void flush() {
        long batchStarted = System.nanoTime();
        firstPendingAt = 0;
        List<CollectionStream> ready = new ArrayList<>();
        for (CollectionStream stream : streams.values()) {
            if (stream.applicable && !stream.pending.isEmpty() && steps.prepare(stream)) {
                ready.add(stream);
            }
        }
        if (ready.isEmpty()) {
            return;
        }
        StreamWriter.Result result = services.writer().apply(session, ready);
        long tookNanos = System.nanoTime() - batchStarted;
        services.metrics().streamBatch(source.name(), result.applied(), java.time.Duration.ofNanos(tookNanos));
        if (log.isDebugEnabled()) {
            log.debug("Change stream of '{}': {} events applied, {} refused as stale, in {} ms (prepare and write)",
                    source.name(), result.applied(), result.refused(), tookNanos / 1_000_000);
        }
        for (CollectionStream stream : ready) {
            BatchPlan plan = result.plans().get(stream.collection);
            if (plan == null) {
                continue; // held or swapped meanwhile: its events wait
            }
            stream.pending.subList(0, (int) plan.planned()).clear();
            stream.prepared = Math.max(0, stream.prepared - (int) plan.planned());
            inserted += plan.inserted();
            updated += plan.updated();
            deleted += plan.deleted();
            if (plan.gap() != null) {
                ChangeEvent gap = plan.gap();
                recordGap(stream, plan.last() == null ? lastTime(stream) : (Long) plan.last().clusterTime(),
                        gap.reason(), gap.operation());
            }
        }
        applied += result.applied();
        refused += result.refused();
        if (result.lastClusterTime() > 0) {
            long lagMs = Math.max(0, System.currentTimeMillis() - ChangeEvent.seconds(result.lastClusterTime()) * 1000);
            services.metrics().streamLag(source.name(), java.time.Duration.ofMillis(lagMs));
            reportedLagMs = lagMs;
        }
    }

    /** Nothing to apply: the lag is zero; a position the server reports without events is kept. */
    private void idle() {
        if (reportedLagMs != 0) {
            services.store().lag(session.sourceId(), session.owner(), 0);
            services.metrics().streamLag(source.name(), java.time.Duration.ZERO);
            reportedLagMs = 0;
        }
        for (CollectionStream stream : streams.values()) {
            if (!stream.applicable || stream.cursor == null) {
                continue;
            }
            BsonDocument token = stream.cursor.getResumeToken();
            long now = System.currentTimeMillis();
            if (token != null && !token.equals(stream.savedIdleToken) && now - stream.savedIdleAt >= 5000) {
                services.saveIdlePosition(session, stream.collection, token);
                stream.savedIdleToken = token;
                stream.savedIdleAt = now;
            }
        }
    }

    private void progress() {
        services.history().progress(session.historyId(), applied, rejected, metadata().toString());
    }

    private ObjectNode metadata() {
        ObjectNode m = services.json().createObjectNode();
        m.put("owner", session.owner());
        m.put("eventsApplied", applied);
        m.put("inserted", inserted);
        m.put("updated", updated);
        m.put("deleted", deleted);
        m.put("staleRefused", refused);
        m.put("gaps", gaps);
        var names = m.putArray("collections");
        streams.keySet().forEach(names::add);
        return m;
    }

    private void end(String status, String error) {
        try {
            services.history().endSession(session.historyId(), status, applied, rejected,
                    error, metadata().put("stopReason", stopReason).toString());
        } catch (RuntimeException e) {
            log.warn("Could not end the history row of the change stream of '{}': {}", source.name(), e.getMessage());
        }
        services.metrics().streamStopped(source.name());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    ObjectMapper json() {
        return services.json();
    }
}
