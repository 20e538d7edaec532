package io.mongopgsync.errors;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Collects every invalid field of an input so that one error names them all; reads typed optional JSON fields. */
public final class FieldErrors {

    private final List<FieldError> errors = new ArrayList<>();

    public void add(String field, String message) {
        errors.add(new FieldError(field, message));
    }

    public void forEach(java.util.function.BiConsumer<String, String> action) {
        errors.forEach(e -> action.accept(e.field(), e.message()));
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public void throwIfAny() {
        if (!errors.isEmpty()) {
            String summary = errors.stream().map(e -> e.field() + " " + e.message()).collect(Collectors.joining("; "));
            throw new InvalidInputException("Invalid request: " + summary, errors);
        }
    }

    /** Names every key of {@code node} that is not in {@code known}. */
    public static void rejectUnknownKeys(JsonNode node, Set<String> known, String prefix, FieldErrors errors) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                errors.add(prefix + key, "is not a known field (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
            }
        }
    }

    public static String optionalText(JsonNode node, String key, String prefix, int maxLength, FieldErrors errors) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(prefix + key, "must be a string");
            return null;
        }
        if (value.asText().length() > maxLength) {
            errors.add(prefix + key, "must be at most " + maxLength + " characters");
            return null;
        }
        if (value.asText().indexOf('\0') >= 0) {
            // PostgreSQL text cannot hold NUL
            errors.add(prefix + key, "must not contain the NUL character (\\u0000)");
            return null;
        }
        return value.asText();
    }

    public static Integer optionalInt(JsonNode node, String key, String prefix, int min, int max, FieldErrors errors) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            errors.add(prefix + key, "must be an integer between " + min + " and " + max);
            return null;
        }
        int v = value.intValue();
        if (v < min || v > max) {
            errors.add(prefix + key, "must be between " + min + " and " + max + ", got " + v);
            return null;
        }
        return v;
    }

    public static Boolean optionalBoolean(JsonNode node, String key, String prefix, FieldErrors errors) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            errors.add(prefix + key, "must be true or false");
            return null;
        }
        return value.booleanValue();
    }
}
