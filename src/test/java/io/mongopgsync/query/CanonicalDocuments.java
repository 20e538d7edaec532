package io.mongopgsync.query;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Documents in a canonical text for comparing answers: fields in name order (jsonb keeps no field order), numbers
 * by value whatever their BSON type (MongoDB treats 1, 1L, 1.0 and 1.0m as equal), non-integral values to 12
 * significant digits (PostgreSQL sums and averages exact decimals where MongoDB adds binary doubles), dates,
 * ObjectIds and strings tagged by type so that no two types collide.
 */
final class CanonicalDocuments {

    private static final MathContext DIGITS = new MathContext(12, RoundingMode.HALF_EVEN);

    private CanonicalDocuments() {
    }

    static List<String> of(List<BsonDocument> documents, boolean ordered, boolean setArrays) {
        List<String> out = new ArrayList<>();
        for (BsonDocument d : documents) {
            out.add(value(d, setArrays));
        }
        if (!ordered) {
            out.sort(null);
        }
        return out;
    }

    static String value(BsonValue v, boolean setArrays) {
        switch (v.getBsonType()) {
            case DOCUMENT: {
                Map<String, String> fields = new TreeMap<>();
                for (Map.Entry<String, BsonValue> e : v.asDocument().entrySet()) {
                    fields.put(e.getKey(), value(e.getValue(), setArrays));
                }
                StringBuilder out = new StringBuilder("{");
                fields.forEach((k, x) -> out.append(quote(k)).append(':').append(x).append(','));
                return out.append('}').toString();
            }
            case ARRAY: {
                List<String> items = new ArrayList<>();
                for (BsonValue x : v.asArray()) {
                    items.add(value(x, setArrays));
                }
                if (setArrays) {
                    items.sort(null);
                }
                return "[" + String.join(",", items) + "]";
            }
            case INT32:
                return number(BigDecimal.valueOf(v.asInt32().getValue()));
            case INT64:
                return number(BigDecimal.valueOf(v.asInt64().getValue()));
            case DOUBLE:
                return Double.isFinite(v.asDouble().getValue()) ? number(new BigDecimal(v.asDouble().getValue()))
                        : "n:" + v.asDouble().getValue();
            case DECIMAL128:
                return v.asDecimal128().getValue().isFinite() ? number(v.asDecimal128().getValue().bigDecimalValue())
                        : "n:" + v.asDecimal128().getValue();
            case STRING:
                return quote(v.asString().getValue());
            case OBJECT_ID:
                return "oid:" + v.asObjectId().getValue().toHexString();
            case DATE_TIME:
                return "date:" + v.asDateTime().getValue();
            case BOOLEAN:
                return String.valueOf(v.asBoolean().getValue());
            case NULL:
                return "null";
            default:
                return v.getBsonType() + ":" + v;
        }
    }

    private static String number(BigDecimal n) {
        BigDecimal shown = n.stripTrailingZeros().scale() <= 0 ? n : n.round(DIGITS);
        return "n:" + (shown.signum() == 0 ? "0" : shown.stripTrailingZeros().toPlainString());
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
