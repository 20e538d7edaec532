package io.mongopgsync.mapping;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
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

    /** A value was written with U+FFFD for a NUL it held (rows rendered from BSON bytes count here). */
    void nulReplaced() {
        nulCharactersReplaced++;
    }

    /** Adds another renderer's counts (the splits of one collection each have their own). */
    public void add(ValueRenderer other) {
        nulCharactersReplaced += other.nulCharactersReplaced;
        datesOutOfRange += other.datesOutOfRange;
    }

    /** @return the input text, or null for SQL NULL (previews and tests; loading writes {@link #write}) */
    public String render(BsonValue value, ColumnType type) {
        if (isNull(value)) {
            return null;
        }
        CopyText out = new CopyText(32, false);
        write(value, type, out, null, 0, 0);
        return out.toString();
    }

    static boolean isNull(BsonValue value) {
        return value == null || value.isNull() || value.getBsonType() == org.bson.BsonType.UNDEFINED;
    }

    /**
     * Writes the value's input text for a column of {@code type} (not null: the caller writes NULL). A value written
     * as JSON reuses the bytes {@code [jsonFrom, jsonTo)} of {@code json} when given (its rendering inside
     * {@code _source_document}, in the same escaping as {@code out}), so a nested value is rendered once.
     */
    void write(BsonValue value, ColumnType type, CopyText out, byte[] json, int jsonFrom, int jsonTo) {
        switch (type) {
            case TEXT -> text(value, out, json, jsonFrom, jsonTo);
            case INTEGER -> out.ascii(value.asInt32().getValue());
            case BIGINT -> out.ascii(value.isInt32() ? value.asInt32().getValue() : value.asInt64().getValue());
            case NUMERIC -> numeric(value, out);
            case BOOLEAN -> out.ascii(value.asBoolean().getValue() ? "true" : "false");
            case TIMESTAMPTZ -> timestamp(value.asDateTime().getValue(), out);
            case UUID -> out.ascii(uuid(value.asBinary().getData()).toString());
            case JSONB -> json(value, out, json, jsonFrom, jsonTo);
        }
    }

    private void text(BsonValue value, CopyText out, byte[] json, int jsonFrom, int jsonTo) {
        switch (value.getBsonType()) {
            case STRING -> {
                if (json != null && jsonTo - jsonFrom >= 2 && !CopyText.hasBackslash(json, jsonFrom + 1, jsonTo - 1)) {
                    // a JSON string without escapes holds the text's own bytes between its quotes (a NUL is U+FFFD
                    // in both): copied instead of encoded twice
                    if (value.asString().getValue().indexOf('\0') >= 0) {
                        nulCharactersReplaced++;
                    }
                    out.append(json, jsonFrom + 1, jsonTo - 1);
                } else {
                    string(value.asString().getValue(), out);
                }
            }
            case SYMBOL -> string(value.asSymbol().getSymbol(), out);
            case OBJECT_ID -> out.ascii(value.asObjectId().getValue().toHexString());
            case INT32, INT64, DOUBLE, DECIMAL128 -> numeric(value, out);
            case BOOLEAN -> out.ascii(value.asBoolean().getValue() ? "true" : "false");
            case DATE_TIME -> {
                long millis = value.asDateTime().getValue();
                if (ExtendedJson.isoYears(millis)) {
                    JsonText.isoMillis(millis, out);
                } else {
                    out.text(ExtendedJson.dateText(millis));
                }
            }
            case BINARY -> out.ascii(ColumnType.isUuid(value) ? uuid(value.asBinary().getData()).toString()
                    : Base64.getEncoder().encodeToString(value.asBinary().getData()));
            case REGULAR_EXPRESSION -> string("/" + value.asRegularExpression().getPattern() + "/"
                    + value.asRegularExpression().getOptions(), out);
            default -> json(value, out, json, jsonFrom, jsonTo);
        }
    }

    private void string(String s, CopyText out) {
        if (s.indexOf('\0') >= 0) {
            nulCharactersReplaced++;
        }
        out.text(s);
    }

    private void json(BsonValue value, CopyText out, byte[] json, int jsonFrom, int jsonTo) {
        int start = out.length();
        if (json != null) {
            out.append(json, jsonFrom, jsonTo);
        } else {
            JsonText.value(value, out);
        }
        if (out.hasReplacement(start, out.length()) && containsNul(value)) {
            nulCharactersReplaced++;
        }
    }

    static boolean containsNul(BsonValue value) {
        return switch (value.getBsonType()) {
            case STRING -> value.asString().getValue().indexOf('\0') >= 0;
            case DOCUMENT -> value.asDocument().values().stream().anyMatch(ValueRenderer::containsNul);
            case ARRAY -> value.asArray().stream().anyMatch(ValueRenderer::containsNul);
            default -> false;
        };
    }

    /** Numbers in the form PostgreSQL's numeric prints them, so that NUMERIC and TEXT columns agree. */
    static String numeric(BsonValue value) {
        CopyText out = new CopyText(24, false);
        numeric(value, out);
        return out.toString();
    }

    static void numeric(BsonValue value, CopyText out) {
        switch (value.getBsonType()) {
            case INT32 -> out.ascii(value.asInt32().getValue());
            case INT64 -> out.ascii(value.asInt64().getValue());
            case DOUBLE -> {
                double d = value.asDouble().getValue();
                if (Double.isNaN(d)) {
                    out.ascii("NaN");
                } else if (Double.isInfinite(d)) {
                    out.ascii(d > 0 ? "Infinity" : "-Infinity");
                } else {
                    plain(Double.toString(d), out);
                }
            }
            case DECIMAL128 -> {
                Decimal128 d = value.asDecimal128().getValue();
                if (d.isNaN()) {
                    out.ascii("NaN");
                } else if (d.isInfinite()) {
                    out.ascii(d.isNegative() ? "-Infinity" : "Infinity");
                } else {
                    String text = d.toString();
                    // the decimal's own text is already plain unless it has an exponent or is a negative zero
                    out.ascii(text.indexOf('E') < 0 && !text.startsWith("-0") ? text : bigDecimal(d).toPlainString());
                }
            }
            default -> throw new IllegalArgumentException("not a number: " + value.getBsonType());
        }
    }

    /**
     * {@code Double.toString}'s text without an exponent, as {@code new BigDecimal(text).toPlainString()} writes it
     * ("1.0E7" is 10000000, "1.5E-5" is 0.000015), without making a BigDecimal.
     */
    static void plain(String text, CopyText out) {
        int e = text.indexOf('E');
        if (e < 0) {
            out.ascii(text);
            return;
        }
        boolean negative = text.charAt(0) == '-';
        String mantissa = text.substring(negative ? 1 : 0, e);
        int exponent = Integer.parseInt(text.substring(e + 1));
        int point = mantissa.indexOf('.');
        String digits = mantissa.substring(0, point) + mantissa.substring(point + 1);
        int pointAt = point + exponent;
        if (negative) {
            out.raw('-');
        }
        if (pointAt <= 0) {
            out.ascii("0.");
            for (int i = pointAt; i < 0; i++) {
                out.raw('0');
            }
            out.ascii(digits);
        } else if (pointAt >= digits.length()) {
            out.ascii(digits);
            for (int i = digits.length(); i < pointAt; i++) {
                out.raw('0');
            }
        } else {
            out.ascii(digits.substring(0, pointAt)).raw('.').ascii(digits.substring(pointAt));
        }
    }

    /** A finite Decimal128 as BigDecimal; negative zero, which BigDecimal lacks, is zero. */
    static BigDecimal bigDecimal(Decimal128 d) {
        try {
            return d.bigDecimalValue();
        } catch (ArithmeticException negativeZero) {
            return BigDecimal.ZERO;
        }
    }

    private void timestamp(long epochMillis, CopyText out) {
        long day = Math.floorDiv(epochMillis, 86_400_000L);
        LocalDate date = LocalDate.ofEpochDay(day);
        int year = date.getYear();
        if (year < MIN_YEAR || year > MAX_YEAR) {
            datesOutOfRange++;
            out.ascii(year < 0 ? "-infinity" : "infinity");
            return;
        }
        // PostgreSQL has no year 0: ISO year 0 is 1 BC, -1 is 2 BC.
        int shown = year <= 0 ? 1 - year : year;
        out.digits(shown, 4).raw('-').digits(date.getMonthValue(), 2).raw('-').digits(date.getDayOfMonth(), 2)
                .raw(' ');
        JsonText.time((int) Math.floorMod(epochMillis, 86_400_000L), out);
        out.ascii(year <= 0 ? "+00 BC" : "+00");
    }

    private static java.util.UUID uuid(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new java.util.UUID(buffer.getLong(), buffer.getLong());
    }
}
