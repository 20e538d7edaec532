package io.mongopgsync.mapping;

import java.nio.charset.StandardCharsets;
import org.bson.types.Decimal128;

/**
 * Writes BSON values straight from their bytes as the same JSON {@link JsonText} writes for decoded values, byte for
 * byte: no {@code String} or value object is made for the common types, and plain ASCII text is copied as it is.
 * A value of a rarer type (binary, timestamps, regular expressions, NaN, ...) is not written here: the methods then
 * answer false, and the caller renders the decoded document instead.
 */
final class RawJson {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private RawJson() {
    }

    /** The value of BSON {@code type} at {@code at}; false (with {@code out} partly written) for a rarer type. */
    static boolean value(byte[] b, byte type, int at, CopyText out) {
        switch (type) {
            case RawFields.STRING -> string(b, at + 4, at + 4 + RawFields.readInt(b, at) - 1, out);
            case RawFields.INT32 -> out.ascii(RawFields.readInt(b, at));
            case RawFields.INT64 -> out.ascii(RawFields.readLong(b, at));
            case RawFields.DOUBLE -> {
                double d = Double.longBitsToDouble(RawFields.readLong(b, at));
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    return false;
                }
                out.ascii(Double.toString(d));
            }
            case RawFields.BOOLEAN -> out.ascii(b[at] != 0 ? "true" : "false");
            case RawFields.NULL -> out.ascii("null");
            case RawFields.OBJECT_ID -> {
                out.ascii("{\"$oid\": \"");
                for (int i = at; i < at + 12; i++) {
                    out.raw((char) HEX[(b[i] >> 4) & 0xF]).raw((char) HEX[b[i] & 0xF]);
                }
                out.ascii("\"}");
            }
            case RawFields.DATE_TIME -> JsonText.date(RawFields.readLong(b, at), out);
            case RawFields.DECIMAL128 -> out.ascii("{\"$numberDecimal\": \"")
                    .ascii(Decimal128.fromIEEE754BIDEncoding(RawFields.readLong(b, at + 8), RawFields.readLong(b, at))
                            .toString())
                    .ascii("\"}");
            case RawFields.DOCUMENT -> {
                return elements(b, at, true, out);
            }
            case RawFields.ARRAY -> {
                return elements(b, at, false, out);
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** A document ({@code {"name": value, ...}}) or an array ({@code [value, ...]}) whose bytes start at {@code at}. */
    private static boolean elements(byte[] b, int at, boolean document, CopyText out) {
        out.raw(document ? '{' : '[');
        boolean first = true;
        for (RawFields.Elements e = new RawFields.Elements(b, at); e.hasNext(); ) {
            if (!e.next()) {
                return false;
            }
            if (!first) {
                out.raw(',').raw(' ');
            }
            first = false;
            if (document) {
                string(b, e.nameFrom, e.nameTo, out);
                out.raw(':').raw(' ');
            }
            if (!value(b, e.type, e.valueFrom, out)) {
                return false;
            }
        }
        out.raw(document ? '}' : ']');
        return true;
    }

    /**
     * A JSON string literal of the UTF-8 bytes {@code [from, to)}: printable ASCII but quote and backslash is copied;
     * a string with anything else is decoded and escaped as {@link CopyText#jsonString} does.
     */
    static void string(byte[] b, int from, int to, CopyText out) {
        int mark = out.length();
        out.raw('"');
        int i = from;
        while (i < to) {
            byte c = b[i];
            if (c < 0x20 || c == 0x7F || c == '"' || c == '\\') { // bytes of non-ASCII characters are negative
                break;
            }
            i++;
        }
        if (i == to) {
            out.append(b, from, to);
            out.raw('"');
            return;
        }
        out.setLength(mark);
        out.jsonString(new String(b, from, to - from, StandardCharsets.UTF_8));
    }
}
