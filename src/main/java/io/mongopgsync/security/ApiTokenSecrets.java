package io.mongopgsync.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * What an API token looks like: {@code mps_} and 43 characters of base64url (256 random bits). The prefix tells an
 * API token from a JWT without trying to parse it. Only the SHA-256 of a token is stored: with 256 random bits
 * there is nothing to guess, so a slow password hash would add latency to every request and prevent the indexed
 * lookup, without making a stolen hash any less useless.
 */
public final class ApiTokenSecrets {

    public static final String PREFIX = "mps_";
    /** Configured tokens (SYNC_BOOTSTRAP_TOKEN) need at least this many characters after the prefix. */
    public static final int MIN_CONFIGURED_LENGTH = 32;
    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiTokenSecrets() {
    }

    public static boolean looksLikeApiToken(String bearer) {
        return bearer != null && bearer.startsWith(PREFIX);
    }

    public static String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Lower-case hex SHA-256 of the whole token, prefix included. */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** The prefix and the first four characters after it: enough to tell tokens apart, useless to an attacker. */
    public static String hint(String token) {
        return token.substring(0, Math.min(token.length(), PREFIX.length() + 4)) + "…";
    }

    /** Why a configured token is unusable, or null when it is fine. */
    public static String problemWithConfigured(String token) {
        if (!looksLikeApiToken(token)) {
            return "it must start with '" + PREFIX + "'";
        }
        String rest = token.substring(PREFIX.length());
        if (rest.length() < MIN_CONFIGURED_LENGTH) {
            return "it needs at least " + MIN_CONFIGURED_LENGTH + " characters after '" + PREFIX + "', got " + rest.length();
        }
        if (!rest.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_'))) {
            return "after '" + PREFIX + "' it may only contain letters, digits, '-' and '_'";
        }
        return null;
    }
}
