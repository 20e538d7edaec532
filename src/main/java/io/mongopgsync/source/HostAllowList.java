package io.mongopgsync.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The MongoDB hosts the service may connect to ({@code sync.mongo.allowed-hosts}): entries {@code host},
 * {@code host:port}, {@code *.domain} (any name ending in {@code .domain}) or {@code *.domain:port}; IPv6 addresses
 * in brackets. Names compare case-insensitively, without a trailing dot. An empty list allows every host.
 */
public final class HostAllowList {

    public static final String SETTING = "sync.mongo.allowed-hosts (SYNC_MONGO_ALLOWED_HOSTS)";

    private record Entry(String host, boolean wildcard, Integer port) {
        boolean matchesHost(String name) {
            return wildcard ? name.endsWith(host) && name.length() > host.length() : name.equals(host);
        }
    }

    private final List<Entry> entries;

    private HostAllowList(List<Entry> entries) {
        this.entries = entries;
    }

    /** Parses the configured entries; a malformed one fails with a message naming it and the setting. */
    public static HostAllowList parse(List<String> configured) {
        List<Entry> entries = new ArrayList<>();
        for (String raw : configured) {
            String value = raw == null ? "" : raw.trim();
            if (value.isEmpty()) {
                continue;
            }
            entries.add(entry(value));
        }
        return new HostAllowList(List.copyOf(entries));
    }

    private static Entry entry(String value) {
        String host = value;
        Integer port = null;
        int close = value.lastIndexOf(']');
        int colon = value.lastIndexOf(':');
        boolean bracketed = value.startsWith("[");
        if (bracketed && close < 0) {
            throw invalid(value, "an IPv6 address needs its closing ']'");
        }
        if (colon > close && (bracketed || value.indexOf(':') == colon)) {
            host = value.substring(0, colon);
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw invalid(value, "the port is not a number");
            }
            if (port < 1 || port > 65535) {
                throw invalid(value, "the port must be between 1 and 65535");
            }
        }
        boolean wildcard = host.startsWith("*.");
        String name = normalise(wildcard ? host.substring(1) : host);
        if (name.isEmpty() || name.equals(".") || name.contains("*") || name.contains("/") || name.contains("@")) {
            throw invalid(value, "expected host, host:port, *.domain or *.domain:port");
        }
        return new Entry(name, wildcard, port);
    }

    private static IllegalArgumentException invalid(String value, String why) {
        return new IllegalArgumentException("'" + value + "' in " + SETTING + " is not a valid entry: " + why);
    }

    static String normalise(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /** Whether the allow-list is on (not empty). */
    public boolean restricts() {
        return !entries.isEmpty();
    }

    public boolean allows(String host, int port) {
        if (entries.isEmpty()) {
            return true;
        }
        String name = normalise(host);
        return entries.stream().anyMatch(e -> e.matchesHost(name) && (e.port() == null || e.port() == port));
    }

    /** Whether some entry allows this host on any port (for names resolved inside the driver, without a port). */
    public boolean allowsHostOnSomePort(String host) {
        if (entries.isEmpty()) {
            return true;
        }
        String name = normalise(host);
        return entries.stream().anyMatch(e -> e.matchesHost(name));
    }
}
