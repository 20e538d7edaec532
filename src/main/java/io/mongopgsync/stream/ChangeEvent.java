package io.mongopgsync.stream;

import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.mongopgsync.mapping.IdEncoder;
import io.mongopgsync.mapping.TableSchema;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;

/**
 * One change event of a collection, reduced to what the imported table needs: the row to write or remove, the
 * event's cluster time (for the stale-write guard) and its resume token. Events that cannot be applied exactly
 * (a drop, a rename, an invalidate, an event without a usable document) are gaps: the collection is snapshotted
 * again rather than guessed at.
 */
public record ChangeEvent(Kind kind, String collection, String operation, String documentId, BsonDocument document,
                          long clusterTime, BsonDocument resumeToken, String reason) {

    public enum Kind {
        /** Write the document as the row (insert, replace, update with its looked-up document). */
        UPSERT,
        /** Remove the row (delete; an update whose document no longer existed when it was looked up). */
        DELETE,
        /** The table can no longer follow from this stream: record a gap and snapshot the collection again. */
        GAP,
        /** Nothing to do for the table (events of other kinds), but the position moves on. */
        IGNORED
    }

    public static ChangeEvent from(String collection, ChangeStreamDocument<BsonDocument> event) {
        String operation = event.getOperationTypeString();
        BsonTimestamp time = event.getClusterTime();
        long clusterTime = time == null ? 0 : time.getValue();
        BsonDocument token = event.getResumeToken();
        if (operation == null) {
            return gap(collection, "unknown", clusterTime, token, "a change event without an operation type");
        }
        if (time == null) {
            return gap(collection, operation, 0, token, "a " + operation + " event without a cluster time");
        }
        BsonValue keyId = event.getDocumentKey() == null ? null : event.getDocumentKey().get(TableSchema.ID);
        BsonDocument full = event.getFullDocument();
        return switch (operation) {
            case "insert", "replace" -> {
                if (full == null || full.get(TableSchema.ID) == null) {
                    yield gap(collection, operation, clusterTime, token,
                            "a " + operation + " event without the document and its _id");
                }
                if (keyId != null && !keyId.equals(full.get(TableSchema.ID))) {
                    yield gap(collection, operation, clusterTime, token,
                            "a " + operation + " event whose documentKey does not match its document's _id");
                }
                yield new ChangeEvent(Kind.UPSERT, collection, operation, IdEncoder.encode(full.get(TableSchema.ID)),
                        full, clusterTime, token, null);
            }
            case "update" -> {
                if (keyId == null) {
                    yield gap(collection, operation, clusterTime, token, "an update event without documentKey._id");
                }
                if (full == null) {
                    // updateLookup found no document: it was deleted after this update (its delete follows)
                    yield new ChangeEvent(Kind.DELETE, collection, operation, IdEncoder.encode(keyId), null,
                            clusterTime, token, null);
                }
                if (!keyId.equals(full.get(TableSchema.ID))) {
                    yield gap(collection, operation, clusterTime, token,
                            "an update event whose looked-up document does not carry its documentKey's _id");
                }
                yield new ChangeEvent(Kind.UPSERT, collection, operation, IdEncoder.encode(keyId), full, clusterTime,
                        token, null);
            }
            case "delete" -> keyId == null
                    ? gap(collection, operation, clusterTime, token, "a delete event without documentKey._id")
                    : new ChangeEvent(Kind.DELETE, collection, operation, IdEncoder.encode(keyId), null, clusterTime,
                            token, null);
            case "drop", "rename", "dropDatabase", "invalidate" -> gap(collection, operation, clusterTime, token,
                    "the collection was " + switch (operation) {
                        case "drop" -> "dropped";
                        case "rename" -> "renamed";
                        case "dropDatabase" -> "dropped with its database";
                        default -> "invalidated for its change stream";
                    });
            default -> new ChangeEvent(Kind.IGNORED, collection, operation, null, null, clusterTime, token, null);
        };
    }

    static ChangeEvent gap(String collection, String operation, long clusterTime, BsonDocument token, String reason) {
        return new ChangeEvent(Kind.GAP, collection, operation, null, null, clusterTime, token, reason);
    }

    /** Seconds since the epoch of a cluster time (its upper 32 bits). */
    public static long seconds(long clusterTime) {
        return clusterTime >>> 32;
    }
}
