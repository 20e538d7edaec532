package io.mongopgsync.sync;

import io.mongopgsync.mapping.ExtendedJson;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonObjectId;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.types.ObjectId;

/**
 * Watermarks of incremental syncs: the highest value of a collection's lastSyncField that a run loaded.
 * MongoDB compares values of one type bracket only ({@code $gte} a date matches dates), so a watermark has one
 * bracket; when a field mixes them, dates win over timestamps, numbers, ObjectIds and strings, whatever document
 * comes first, so that a few legacy strings cannot hide the dated changes.
 */
public final class Watermarks {

    /** How far back an ObjectId watermark starts the next run. */
    public static final Duration OBJECT_ID_OVERLAP = Duration.ofMinutes(1);

    private Watermarks() {
    }

    /** The value at a dotted path ({@code meta.updatedAt}), or null. */
    public static BsonValue extract(BsonDocument document, String path) {
        return extract(document, path(path));
    }

    /** A field path cut at its dots, for {@link #extract(BsonDocument, String[])} on many documents. */
    public static String[] path(String path) {
        return path.split("\\.");
    }

    /** The value at a path cut by {@link #path(String)}; null when a part is missing or not a document. */
    public static BsonValue extract(BsonDocument document, String[] path) {
        BsonValue current = document;
        for (String part : path) {
            if (current == null || !current.isDocument()) {
                return null;
            }
            current = io.mongopgsync.mapping.RawFields.field(current.asDocument(), part);
        }
        return current;
    }

    public static boolean usable(BsonValue value) {
        return value != null && bracket(value.getBsonType()) > 0;
    }

    /** The larger of two watermarks; a value of another type bracket than {@code current} is ignored. */
    public static BsonValue max(BsonValue current, BsonValue candidate) {
        if (!usable(candidate)) {
            return current;
        }
        if (current == null) {
            return candidate;
        }
        int currentBracket = bracket(current.getBsonType());
        int candidateBracket = bracket(candidate.getBsonType());
        if (currentBracket != candidateBracket) {
            return priority(candidateBracket) > priority(currentBracket) ? candidate : current;
        }
        return compare(candidate, current) > 0 ? candidate : current;
    }

    /**
     * The watermark a run stores: the highest value loaded, but for dates never later than the run's start, so
     * that a document changed while the run was reading is read again next time (upserts are idempotent). An
     * ObjectId goes back to the first ObjectId of {@link #OBJECT_ID_OVERLAP} before its second (and never past the
     * run's start): ObjectIds grow only per second and per client, so a document inserted by another client in the
     * same moment may get a smaller one than the last seen; the next run reads that minute again.
     */
    public static BsonValue toStore(BsonValue highestLoaded, Instant runStart) {
        if (highestLoaded != null && highestLoaded.isDateTime()
                && highestLoaded.asDateTime().getValue() > runStart.toEpochMilli()) {
            return new BsonDateTime(runStart.toEpochMilli());
        }
        if (highestLoaded != null && highestLoaded.isObjectId()) {
            long seconds = Math.min(highestLoaded.asObjectId().getValue().getTimestamp(), runStart.getEpochSecond())
                    - OBJECT_ID_OVERLAP.toSeconds();
            return new BsonObjectId(new ObjectId(ByteBuffer.allocate(12).putInt((int) Math.max(0, seconds)).array()));
        }
        return highestLoaded;
    }


    public static String toJson(BsonValue value) {
        return ExtendedJson.canonicalValue(value);
    }

    public static BsonValue fromJson(String json) {
        return BsonDocument.parse("{\"v\": " + json + "}").get("v");
    }

    static int compare(BsonValue a, BsonValue b) {
        return switch (bracket(a.getBsonType())) {
            case 1 -> number(a).compareTo(number(b));
            case 2 -> string(a).compareTo(string(b));
            case 3 -> a.asObjectId().getValue().compareTo(b.asObjectId().getValue());
            case 4 -> Long.compare(a.asDateTime().getValue(), b.asDateTime().getValue());
            case 5 -> a.asTimestamp().compareTo(b.asTimestamp());
            default -> 0;
        };
    }

    private static int priority(int bracket) {
        return switch (bracket) {
            case 4 -> 5; // dates
            case 5 -> 4; // timestamps
            case 1 -> 3; // numbers
            case 3 -> 2; // ObjectIds
            default -> 1; // strings
        };
    }

    private static int bracket(BsonType type) {
        return switch (type) {
            case INT32, INT64, DOUBLE, DECIMAL128 -> 1;
            case STRING, SYMBOL -> 2;
            case OBJECT_ID -> 3;
            case DATE_TIME -> 4;
            case TIMESTAMP -> 5;
            default -> 0;
        };
    }

    private static BigDecimal number(BsonValue v) {
        return switch (v.getBsonType()) {
            case INT32 -> BigDecimal.valueOf(v.asInt32().getValue());
            case INT64 -> BigDecimal.valueOf(v.asInt64().getValue());
            case DOUBLE -> Double.isFinite(v.asDouble().getValue()) ? BigDecimal.valueOf(v.asDouble().getValue())
                    : BigDecimal.valueOf(v.asDouble().getValue() > 0 ? Double.MAX_VALUE : -Double.MAX_VALUE);
            default -> v.asDecimal128().getValue().isFinite() ? v.asDecimal128().getValue().bigDecimalValue()
                    : BigDecimal.ZERO;
        };
    }

    private static String string(BsonValue v) {
        return v.isSymbol() ? v.asSymbol().getSymbol() : v.asString().getValue();
    }
}
