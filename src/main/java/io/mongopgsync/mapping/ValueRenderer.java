package io.mongopgsync.mapping;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/**
 * Renders one BSON value as the PostgreSQL input text of a column type. Values PostgreSQL cannot hold as given
 * follow documented rules and are counted: NUL characters become U+FFFD, dates outside PostgreSQL's range
 * become {@code infinity}/{@code -infinity} in TIMESTAMPTZ columns (the exact value stays in
 * {@code _source_document}), and NaN/Infinity are stored as NUMERIC's own NaN/Infinity.
 */
public final class ValueRenderer {

    /** PostgreSQL timestamps run from 4713 BC to 294276 AD; stay one year inside both ends. */
    private static final int MIN_YEAR = -4711;
    private static final int MAX_YEAR = 294275;

    private long nulCharactersReplaced;
    private long datesOutOfRange;

    public long nulCharactersReplaced() {
        return nulCharactersReplaced;
    }

    public long datesOutOfRange() {
        return datesOutOfRange;
    }

    /** @return the input text, or null for SQL NULL */
    public String render(BsonValue value, ColumnType type) {
        if (value == null || value.isNull() || value.getBsonType() == org.bson.BsonType.UNDEFINED) {
            return null;
        }
        return switch (type) {
            case TEXT -> text(value);
            case INTEGER -> Integer.toString(value.asInt32().getValue());
            case BIGINT -> Long.toString(value.isInt32() ? value.asInt32().getValue() : value.asInt64().getValue());
            case NUMERIC -> numeric(value);
            case BOOLEAN -> value.asBoolean().getValue() ? "true" : "false";
            case TIMESTAMPTZ -> timestamp(value.asDateTime().getValue());
            case UUID -> uuid(value.asBinary().getData()).toString();
            case JSONB -> json(value);
        };
    }

    private String text(BsonValue value) {
        return switch (value.getBsonType()) {
            case STRING -> string(value.asString().getValue());
            case SYMBOL -> string(value.asSymbol().getSymbol());
            case OBJECT_ID -> value.asObjectId().getValue().toHexString();
            case INT32, INT64, DOUBLE, DECIMAL128 -> numeric(value);
            case BOOLEAN -> value.asBoolean().getValue() ? "true" : "false";
            case DATE_TIME -> ExtendedJson.dateText(value.asDateTime().getValue());
            case BINARY -> ColumnType.isUuid(value) ? uuid(value.asBinary().getData()).toString()
                    : Base64.getEncoder().encodeToString(value.asBinary().getData());
            case REGULAR_EXPRESSION -> string("/" + value.asRegularExpression().getPattern() + "/"
                    + value.asRegularExpression().getOptions());
            default -> json(value);
        };
    }

    private String string(String s) {
        if (s.indexOf('\0') >= 0) {
            nulCharactersReplaced++;
            return ExtendedJson.withoutNul(s);
        }
        return s;
    }

    private String json(BsonValue value) {
        String json = ExtendedJson.relaxedValue(value);
        if (json.indexOf('\uFFFD') >= 0 && containsNul(value)) {
            nulCharactersReplaced++;
        }
        return json;
    }

    private static boolean containsNul(BsonValue value) {
        return switch (value.getBsonType()) {
            case STRING -> value.asString().getValue().indexOf('\0') >= 0;
            case DOCUMENT -> value.asDocument().values().stream().anyMatch(ValueRenderer::containsNul);
            case ARRAY -> value.asArray().stream().anyMatch(ValueRenderer::containsNul);
            default -> false;
        };
    }

    /** Numbers in the form PostgreSQL's numeric prints them, so that NUMERIC and TEXT columns agree. */
    static String numeric(BsonValue value) {
        return switch (value.getBsonType()) {
            case INT32 -> Integer.toString(value.asInt32().getValue());
            case INT64 -> Long.toString(value.asInt64().getValue());
            case DOUBLE -> {
                double d = value.asDouble().getValue();
                if (Double.isNaN(d)) {
                    yield "NaN";
                }
                if (Double.isInfinite(d)) {
                    yield d > 0 ? "Infinity" : "-Infinity";
                }
                yield new BigDecimal(Double.toString(d)).toPlainString();
            }
            case DECIMAL128 -> {
                Decimal128 d = value.asDecimal128().getValue();
                if (d.isNaN()) {
                    yield "NaN";
                }
                if (d.isInfinite()) {
                    yield d.isNegative() ? "-Infinity" : "Infinity";
                }
                yield bigDecimal(d).toPlainString();
            }
            default -> throw new IllegalArgumentException("not a number: " + value.getBsonType());
        };
    }

    /** A finite Decimal128 as BigDecimal; negative zero, which BigDecimal lacks, is zero. */
    static BigDecimal bigDecimal(Decimal128 d) {
        try {
            return d.bigDecimalValue();
        } catch (ArithmeticException negativeZero) {
            return BigDecimal.ZERO;
        }
    }

    private String timestamp(long epochMillis) {
        Instant instant = Instant.ofEpochMilli(epochMillis);
        ZonedDateTime utc = instant.atZone(ZoneOffset.UTC);
        int year = utc.getYear();
        if (year < MIN_YEAR || year > MAX_YEAR) {
            datesOutOfRange++;
            return year < 0 ? "-infinity" : "infinity";
        }
        // PostgreSQL has no year 0: ISO year 0 is 1 BC, -1 is 2 BC.
        String era = year <= 0 ? " BC" : "";
        int shown = year <= 0 ? 1 - year : year;
        return String.format("%04d-%02d-%02d %02d:%02d:%02d.%03d+00%s", shown, utc.getMonthValue(),
                utc.getDayOfMonth(), utc.getHour(), utc.getMinute(), utc.getSecond(), utc.getNano() / 1_000_000, era);
    }

    private static java.util.UUID uuid(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new java.util.UUID(buffer.getLong(), buffer.getLong());
    }
}
