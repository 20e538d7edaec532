package io.mongopgsync.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.springframework.stereotype.Component;

/** Reads request bodies: content type, JSON syntax, object shape and known keys. */
@Component
public class JsonBodies {

    private final ObjectMapper mapper;

    public JsonBodies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Parses a JSON object body, answering 415 for a non-JSON content type and 400 for malformed JSON. */
    public ObjectNode object(String contentType, String body) {
        requireJson(contentType);
        if (body == null || body.isBlank()) {
            throw new ApiException(400, "malformed_json", "A JSON object body is required");
        }
        JsonNode node;
        try {
            node = mapper.reader().with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(body);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ApiException(400, "malformed_json", "The request body is not valid JSON" + where + ": "
                    + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "malformed_json", "The request body must be a JSON object");
        }
        return (ObjectNode) node;
    }

    /** Parses an optional JSON object body: an empty body gives an empty object. */
    public ObjectNode optionalObject(String contentType, String body) {
        if (body == null || body.isBlank()) {
            return mapper.createObjectNode();
        }
        return object(contentType, body);
    }

    public static void requireJson(String contentType) {
        if (!isJson(contentType)) {
            throw new ApiException(415, "unsupported_media_type",
                    "Content-Type must be application/json, got " + (contentType == null ? "none" : contentType));
        }
    }

    /** application/json or a +json type (application/problem+json), with or without parameters such as charset. */
    public static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json")
                && type.length() > "application/+json".length());
    }
}
