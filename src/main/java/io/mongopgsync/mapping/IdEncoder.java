package io.mongopgsync.mapping;

import java.math.BigDecimal;
import java.util.regex.Pattern;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/**
 * The text stored in a table's {@code _id} primary key. Common ids read naturally (an ObjectId is its 24 hex
 * digits, a string is itself, a number is its decimal form) while ids of different BSON types never collide:
 * a string that could be mistaken for another type's form is stored JSON-quoted ({@code "1"} for the string
 * "1", {@code 1} for the number 1), and every other type is stored as canonical Extended JSON.
 */
public final class IdEncoder {

    private static final Pattern HEX24 = Pattern.compile("[0-9a-f]{24}");
    private static final Pattern NUMBER = Pattern.compile("-?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    private IdEncoder() {
    }

    public static String encode(BsonValue id) {
        return switch (id.getBsonType()) {
            case OBJECT_ID -> id.asObjectId().getValue().toHexString();
            case STRING -> string(id.asString().getValue());
            case INT32 -> Integer.toString(id.asInt32().getValue());
            case INT64 -> Long.toString(id.asInt64().getValue());
            case DOUBLE -> number(id.asDouble().getValue());
            case DECIMAL128 -> decimal(id.asDecimal128().getValue());
            case BOOLEAN -> Boolean.toString(id.asBoolean().getValue());
            case NULL -> "null";
            default -> ExtendedJson.canonicalValue(id);
        };
    }

    static String string(String s) {
        boolean ambiguous = s.isEmpty()
                || HEX24.matcher(s).matches()
                || NUMBER.matcher(s).matches()
                || s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity")
                || s.equals("true") || s.equals("false") || s.equals("null")
                || s.charAt(0) == '"' || s.charAt(0) == '{' || s.charAt(0) == '['
                || s.indexOf('\0') >= 0;
        return ambiguous ? ExtendedJson.quote(s) : s;
    }

    /**
     * MongoDB compares numbers by exact value across types: 1, 1L, 1.0 and 1.0m are one _id, while the double 0.1
     * (really 0.1000000000000000055…) and the decimal 0.1 are two. The exact decimal value of the double keeps
     * both rules.
     */
    static String number(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        return canonical(new BigDecimal(d));
    }

    static String decimal(Decimal128 d) {
        if (d.isNaN()) {
            return "NaN";
        }
        if (d.isInfinite()) {
            return d.isNegative() ? "-Infinity" : "Infinity";
        }
        return canonical(ValueRenderer.bigDecimal(d));
    }

    private static String canonical(BigDecimal value) {
        if (value.signum() == 0) {
            return "0";
        }
        return value.stripTrailingZeros().toPlainString();
    }
}
