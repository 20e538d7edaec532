package io.mongopgsync.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoCursor;
import io.mongopgsync.load.CopyStream;
import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.source.DataSourceRecord;
import java.time.Instant;
import java.util.function.Supplier;
import org.bson.BsonValue;

/**
 * The state of one collection's sync within a job, carried through the Camel routes as an exchange property.
 * Everything that a retry must redo is reset by {@link #resetForAttempt}.
 */
public final class CollectionRun {

    public static final String PROPERTY = "collectionRun";

    final SyncJob job;
    final DataSourceRecord source;
    final EffectiveConfig config;
    final String collection;
    final String schema;
    /** Why the run must stop now (cancel request, shutdown), or null. */
    final Supplier<String> stopReason;
    /** The source's MongoDB client, held for the whole job. */
    final com.mongodb.client.MongoClient mongo;

    /** What this collection actually does: a requested incremental run may fall back to full. */
    SyncType mode;
    String modeReason;
    long historyId;
    String table;
    String shadow;
    TableSchema tableSchema;
    RowMapper mapper;
    MongoCursor<SizedDocument> cursor;
    /** The open COPY into the shadow table of a full sync. */
    CopyStream stream;
    /** How many bytes a batch and a COPY chunk of this run hold at most. */
    MemoryBudget memory = MemoryBudget.DEFAULT;
    /** Parallel _id-range splits this collection may use (its share of the job's parallelism). */
    int splitsAllowed = 1;
    /** A collection is split only into parts of at least this many documents (by its count estimate). */
    long splitMinDocuments = 100_000;
    /** The collection run a split belongs to; null for the collection itself. */
    CollectionRun parent;
    /** This split's _id range (a query part), or null for the whole collection. */
    org.bson.conversions.Bson range;
    /** The splits reading this collection in this attempt (one when it is not split). */
    final java.util.List<CollectionRun> splits = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Set on a split whose attempt ended (failure, retry): a split still running stops at its next batch. */
    volatile boolean aborted;
    /** The first failure of a split: the other splits stop at their next batch. */
    volatile Throwable splitFailure;
    /**
     * The splits of a collection load one shadow table, each through its own open COPY. A split holds this shared
     * while it loads a batch, and exclusively while it changes the table's columns; a split that finds it taken
     * exclusively commits its open chunk first, so the ALTER never waits for a split that waits for it.
     */
    final java.util.concurrent.locks.ReentrantReadWriteLock tableLock;
    /** When the history row last got this collection's progress (System.nanoTime; 0 before the first batch). */
    long progressWrittenAt;
    volatile long synced;
    volatile long failed;
    int attempts;
    Long estimatedTotal;
    Instant startedAt;
    ObjectNode metadata;
    String lastSyncField;
    /** incrementalBy objectIdInserts: new documents are found by their ObjectId _id (lastSyncField is _id). */
    boolean insertsOnly;
    BsonValue watermarkFrom;
    BsonValue watermarkSeen;
    long incrementalRunsSinceFull;
    /** The team's filter and steps for this collection (empty when none are declared). */
    io.mongopgsync.transform.CollectionTransforms transforms = io.mongopgsync.transform.CollectionTransforms.NONE;
    /** Documents the team's own steps dropped in this attempt. */
    long droppedByStep;

    /** What the attempt is doing, for failure messages: preparing the table, loading batches, or finishing. */
    Stage stage = Stage.PREPARING;

    /** The parts of a collection's attempt, in order. */
    enum Stage { PREPARING, LOADING, FINISHING }

    /** Why the attempts stopped early: the failed system did not come back within sync.retry.outage-wait. */
    String outage;

    /** Outcome: null while running, then "completed", "failed" or "cancelled". */
    String status;
    String error;

    CollectionRun(SyncJob job, DataSourceRecord source, EffectiveConfig config, String collection, String schema,
                  Supplier<String> stopReason, com.mongodb.client.MongoClient mongo) {
        this.job = job;
        this.source = source;
        this.config = config;
        this.collection = collection;
        this.schema = schema;
        this.stopReason = stopReason;
        this.mongo = mongo;
        this.tableLock = new java.util.concurrent.locks.ReentrantReadWriteLock(true);
    }

    /** A split of this collection's run: it shares the table, schema and history row, and counts on its own. */
    CollectionRun split(org.bson.conversions.Bson range) {
        CollectionRun split = new CollectionRun(this, range);
        splits.add(split);
        return split;
    }

    private CollectionRun(CollectionRun parent, org.bson.conversions.Bson range) {
        this.job = parent.job;
        this.source = parent.source;
        this.config = parent.config;
        this.collection = parent.collection;
        this.schema = parent.schema;
        this.stopReason = parent.stopReason;
        this.mongo = parent.mongo;
        this.tableLock = parent.tableLock;
        this.parent = parent;
        this.range = range;
        this.mode = parent.mode;
        this.historyId = parent.historyId;
        this.table = parent.table;
        this.shadow = parent.shadow;
        this.tableSchema = parent.tableSchema;
        this.mapper = new RowMapper();
        this.memory = parent.memory;
        this.metadata = parent.metadata;
        this.lastSyncField = parent.lastSyncField;
        this.watermarkFrom = parent.watermarkFrom;
        this.transforms = parent.transforms;
        this.startedAt = parent.startedAt;
    }

    /** Rows loaded and rejected so far by every split of this collection (progress while it runs). */
    long[] progress() {
        CollectionRun whole = parent == null ? this : parent;
        long loaded = 0;
        long rejected = 0;
        for (CollectionRun split : whole.splits) {
            loaded += split.synced + (split.stream == null ? 0 : split.stream.pendingRows());
            rejected += split.failed;
        }
        return new long[] {loaded, rejected};
    }

    /** Adds up what the splits did into this run, once they have all ended. */
    void joinSplits() {
        for (CollectionRun split : splits) {
            synced += split.synced;
            failed += split.failed;
            droppedByStep += split.droppedByStep;
            watermarkSeen = Watermarks.max(watermarkSeen, split.watermarkSeen);
            mapper.renderer().add(split.mapper.renderer());
        }
        splits.clear();
    }

    /** A split failed: the others stop at their next batch instead of reading their whole range. */
    void splitFailed(Throwable failure) {
        if (aborted) {
            // a part of an attempt that already ended (its cursor and COPY were closed under it): not this attempt's
            return;
        }
        CollectionRun whole = parent == null ? this : parent;
        if (whole.splitFailure == null) {
            whole.splitFailure = failure;
        }
    }

    void resetForAttempt() {
        attempts++;
        stage = Stage.PREPARING;
        outage = null;
        abortSplits();
        splitFailure = null;
        synced = 0;
        failed = 0;
        droppedByStep = 0;
        progressWrittenAt = 0;
        tableSchema = null;
        mapper = null;
        closeCursor();
        abortStream();
        watermarkSeen = null;
    }

    /** Ends a COPY under way without storing its open chunk (before the shadow is dropped or the run retried). */
    void abortStream() {
        if (stream != null) {
            stream.abort();
            stream = null;
        }
    }

    /** Ends every split's cursor and COPY (failure, cancel, retry): nothing of their open chunks is stored. */
    void abortSplits() {
        for (CollectionRun split : splits) {
            split.aborted = true;
            split.closeCursor();
            split.abortStream();
        }
        splits.clear();
    }

    void closeCursor() {
        if (cursor != null) {
            try {
                cursor.close();
            } catch (RuntimeException ignored) {
                // the connection may already be gone
            }
            cursor = null;
        }
    }

    /** Whether the run stopped because it was asked to (its outcome is then decided for the whole job). */
    boolean stopped() {
        return stopReason.get() != null;
    }

    void checkCancelled() {
        String reason = stopReason.get();
        if (reason != null) {
            throw new CancelledException(reason);
        }
        Throwable sibling = parent == null ? null : parent.splitFailure;
        if (sibling != null) {
            throw new SplitStoppedException(sibling);
        }
        if (aborted) {
            throw new SplitStoppedException(new IllegalStateException("the attempt this part belonged to has ended"));
        }
    }

    /** This split stopped because another split of the collection failed; the cause is that failure. */
    static final class SplitStoppedException extends RuntimeException {
        SplitStoppedException(Throwable cause) {
            super(RunReport.rootMessage(cause), cause);
        }
    }

    public String collection() {
        return collection;
    }

    public String status() {
        return status;
    }

    public String error() {
        return error;
    }

    public long synced() {
        return synced;
    }

    /**
     * Rows of this run that are in the live table: all of a completed run; of an incremental run that stopped,
     * the batches it had merged (each is committed on its own); none of a full run that stopped, whose shadow
     * table was dropped.
     */
    public long syncedIntoLiveTable() {
        if ("completed".equals(status) || mode == SyncType.INCREMENTAL) {
            return synced;
        }
        return 0;
    }

    public long failed() {
        return failed;
    }

    public String table() {
        return table;
    }

    public SyncJob job() {
        return job;
    }

    public DataSourceRecord source() {
        return source;
    }

    public SyncType mode() {
        return mode;
    }
}
