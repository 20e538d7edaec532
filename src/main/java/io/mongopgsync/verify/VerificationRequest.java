package io.mongopgsync.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mongopgsync.errors.FieldErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a verification job does, kept in the job's {@code details}: {@code quick} (counts and a random sample) or
 * {@code full} (every document), which collections (empty: all the source syncs), and whether to repair drift.
 */
public record VerificationRequest(Mode mode, List<String> collections, boolean repair) {

    static final Set<String> KEYS = Set.of("mode", "collections", "repair");

    public enum Mode {
        QUICK, FULL;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Mode parse(String value) {
            return switch (value) {
                case "quick" -> QUICK;
                case "full" -> FULL;
                default -> throw new IllegalArgumentException("must be 'quick' or 'full', got '" + value + "'");
            };
        }
    }

    /** Validates a request body (every error named); {@code mode} is required. */
    public static VerificationRequest parse(JsonNode body, FieldErrors errors) {
        FieldErrors.rejectUnknownKeys(body, KEYS, "", errors);
        Mode mode = null;
        String requested = FieldErrors.optionalText(body, "mode", "", 10, errors);
        if (requested == null) {
            if (!body.has("mode")) {
                errors.add("mode", "is required: 'quick' or 'full'");
            }
        } else {
            try {
                mode = Mode.parse(requested);
            } catch (IllegalArgumentException e) {
                errors.add("mode", e.getMessage());
            }
        }
        List<String> collections = new ArrayList<>();
        JsonNode names = body.get("collections");
        if (names != null && !names.isNull()) {
            if (!names.isArray()) {
                errors.add("collections", "must be an array of collection names");
            } else {
                for (JsonNode name : names) {
                    if (!name.isTextual() || name.asText().isBlank() || name.asText().length() > 255) {
                        errors.add("collections", "must contain only collection names (non-empty strings)");
                        break;
                    }
                    if (!collections.contains(name.asText())) {
                        collections.add(name.asText());
                    }
                }
            }
        }
        Boolean repair = FieldErrors.optionalBoolean(body, "repair", "", errors);
        return new VerificationRequest(mode, List.copyOf(collections), Boolean.TRUE.equals(repair));
    }

    public String toJson(ObjectMapper mapper) {
        ObjectNode out = mapper.createObjectNode();
        out.put("mode", mode.value());
        ArrayNode names = out.putArray("collections");
        collections.forEach(names::add);
        out.put("repair", repair);
        return out.toString();
    }

    /** Reads a job's details, written by {@link #toJson}. */
    public static VerificationRequest fromDetails(String json, ObjectMapper mapper) {
        try {
            JsonNode node = mapper.readTree(json == null ? "{}" : json);
            List<String> collections = new ArrayList<>();
            node.path("collections").forEach(n -> collections.add(n.asText()));
            return new VerificationRequest(Mode.parse(node.path("mode").asText("full")), List.copyOf(collections),
                    node.path("repair").asBoolean(false));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the verification job's details are not JSON", e);
        }
    }
}
