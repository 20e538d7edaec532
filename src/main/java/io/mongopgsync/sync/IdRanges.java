package io.mongopgsync.sync;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * Cuts a collection into {@code _id} ranges that parallel cursors read. MongoDB compares {@code $gte}/{@code $lt}
 * only within a type bracket, so the ranges split one bracket (ObjectIds, or numbers) between its smallest and
 * largest {@code _id}: {@code _id < b1}, {@code b1 <= _id < b2}, ..., {@code _id >= bk}; no document can match two
 * of them. One more range is their complement ({@code $nor} of them all): every other type (strings, documents,
 * ...), and whatever a comparison left out. Every document is thus in exactly one range, whatever its {@code _id}.
 */
final class IdRanges {

    private IdRanges() {
    }

    /** Up to {@code count} ranges plus the complement, or an empty list when the collection cannot be split. */
    static List<Bson> of(MongoCollection<BsonDocument> collection, Bson query, int count) {
        if (count < 2) {
            return List.of();
        }
        BsonValue low = end(collection, query, Filters.type("_id", "objectId"), 1);
        BsonValue high = low == null ? null : end(collection, query, Filters.type("_id", "objectId"), -1);
        List<BsonValue> bounds;
        if (low != null) {
            bounds = objectIdBounds(low.asObjectId().getValue(), high.asObjectId().getValue(), count);
        } else {
            low = end(collection, query, Filters.type("_id", "number"), 1);
            high = low == null ? null : end(collection, query, Filters.type("_id", "number"), -1);
            bounds = low == null ? List.of() : numberBounds(low, high, count);
        }
        if (bounds.isEmpty()) {
            return List.of();
        }
        List<Bson> ranges = new ArrayList<>();
        ranges.add(Filters.lt("_id", bounds.get(0)));
        for (int i = 1; i < bounds.size(); i++) {
            ranges.add(Filters.and(Filters.gte("_id", bounds.get(i - 1)), Filters.lt("_id", bounds.get(i))));
        }
        ranges.add(Filters.gte("_id", bounds.get(bounds.size() - 1)));
        List<Bson> all = new ArrayList<>(ranges);
        all.add(Filters.nor(ranges));
        return all;
    }

    /** The smallest (direction 1) or largest (-1) _id of one type bracket that the query matches. */
    private static BsonValue end(MongoCollection<BsonDocument> collection, Bson query, Bson bracket, int direction) {
        BsonDocument first = collection.find(Filters.and(query, bracket)).projection(Projections.include("_id"))
                .sort(direction > 0 ? Sorts.ascending("_id") : Sorts.descending("_id")).limit(1).first();
        return first == null ? null : first.get("_id");
    }

    /** count - 1 strictly increasing bounds inside (low, high], evenly spaced over the 12 bytes of the ObjectIds. */
    static List<BsonValue> objectIdBounds(ObjectId low, ObjectId high, int count) {
        BigInteger from = new BigInteger(1, low.toByteArray());
        BigInteger span = new BigInteger(1, high.toByteArray()).subtract(from);
        List<BsonValue> bounds = new ArrayList<>();
        BigInteger last = from;
        for (int i = 1; i < count; i++) {
            BigInteger bound = from.add(span.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(count)));
            if (bound.compareTo(last) > 0) {
                byte[] bytes = bound.toByteArray();
                byte[] twelve = new byte[12];
                System.arraycopy(bytes, Math.max(0, bytes.length - 12), twelve, Math.max(0, 12 - bytes.length),
                        Math.min(12, bytes.length));
                bounds.add(new BsonObjectId(new ObjectId(twelve)));
                last = bound;
            }
        }
        return bounds;
    }

    /** count - 1 strictly increasing bounds inside (low, high]: whole numbers when both ends are whole. */
    static List<BsonValue> numberBounds(BsonValue low, BsonValue high, int count) {
        BigDecimal from = decimal(low);
        BigDecimal to = decimal(high);
        if (from == null || to == null || from.compareTo(to) >= 0) {
            return List.of();
        }
        boolean whole = (low.isInt32() || low.isInt64()) && (high.isInt32() || high.isInt64());
        List<BsonValue> bounds = new ArrayList<>();
        BigDecimal last = from;
        for (int i = 1; i < count; i++) {
            BigDecimal bound = from.add(to.subtract(from).multiply(BigDecimal.valueOf(i))
                    .divide(BigDecimal.valueOf(count), 20, RoundingMode.FLOOR));
            if (whole) {
                bound = bound.setScale(0, RoundingMode.FLOOR);
            }
            if (bound.compareTo(last) > 0) {
                bounds.add(whole ? new BsonInt64(bound.longValueExact()) : new BsonDouble(bound.doubleValue()));
                last = bound;
            }
        }
        return bounds;
    }

    private static BigDecimal exact(org.bson.types.Decimal128 d) {
        try {
            return d.bigDecimalValue();
        } catch (ArithmeticException negativeZero) {
            return BigDecimal.ZERO;
        }
    }

    private static BigDecimal decimal(BsonValue value) {
        double d = value.isDouble() ? value.asDouble().getValue() : 0;
        if (value.isDouble() && (Double.isNaN(d) || Double.isInfinite(d))) {
            return null;
        }
        return switch (value.getBsonType()) {
            case INT32 -> BigDecimal.valueOf(value.asInt32().getValue());
            case INT64 -> BigDecimal.valueOf(value.asInt64().getValue());
            case DOUBLE -> new BigDecimal(d);
            case DECIMAL128 -> value.asDecimal128().getValue().isFinite() ? exact(value.asDecimal128().getValue()) : null;
            default -> null;
        };
    }
}
