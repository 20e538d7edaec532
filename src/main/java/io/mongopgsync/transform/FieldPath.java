package io.mongopgsync.transform;

import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/** A dotted path into nested documents ({@code address.zip}); arrays on the way end the path (nothing there). */
public record FieldPath(String text, List<String> parts) {

    public static FieldPath parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a field path must not be empty");
        }
        List<String> parts = List.of(text.split("\\.", -1));
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("'" + text + "' has an empty segment");
            }
            if (part.startsWith("$")) {
                throw new IllegalArgumentException("'" + text + "' is not a field path (segments cannot start with $)");
            }
        }
        return new FieldPath(text, parts);
    }

    public boolean isId() {
        return parts.get(0).equals("_id");
    }

    /** The value at this path, or null when some part of the path is missing or not a document. */
    public BsonValue get(BsonDocument document) {
        BsonDocument parent = parent(document, false);
        return parent == null ? null : parent.get(last());
    }

    /** Removes the value at this path and returns it (null when there was none). */
    public BsonValue remove(BsonDocument document) {
        BsonDocument parent = parent(document, false);
        return parent == null ? null : parent.remove(last());
    }

    /** Puts the value at this path, creating the documents on the way; false when a non-document is in the way. */
    public boolean put(BsonDocument document, BsonValue value) {
        BsonDocument parent = parent(document, true);
        if (parent == null) {
            return false;
        }
        parent.put(last(), value);
        return true;
    }

    /** Replaces an existing value at this path; nothing happens when the path is absent. */
    public boolean replace(BsonDocument document, java.util.function.UnaryOperator<BsonValue> change) {
        BsonDocument parent = parent(document, false);
        if (parent == null || !parent.containsKey(last())) {
            return false;
        }
        parent.put(last(), change.apply(parent.get(last())));
        return true;
    }

    private String last() {
        return parts.get(parts.size() - 1);
    }

    private BsonDocument parent(BsonDocument document, boolean create) {
        BsonDocument current = document;
        for (int i = 0; i < parts.size() - 1; i++) {
            BsonValue next = current.get(parts.get(i));
            if (next == null && create) {
                BsonDocument made = new BsonDocument();
                current.put(parts.get(i), made);
                current = made;
            } else if (next != null && next.isDocument()) {
                current = next.asDocument();
            } else {
                return null;
            }
        }
        return current;
    }

    @Override
    public String toString() {
        return text;
    }
}
