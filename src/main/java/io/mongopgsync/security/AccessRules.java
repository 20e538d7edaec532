package io.mongopgsync.security;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The one table of which endpoint needs which access. The first rule whose method and path pattern match a
 * request decides; the last rule refuses everything not listed to all but admins, so a new endpoint is closed
 * until it is given a rule here. Patterns are Spring path patterns: {@code {id}} is one segment, {@code *} part
 * of a segment, {@code /**} any number of segments (including none).
 */
public final class AccessRules {

    /** One line of the table; a null method matches every method. */
    public record Rule(String method, String pattern, Access access, PathPattern parsed) {

        Rule(String method, String pattern, Access access) {
            this(method, pattern, access, PathPatternParser.defaultInstance.parse(pattern));
        }

        boolean matches(String requestMethod, PathContainer path) {
            return (method == null || method.equals(requestMethod)) && parsed.matches(path);
        }

        /** Whether the pattern names one route (no wildcards), so that it can stand for the action in the audit. */
        public boolean isRoute() {
            return !pattern.contains("*");
        }

        @Override
        public String toString() {
            return (method == null ? "ANY" : method) + " " + pattern + " -> " + access;
        }
    }

    /** The rule that decided a request, with the values of the pattern's variables. */
    public record Match(Rule rule, Map<String, String> variables) {
    }

    private static final String GET = "GET";
    private static final String POST = "POST";
    private static final String PUT = "PUT";
    private static final String DELETE = "DELETE";
    private static final String SOURCE = "/api/data-sources/{id}";

    public static final List<Rule> RULES = List.of(
            // The dashboard's files load without a token; the page asks for one and sends it with every call.
            new Rule(GET, "/", Access.ANONYMOUS),
            new Rule(GET, "/index.html", Access.ANONYMOUS),
            new Rule(GET, "/*.js", Access.ANONYMOUS),
            new Rule(GET, "/js/*.js", Access.ANONYMOUS),
            new Rule(GET, "/*.css", Access.ANONYMOUS),
            new Rule(GET, "/favicon.ico", Access.ANONYMOUS),
            new Rule(GET, "/webjars/**", Access.ANONYMOUS),
            // Where the servlet container renders errors; the failed request itself was already checked.
            new Rule(null, "/error", Access.ANONYMOUS),

            // Probes stay anonymous; meters are figures without data, for viewers (a Prometheus scraper gets a
            // viewer token); every other actuator endpoint (env, loggers, ...) is for admins.
            new Rule(GET, "/actuator/health", Access.ANONYMOUS),
            new Rule(GET, "/actuator/health/liveness", Access.ANONYMOUS),
            new Rule(GET, "/actuator/health/readiness", Access.ANONYMOUS),
            new Rule(GET, "/actuator/metrics/**", Access.VIEWER),
            new Rule(GET, "/actuator/prometheus", Access.VIEWER),
            new Rule(null, "/actuator/**", Access.ADMIN),

            // The API's description and its page.
            new Rule(GET, "/api/openapi.json", Access.ANONYMOUS),
            new Rule(GET, "/api-docs.html", Access.ANONYMOUS),

            new Rule(GET, "/api/me", Access.AUTHENTICATED),

            // Data sources: reading for viewers, changing for admins.
            new Rule(GET, "/api/data-sources", Access.VIEWER),
            new Rule(POST, "/api/data-sources", Access.ADMIN),
            new Rule(GET, SOURCE, Access.VIEWER),
            new Rule(PUT, SOURCE, Access.ADMIN),
            new Rule(DELETE, SOURCE, Access.ADMIN),
            new Rule(POST, SOURCE + "/test-connection", Access.OPERATOR),
            new Rule(GET, SOURCE + "/sync-config", Access.VIEWER),
            new Rule(PUT, SOURCE + "/sync-config", Access.ADMIN),

            // Syncs: operators trigger and cancel; viewers watch.
            new Rule(POST, SOURCE + "/sync", Access.OPERATOR),
            new Rule(POST, SOURCE + "/sync/cancel", Access.OPERATOR),
            new Rule(GET, SOURCE + "/sync-status", Access.VIEWER),
            new Rule(GET, SOURCE + "/history", Access.VIEWER),
            new Rule(GET, SOURCE + "/jobs", Access.VIEWER),
            new Rule(GET, SOURCE + "/tables", Access.VIEWER),
            new Rule(GET, SOURCE + "/rejects", Access.VIEWER_IF_DATA_ALLOWED),

            // Preview, query, change streams and verification.
            new Rule(POST, SOURCE + "/preview", Access.OPERATOR),
            new Rule(POST, SOURCE + "/query", Access.VIEWER_IF_DATA_ALLOWED),
            new Rule(POST, SOURCE + "/stream/pause", Access.OPERATOR),
            new Rule(POST, SOURCE + "/stream/resume", Access.OPERATOR),
            new Rule(GET, SOURCE + "/stream", Access.VIEWER),
            new Rule(POST, SOURCE + "/verify", Access.OPERATOR),
            new Rule(GET, SOURCE + "/verify/{jobId}", Access.VIEWER),

            new Rule(GET, "/api/metrics", Access.VIEWER),
            new Rule(GET, "/api/events", Access.VIEWER),

            // Tokens, audit and administration.
            new Rule(GET, "/api/tokens", Access.ADMIN),
            new Rule(POST, "/api/tokens", Access.ADMIN),
            new Rule(DELETE, "/api/tokens/{id}", Access.ADMIN),
            new Rule(GET, "/api/audit", Access.ADMIN),
            new Rule(POST, "/api/admin/re-encrypt", Access.ADMIN),
            new Rule(null, "/api/admin/**", Access.ADMIN),

            // Everything else: admins only.
            new Rule(null, "/**", Access.ADMIN));

    private AccessRules() {
    }

    /** The rule for a request path (without the context path); the last rule matches every path. */
    public static Match match(String method, String path) {
        PathContainer container = PathContainer.parsePath(path);
        for (Rule rule : RULES) {
            if (rule.matches(method, container)) {
                PathPattern.PathMatchInfo info = rule.parsed().matchAndExtract(container);
                return new Match(rule, info == null ? Map.of() : info.getUriVariables());
            }
        }
        throw new IllegalStateException("the last access rule matches every path");
    }

    /** The access a request needs. */
    public static Access accessFor(String method, String path) {
        return Objects.requireNonNull(match(method, path).rule().access());
    }
}
