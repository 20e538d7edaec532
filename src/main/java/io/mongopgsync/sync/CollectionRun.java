package io.mongopgsync.sync;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoCursor;
import io.mongopgsync.load.CopyStream;
import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.source.DataSourceRecord;
import java.time.Instant;
import java.util.function.Supplier;
import org.bson.RawBsonDocument;
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
    MongoCursor<RawBsonDocument> cursor;
    /** The open COPY into the shadow table of a full sync. */
    CopyStream stream;
    /** How many bytes a batch and a COPY chunk of this run hold at most. */
    MemoryBudget memory = MemoryBudget.DEFAULT;
    long synced;
    long failed;
    int attempts;
    Long estimatedTotal;
    Instant startedAt;
    ObjectNode metadata;
    String lastSyncField;
    BsonValue watermarkFrom;
    BsonValue watermarkSeen;
    long incrementalRunsSinceFull;
    /** The team's filter and steps for this collection (empty when none are declared). */
    io.mongopgsync.transform.CollectionTransforms transforms = io.mongopgsync.transform.CollectionTransforms.NONE;
    /** Documents the team's own steps dropped in this attempt. */
    long droppedByStep;

    /** Outcome: null while running, then "completed" or "failed". */
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
        synced = 0;
        failed = 0;
        droppedByStep = 0;
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
