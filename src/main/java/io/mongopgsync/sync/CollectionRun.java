package io.mongopgsync.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoCursor;
import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.source.DataSourceRecord;
import java.time.Instant;
import java.util.function.Supplier;
import org.bson.BsonDocument;
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
    MongoCursor<BsonDocument> cursor;
    long synced;
    long failed;
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
    }

    void resetForAttempt() {
        attempts++;
        stage = Stage.PREPARING;
        outage = null;
        synced = 0;
        failed = 0;
        droppedByStep = 0;
        tableSchema = null;
        mapper = null;
        closeCursor();
        watermarkSeen = null;
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
