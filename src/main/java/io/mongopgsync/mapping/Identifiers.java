package io.mongopgsync.mapping;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * PostgreSQL identifiers made from data (collection and field names): sanitised, limited to 63 bytes with a
 * deterministic hash suffix when cut, and always quoted when they reach SQL.
 */
public final class Identifiers {

    /** PostgreSQL's NAMEDATALEN - 1. */
    public static final int MAX_BYTES = 63;
    private static final int HASH_CHARS = 8;

    private Identifiers() {
    }

    /**
     * Lower-case; every character outside {@code [a-z0-9_]} becomes {@code _}; a leading digit gets a {@code _}
     * prefix; an empty name becomes {@code _}. The result may still be too long: see {@link #fit}.
     */
    public static String sanitize(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(lower.length() + 1);
        lower.codePoints().forEach(cp -> out.append((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '_'
                ? (char) cp : '_'));
        if (out.isEmpty()) {
            out.append('_');
        }
        if (Character.isDigit(out.charAt(0))) {
            out.insert(0, '_');
        }
        return out.toString();
    }

    /**
     * Keeps {@code name} when it fits 63 bytes; otherwise cuts it and appends {@code _} and a hash of
     * {@code original}, so that two long names with the same start stay distinct and stable across runs.
     */
    public static String fit(String name, String original) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return name;
        }
        return withSuffix(name, hash(original));
    }

    /** {@code name_suffix}, cutting {@code name} so that the whole stays within 63 bytes. */
    public static String withSuffix(String name, String suffix) {
        int room = MAX_BYTES - suffix.length() - 1;
        String head = name.length() > room ? name.substring(0, room) : name;
        return head + "_" + suffix;
    }

    /** A short, stable hash of a name (first 8 hex digits of its SHA-256). */
    public static String hash(String original) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(original.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A double-quoted identifier; refuses names PostgreSQL would silently truncate. */
    public static String quote(String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            throw new IllegalArgumentException("empty identifier");
        }
        if (identifier.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("identifier longer than 63 bytes: " + identifier);
        }
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains NUL");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** {@code "schema"."table"}. */
    public static String qualified(String schema, String table) {
        return quote(schema) + "." + quote(table);
    }

    /**
     * A SQL string literal, for the few places where PostgreSQL takes no bind parameter (DDL such as
     * {@code ALTER TABLE ... USING}). Uses the escape-string form so the result is independent of
     * standard_conforming_strings.
     */
    public static String literal(String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("literal contains NUL");
        }
        return "E'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
