package io.mongopgsync.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.mapping.ExtendedJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import org.bson.BsonDocument;

/**
 * The canonical form of a document for comparison: what {@code _source_document} holds, the document's relaxed
 * Extended JSON as PostgreSQL's jsonb keeps it. jsonb forgets key order and the spelling of numbers
 * ({@code 1.0E300} is stored as the plain number), so both sides are compared as JSON trees with keys sorted and
 * numbers written as PostgreSQL's numeric writes them. A document read from MongoDB and the text of its row then
 * give the same content hash exactly when the row holds what the sync would write for the document.
 */
public final class CanonicalDocuments {

    /** At most this many differing field paths are named per document. */
    static final int MAX_PATHS = 20;

    /** Numbers exactly as written: 1.0 (a double) and 1 (an integer) are different values of a row. */
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    private CanonicalDocuments() {
    }

    /** The tree of a MongoDB document as the sync stores it. */
    public static JsonNode ofDocument(BsonDocument document) {
        return parse(ExtendedJson.relaxed(document));
    }

    /** The tree of a row's {@code _source_document} text. */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON document: " + e.getOriginalMessage(), e);
        }
    }

    /** What stands for a value the collection's steps encrypt: a new ciphertext every run, compared by presence. */
    static final String ENCRYPTED = "(encrypted)";

    /**
     * The tree with the values at these paths (dotted, through arrays element by element) replaced by
     * {@link #ENCRYPTED} unless null: a value encrypted with a fresh nonce never equals the one stored.
     */
    public static JsonNode maskEncrypted(JsonNode tree, List<List<String>> paths) {
        for (List<String> path : paths) {
            mask(tree, path, 0);
        }
        return tree;
    }

    private static void mask(JsonNode node, List<String> path, int depth) {
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            node.forEach(element -> mask(element, path, depth));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        com.fasterxml.jackson.databind.node.ObjectNode object = (com.fasterxml.jackson.databind.node.ObjectNode) node;
        String key = path.get(depth);
        JsonNode value = object.get(key);
        if (depth == path.size() - 1) {
            if (value != null && !value.isNull()) {
                object.put(key, ENCRYPTED);
            }
        } else {
            mask(value, path, depth + 1);
        }
    }

    /** The content hash (128 bits of SHA-256, hex) of a tree's canonical text. */
    public static String hash(JsonNode tree) {
        StringBuilder text = new StringBuilder(256);
        write(tree, text);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The canonical text: keys sorted by code point, numbers as PostgreSQL's numeric writes them. */
    static void write(JsonNode node, StringBuilder out) {
        if (node.isObject()) {
            out.append('{');
            boolean first = true;
            for (String key : sortedKeys(node)) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(key, out);
                out.append(':');
                write(node.get(key), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isNumber()) {
            out.append(number(node));
        } else if (node.isTextual()) {
            string(node.textValue(), out);
        } else {
            out.append(node.toString()); // true, false, null
        }
    }

    /**
     * A number as jsonb prints it: plain notation, and as many fraction digits as were written, less any the
     * exponent absorbed ({@code 1.50} stays {@code 1.50}, {@code 1.5E3} becomes {@code 1500}).
     */
    static String number(JsonNode node) {
        BigDecimal value = node.decimalValue();
        return value.setScale(Math.max(0, value.scale())).toPlainString();
    }

    private static void string(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '"' || ch == '\\') {
                out.append('\\').append(ch);
            } else if (ch < 0x20) {
                out.append(String.format("\\u%04x", (int) ch));
            } else {
                out.append(ch);
            }
        }
        out.append('"');
    }

    private static Iterable<String> sortedKeys(JsonNode object) {
        TreeSet<String> keys = new TreeSet<>(CanonicalDocuments::compareCodePoints);
        object.fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /**
     * The dotted paths (array elements by index, as MongoDB writes them) where two trees differ, at most
     * {@link #MAX_PATHS}; a path names the deepest field that exists on both sides.
     */
    public static List<String> differingPaths(JsonNode expected, JsonNode actual) {
        List<String> paths = new ArrayList<>();
        diff("", expected, actual, paths);
        return paths;
    }

    private static void diff(String path, JsonNode a, JsonNode b, List<String> out) {
        if (out.size() >= MAX_PATHS || same(a, b)) {
            return;
        }
        if (a != null && b != null && a.isObject() && b.isObject() && !isWrappedValue(a) && !isWrappedValue(b)) {
            TreeSet<String> keys = new TreeSet<>(CanonicalDocuments::compareCodePoints);
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                diff(path.isEmpty() ? key : path + "." + key, a.get(key), b.get(key), out);
            }
        } else if (a != null && b != null && a.isArray() && b.isArray()) {
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                diff(path + "." + i, a.get(i), b.get(i), out);
            }
        } else {
            out.add(path.isEmpty() ? "(document)" : path);
        }
    }

    /** {"$date": …}, {"$oid": …} and their kind are one value, not a sub-document. */
    private static boolean isWrappedValue(JsonNode node) {
        Iterator<String> names = node.fieldNames();
        return names.hasNext() && names.next().startsWith("$");
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        StringBuilder left = new StringBuilder();
        StringBuilder right = new StringBuilder();
        write(a, left);
        write(b, right);
        return left.toString().contentEquals(right);
    }
}
