package io.mongopgsync.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.mongopgsync.source.ConnectionStrings;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * What the audit keeps of a request: its query parameters and its JSON body, with secrets removed. Fields whose
 * name suggests a secret (password, token, secret, key, credential) are dropped, connection strings are redacted
 * wherever they appear, long strings are cut. A body that is not JSON, or larger than what was kept of it, is
 * recorded by its size only: a cut or unparsed text could hold a secret that cannot be found.
 */
public final class RequestSummaries {

    /** The most of a body the audit keeps in memory. */
    public static final int BODY_LIMIT = 8 * 1024;
    static final int MAX_STRING = 500;

    private final ObjectMapper mapper;

    public RequestSummaries(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * @param body what was read of the body (at most {@link #BODY_LIMIT} bytes), empty when it was never read
     * @param bodyLength the body's full length when known, else -1
     * @param bodyCut whether more was sent than {@code body} holds
     */
    public ObjectNode summarize(String query, String contentType, byte[] body, long bodyLength, boolean bodyCut) {
        ObjectNode summary = mapper.createObjectNode();
        ObjectNode parameters = parameters(query);
        if (!parameters.isEmpty()) {
            summary.set("query", parameters);
        }
        long size = Math.max(bodyLength, body.length);
        if (size <= 0) {
            return summary;
        }
        summary.put("bodyBytes", size);
        if (bodyCut) {
            summary.put("body", "(not kept: larger than " + BODY_LIMIT + " bytes)");
            return summary;
        }
        if (body.length == 0) {
            summary.put("body", "(not read: the request was refused before its body was)");
            return summary;
        }
        if (bodyLength > body.length) {
            summary.put("body", "(not kept: only partly read)");
            return summary;
        }
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("json")) {
            summary.put("body", "(not kept: not JSON)");
            return summary;
        }
        try {
            summary.set("body", clean(mapper.readTree(body)));
        } catch (java.io.IOException e) {
            summary.put("body", "(not kept: malformed JSON)");
        }
        return summary;
    }

    private ObjectNode parameters(String query) {
        ObjectNode parameters = mapper.createObjectNode();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq >= 0 ? pair.substring(0, eq) : pair);
            if (name.isEmpty() || ConnectionStrings.isSecretOption(name)) {
                continue;
            }
            parameters.set(name, cleanText(eq >= 0 ? decode(pair.substring(eq + 1)) : ""));
        }
        return parameters;
    }

    /** A copy of a JSON value without secrets. */
    JsonNode clean(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = mapper.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!ConnectionStrings.isSecretOption(field.getKey())) {
                    copy.set(field.getKey(), clean(field.getValue()));
                }
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = mapper.createArrayNode();
            node.forEach(element -> copy.add(clean(element)));
            return copy;
        }
        if (node.isTextual()) {
            return cleanText(node.asText());
        }
        return node;
    }

    private static TextNode cleanText(String text) {
        String redacted = ConnectionStrings.redactAll(text);
        return TextNode.valueOf(redacted.length() > MAX_STRING ? redacted.substring(0, MAX_STRING) + "…" : redacted);
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
