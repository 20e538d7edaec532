package io.mongopgsync.source;

import com.mongodb.ConnectionString;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing, building and redacting MongoDB connection strings. */
public final class ConnectionStrings {

    static final String MASK = "****";

    /** Query options whose values may be secrets: any name containing one of these, compared lower-case. */
    private static final Set<String> SECRET_OPTION_PARTS = Set.of("password", "secret", "token", "credential",
            "authmechanismproperties", "key");

    /** A MongoDB connection string inside a longer text: up to the next white space or quote. */
    private static final Pattern EMBEDDED_URI = Pattern.compile("mongodb(?:\\+srv)?://[^\\s\"']+");

    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    private static final Pattern USER_INFO = Pattern.compile("^(mongodb(?:\\+srv)?://)([^@/]*)@");

    private ConnectionStrings() {
    }

    /** Throws {@link IllegalArgumentException} with the driver's reason when the string is not a MongoDB URI. */
    public static ConnectionString parse(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        if (!uri.startsWith("mongodb://") && !uri.startsWith("mongodb+srv://")) {
            throw new IllegalArgumentException("must start with mongodb:// or mongodb+srv://");
        }
        try {
            return new ConnectionString(uri);
        } catch (RuntimeException e) {
            // The driver's message can quote the string or a decoded piece of it; keep only its reason.
            String reason = e.getMessage() != null && e.getMessage().contains("URLDecoder")
                    ? "a '%' in the user name or password is not followed by two hexadecimal digits (write a "
                            + "literal '%' as %25)"
                    : redactIn(e.getMessage(), uri);
            throw new IllegalArgumentException("is not a valid MongoDB connection string: " + reason);
        }
    }

    public static String fromDetails(String host, int port, String username, String password, String authSource,
                                     boolean tls) {
        StringBuilder uri = new StringBuilder("mongodb://");
        if (username != null && !username.isEmpty()) {
            uri.append(encode(username));
            if (password != null) {
                uri.append(':').append(encode(password));
            }
            uri.append('@');
        }
        uri.append(host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host).append(':').append(port).append('/');
        String separator = "?";
        if (authSource != null && !authSource.isEmpty()) {
            uri.append(separator).append("authSource=").append(encode(authSource));
            separator = "&";
        }
        if (tls) {
            uri.append(separator).append("tls=true");
        }
        return uri.toString();
    }

    /**
     * The form shown in responses and logs: {@code mongodb://user:****@host:port/db?options}, with the
     * password and secret-valued options masked.
     */
    public static String redact(String uri) {
        if (uri == null) {
            return null;
        }
        String result = uri;
        Matcher m = USER_INFO.matcher(result);
        if (m.find()) {
            String userInfo = m.group(2);
            int colon = userInfo.indexOf(':');
            String user = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
            result = m.group(1) + user + (colon >= 0 ? ":" + MASK : "") + "@" + result.substring(m.end());
        }
        int query = result.indexOf('?');
        if (query >= 0) {
            StringBuilder out = new StringBuilder(result.substring(0, query + 1));
            String[] pairs = result.substring(query + 1).split("[&;]");
            for (int i = 0; i < pairs.length; i++) {
                String pair = pairs[i];
                int eq = pair.indexOf('=');
                String name = eq >= 0 ? pair.substring(0, eq) : pair;
                if (i > 0) {
                    out.append('&');
                }
                out.append(eq >= 0 && isSecretOption(name) ? name + "=" + MASK : pair);
            }
            result = out.toString();
        }
        return result;
    }

    /** Redacts every connection string found inside a text (a description, a request field). */
    public static String redactAll(String text) {
        if (text == null || !text.contains("mongodb")) {
            return text;
        }
        return EMBEDDED_URI.matcher(text).replaceAll(m -> Matcher.quoteReplacement(redact(m.group())));
    }

    /** Whether a name (a connection-string option, a JSON key) suggests that its value is a secret. */
    public static boolean isSecretOption(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return SECRET_OPTION_PARTS.stream().anyMatch(lower::contains);
    }

    /** Replaces every occurrence of a secret string (and its password) inside a message, e.g. a driver error. */
    public static String redactIn(String message, String uri) {
        if (message == null || uri == null) {
            return message;
        }
        String redacted = message.replace(uri, redact(uri));
        Matcher m = USER_INFO.matcher(uri);
        if (m.find()) {
            String userInfo = m.group(2);
            int colon = userInfo.indexOf(':');
            if (colon >= 0 && colon + 1 < userInfo.length()) {
                redacted = redacted.replace(userInfo.substring(colon + 1), MASK);
            }
            // a quoted piece of the credentials (the driver quotes what it failed to decode)
            Matcher quoted = QUOTED.matcher(redacted);
            StringBuilder out = new StringBuilder();
            while (quoted.find()) {
                String piece = quoted.group(1);
                quoted.appendReplacement(out, Matcher.quoteReplacement(
                        !piece.isEmpty() && userInfo.contains(piece) ? "\"" + MASK + "\"" : quoted.group()));
            }
            quoted.appendTail(out);
            redacted = out.toString();
        }
        return redacted;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
