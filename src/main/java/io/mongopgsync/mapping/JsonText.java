package io.mongopgsync.mapping;

import java.time.LocalDate;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

/**
 * Writes a BSON value as the relaxed Extended JSON of {@link ExtendedJson#relaxed}, byte for byte, straight into a
 * {@link CopyText}: the common types here, the rare ones (timestamps, regular expressions, binary, min/max keys,
 * code, ...) through the driver's writer. No intermediate string is made for a document.
 */
public final class JsonText {

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private JsonText() {
    }

    public static void document(BsonDocument document, CopyText out) {
        out.raw('{');
        boolean first = true;
        for (Map.Entry<String, BsonValue> e : document.entrySet()) {
            if (!first) {
                out.raw(',').raw(' ');
            }
            first = false;
            out.jsonString(e.getKey()).raw(':').raw(' ');
            value(e.getValue(), out);
        }
        out.raw('}');
    }

    public static void value(BsonValue value, CopyText out) {
        switch (value.getBsonType()) {
            case DOCUMENT -> document(value.asDocument(), out);
            case ARRAY -> {
                out.raw('[');
                boolean first = true;
                for (BsonValue item : value.asArray()) {
                    if (!first) {
                        out.raw(',').raw(' ');
                    }
                    first = false;
                    value(item, out);
                }
                out.raw(']');
            }
            case STRING -> out.jsonString(value.asString().getValue());
            case INT32 -> out.ascii(value.asInt32().getValue());
            case INT64 -> out.ascii(value.asInt64().getValue());
            case DOUBLE -> {
                double d = value.asDouble().getValue();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    fallback(value, out);
                } else {
                    out.ascii(Double.toString(d));
                }
            }
            case BOOLEAN -> out.ascii(value.asBoolean().getValue() ? "true" : "false");
            case NULL -> out.ascii("null");
            case OBJECT_ID -> out.ascii("{\"$oid\": \"").ascii(value.asObjectId().getValue().toHexString()).ascii("\"}");
            case DATE_TIME -> date(value.asDateTime().getValue(), out);
            case DECIMAL128 -> decimal(value.asDecimal128().getValue(), out);
            default -> fallback(value, out);
        }
    }

    private static void decimal(Decimal128 d, CopyText out) {
        out.ascii("{\"$numberDecimal\": \"").ascii(d.toString()).ascii("\"}");
    }

    /** {@code {"$date": "2015-06-01T00:00:00.000Z"}} for years 1-9999, else {@code {"$date": {"$numberLong": ..}}}. */
    static void date(long millis, CopyText out) {
        if (!ExtendedJson.isoYears(millis)) {
            out.ascii("{\"$date\": {\"$numberLong\": \"").ascii(millis).ascii("\"}}");
            return;
        }
        out.ascii("{\"$date\": \"");
        isoMillis(millis, out);
        out.ascii("\"}");
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} for years 1-9999, as {@link ExtendedJson#ISO_MILLIS} writes it. */
    static void isoMillis(long millis, CopyText out) {
        long day = Math.floorDiv(millis, MILLIS_PER_DAY);
        int ofDay = (int) Math.floorMod(millis, MILLIS_PER_DAY);
        LocalDate date = LocalDate.ofEpochDay(day);
        out.digits(date.getYear(), 4).raw('-').digits(date.getMonthValue(), 2).raw('-').digits(date.getDayOfMonth(), 2)
                .raw('T');
        time(ofDay, out);
        out.raw('Z');
    }

    /** {@code HH:mm:ss.SSS} of a millisecond of the day. */
    static void time(int ofDay, CopyText out) {
        out.digits(ofDay / 3_600_000, 2).raw(':').digits(ofDay / 60_000 % 60, 2).raw(':')
                .digits(ofDay / 1000 % 60, 2).raw('.').digits(ofDay % 1000, 3);
    }

    private static void fallback(BsonValue value, CopyText out) {
        // JSON text holds no raw control characters: only its backslashes need doubling for COPY
        out.text(ExtendedJson.relaxedValue(value));
    }
}
