package io.mongopgsync.query;

import java.math.BigDecimal;
import org.bson.BsonType;
import org.bson.BsonValue;

/** BSON constants of a pipeline as exact numbers and as names in messages. */
final class BsonNumbers {

    private BsonNumbers() {
    }

    static BigDecimal decimal(BsonValue c) {
        return switch (c.getBsonType()) {
            case INT32 -> BigDecimal.valueOf(c.asInt32().getValue());
            case INT64 -> BigDecimal.valueOf(c.asInt64().getValue());
            case DOUBLE -> Double.isFinite(c.asDouble().getValue()) ? new BigDecimal(Double.toString(c.asDouble().getValue())) : null;
            case DECIMAL128 -> decimal128(c.asDecimal128().getValue());
            default -> null;
        };
    }

    private static BigDecimal decimal128(org.bson.types.Decimal128 d) {
        if (!d.isFinite()) {
            return null;
        }
        try {
            return d.bigDecimalValue();
        } catch (ArithmeticException negativeZero) {
            return BigDecimal.ZERO;
        }
    }

    static boolean isLong(BigDecimal v) {
        try {
            v.longValueExact();
            return true;
        } catch (ArithmeticException e) {
            return false;
        }
    }

    static String typeName(BsonValue v) {
        return v.getBsonType() == BsonType.DOCUMENT ? "document" : v.getBsonType().name().toLowerCase().replace('_', ' ');
    }

    /** MongoDB truthiness of a constant ($exists: 0 means false). */
    static boolean truthy(BsonValue v) {
        if (v.isBoolean()) {
            return v.asBoolean().getValue();
        }
        if (v.isNumber()) {
            return v.asNumber().doubleValue() != 0;
        }
        return !v.isNull();
    }
}
