package io.mongopgsync.transform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.mapping.ExtendedJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Documents as a team's route sees them: relaxed Extended JSON text (what Camel's JSON actions and kamelets
 * work on), and back. JSON has one number type, so a value the route left as it was gets its original BSON type
 * back (an int64 stays int64, a double 1.0 stays a double).
 */
public final class TeamDocuments {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TeamDocuments() {
    }

    public static String toJson(BsonDocument document) {
        return ExtendedJson.relaxed(document);
    }

    public static String toJsonArray(List<BsonDocument> documents) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < documents.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(ExtendedJson.relaxed(documents.get(i)));
        }
        return out.append(']').toString();
    }

    /** The route's answer as a document; null when the route left no body (the document is dropped). */
    public static BsonDocument fromBody(Object body, BsonDocument original) {
        String text = text(body);
        if (text == null || text.isBlank()) {
            return null;
        }
        BsonDocument parsed = BsonDocument.parse(text);
        restoreTypes(original, parsed);
        return parsed;
    }

    /** The route's answer to a batch: a JSON array of documents (originals matched by _id for their types). */
    public static List<BsonDocument> fromBatchBody(Object body, List<BsonDocument> originals) {
        String text = text(body);
        if (text == null || text.isBlank()) {
            return List.of();
        }
        BsonArray array = BsonArray.parse(text);
        Map<BsonValue, BsonDocument> byId = new java.util.HashMap<>();
        originals.forEach(d -> byId.put(d.get("_id"), d));
        List<BsonDocument> out = new ArrayList<>(array.size());
        for (BsonValue value : array) {
            if (!value.isDocument()) {
                throw new IllegalArgumentException("the batch step answered an array with a " + value.getBsonType()
                        + " in it; it must hold documents");
            }
            BsonDocument doc = value.asDocument();
            BsonDocument original = byId.get(doc.get("_id"));
            if (original != null) {
                restoreTypes(original, doc);
            }
            out.add(doc);
        }
        return out;
    }

    private static String text(Object body) {
        try {
            if (body == null) {
                return null;
            }
            if (body instanceof String s) {
                return s;
            }
            if (body instanceof byte[] bytes) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
            if (body instanceof InputStream in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            if (body instanceof BsonDocument doc) {
                return ExtendedJson.relaxed(doc);
            }
            if (body instanceof JsonNode || body instanceof Map || body instanceof List) {
                return JSON.writeValueAsString(body);
            }
            return body.toString();
        } catch (IOException e) {
            throw new IllegalArgumentException("the step's answer cannot be read as JSON: " + e.getMessage(), e);
        }
    }

    /** Puts back the original value wherever the route's JSON still says the same thing. */
    static void restoreTypes(BsonDocument original, BsonDocument parsed) {
        for (Map.Entry<String, BsonValue> e : parsed.entrySet()) {
            BsonValue before = original.get(e.getKey());
            if (before == null) {
                continue;
            }
            BsonValue after = e.getValue();
            if (before.isDocument() && after.isDocument()) {
                restoreTypes(before.asDocument(), after.asDocument());
            } else if (!before.equals(after) && sameJson(before, after)) {
                e.setValue(before);
            }
        }
    }

    private static boolean sameJson(BsonValue a, BsonValue b) {
        if (a.isNumber() && b.isNumber()) {
            return a.asNumber().decimal128Value().equals(b.asNumber().decimal128Value());
        }
        return ExtendedJson.relaxedValue(a).equals(ExtendedJson.relaxedValue(b));
    }
}
