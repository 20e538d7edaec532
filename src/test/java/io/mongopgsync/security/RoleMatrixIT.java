package io.mongopgsync.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.EventStreamClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.TestEnvironment;
import io.mongopgsync.support.TestTokens;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Every endpoint × {anonymous, viewer, operator, admin}. The expectations are written out here, apart from the
 * access table, and the test checks both the table and the running service against them.
 */
@ServiceIT
class RoleMatrixIT {

    /** Who may call an endpoint, as this test expects it with the default configuration. */
    enum Least { ANYONE, VIEWER, OPERATOR, ADMIN }

    /**
     * One endpoint: its route pattern, the path called ({id} of no existing object, so nothing is changed), the
     * body, the least caller that passes, and the status a caller who passes gets (null: the endpoint is not part
     * of this build yet, so any status but 401 and 403).
     */
    record Endpoint(String method, String pattern, String path, String body, Least least, Integer passed) {
    }

    private static final String NO_SOURCE = "/api/data-sources/999999";

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/api/data-sources", "/api/data-sources", null, Least.VIEWER, 200),
            new Endpoint("POST", "/api/data-sources", "/api/data-sources", "{}", Least.ADMIN, 400),
            new Endpoint("GET", "/api/data-sources/{id}", NO_SOURCE, null, Least.VIEWER, 404),
            new Endpoint("PUT", "/api/data-sources/{id}", NO_SOURCE, "{}", Least.ADMIN, 404),
            new Endpoint("DELETE", "/api/data-sources/{id}", NO_SOURCE + "?dropTables=true", null, Least.ADMIN, 404),
            new Endpoint("POST", "/api/data-sources/{id}/test-connection", NO_SOURCE + "/test-connection", null, Least.OPERATOR, 404),
            new Endpoint("GET", "/api/data-sources/{id}/sync-config", NO_SOURCE + "/sync-config", null, Least.VIEWER, 404),
            new Endpoint("PUT", "/api/data-sources/{id}/sync-config", NO_SOURCE + "/sync-config", "{}", Least.ADMIN, 404),
            new Endpoint("POST", "/api/data-sources/{id}/sync", NO_SOURCE + "/sync", "{}", Least.OPERATOR, 404),
            new Endpoint("POST", "/api/data-sources/{id}/sync/cancel", NO_SOURCE + "/sync/cancel", null, Least.OPERATOR, 404),
            new Endpoint("POST", "/api/data-sources/{id}/preview", NO_SOURCE + "/preview", "{\"collection\": \"c\"}",
                    Least.OPERATOR, 404),
            new Endpoint("GET", "/api/data-sources/{id}/sync-status", NO_SOURCE + "/sync-status", null, Least.VIEWER, 404),
            new Endpoint("GET", "/api/data-sources/{id}/history", NO_SOURCE + "/history", null, Least.VIEWER, 404),
            new Endpoint("GET", "/api/data-sources/{id}/jobs", NO_SOURCE + "/jobs", null, Least.VIEWER, 404),
            new Endpoint("GET", "/api/data-sources/{id}/tables", NO_SOURCE + "/tables", null, Least.VIEWER, 404),
            new Endpoint("GET", "/api/data-sources/{id}/rejects", NO_SOURCE + "/rejects", null, Least.OPERATOR, 404),
            new Endpoint("POST", "/api/data-sources/{id}/verify", NO_SOURCE + "/verify", "{\"mode\": \"quick\"}",
                    Least.OPERATOR, 404),
            new Endpoint("GET", "/api/data-sources/{id}/verify/{jobId}", NO_SOURCE + "/verify/1", null, Least.VIEWER, 404),
            new Endpoint("GET", "/api/metrics", "/api/metrics", null, Least.VIEWER, 200),
            new Endpoint("GET", "/api/me", "/api/me", null, Least.VIEWER, 200),
            new Endpoint("GET", "/api/tokens", "/api/tokens", null, Least.ADMIN, 200),
            new Endpoint("POST", "/api/tokens", "/api/tokens", "{}", Least.ADMIN, 400),
            new Endpoint("DELETE", "/api/tokens/{id}", "/api/tokens/999999", null, Least.ADMIN, 404),
            new Endpoint("GET", "/api/audit", "/api/audit", null, Least.ADMIN, 200),
            new Endpoint("POST", "/api/data-sources/{id}/stream/pause", NO_SOURCE + "/stream/pause", null, Least.OPERATOR, 404),
            new Endpoint("POST", "/api/data-sources/{id}/stream/resume", NO_SOURCE + "/stream/resume", null, Least.OPERATOR, 404),
            new Endpoint("GET", "/api/data-sources/{id}/stream", NO_SOURCE + "/stream", null, Least.VIEWER, 404),
            // Endpoints of features built beside this one: protected before they exist.
            new Endpoint("POST", "/api/data-sources/{id}/preview", NO_SOURCE + "/preview", "{}", Least.OPERATOR, null),
            new Endpoint("POST", "/api/data-sources/{id}/query", NO_SOURCE + "/query", "{}", Least.OPERATOR, null),
            new Endpoint("GET", "/api/events", "/api/events", null, Least.VIEWER, 200),
            new Endpoint("POST", "/api/admin/re-encrypt", "/api/admin/re-encrypt", null, Least.ADMIN, null),
            new Endpoint("POST", "/api/admin/**", "/api/admin/reencrypt", "{}", Least.ADMIN, null),
            new Endpoint("GET", "/api/openapi.json", "/api/openapi.json", null, Least.ANYONE, null),
            // Not listed anywhere: admins only.
            new Endpoint("GET", "/**", "/api/no-such-endpoint", null, Least.ADMIN, 404),
            new Endpoint("PATCH", "/**", NO_SOURCE, "{}", Least.ADMIN, null),
            // Dashboard, probes, actuator.
            new Endpoint("GET", "/", "/", null, Least.ANYONE, 200),
            new Endpoint("GET", "/index.html", "/index.html", null, Least.ANYONE, 200),
            new Endpoint("GET", "/actuator/health", "/actuator/health", null, Least.ANYONE, 200),
            new Endpoint("GET", "/actuator/health/liveness", "/actuator/health/liveness", null, Least.ANYONE, 200),
            new Endpoint("GET", "/actuator/health/readiness", "/actuator/health/readiness", null, Least.ANYONE, 200),
            new Endpoint("GET", "/actuator/metrics/**", "/actuator/metrics", null, Least.VIEWER, 200),
            new Endpoint("GET", "/actuator/prometheus", "/actuator/prometheus", null, Least.VIEWER, 200),
            new Endpoint("GET", "/api-docs.html", "/api-docs.html", null, Least.ANYONE, 200),
            new Endpoint("GET", "/actuator/**", "/actuator/info", null, Least.ADMIN, 200));

    /** Endpoints whose answer is an endless event stream: read for their status and error body only. */
    private static final Set<String> STREAMS = Set.of("/api/events");

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camel;

    Map<Least, ApiClient> callers;
    Map<Least, String> tokens;

    @BeforeEach
    void setUp() {
        ApiClient admin = new ApiClient(port);
        tokens = new LinkedHashMap<>();
        tokens.put(Least.ANYONE, null);
        tokens.put(Least.VIEWER, TestTokens.create(admin, "matrix", "viewer").token());
        tokens.put(Least.OPERATOR, TestTokens.create(admin, "matrix", "operator").token());
        tokens.put(Least.ADMIN, TestEnvironment.ADMIN_TOKEN);
        callers = new LinkedHashMap<>();
        tokens.forEach((least, token) -> callers.put(least, token == null ? admin.anonymous() : admin.withToken(token)));
    }

    @Test
    void shouldAgreeWithTheAccessTable() {
        List<String> disagreements = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) {
            AccessRules.Match match = AccessRules.match(e.method(), e.path().replaceFirst("\\?.*", ""));
            Least fromTable = least(match.rule().access());
            if (fromTable != e.least() || !match.rule().pattern().equals(e.pattern())) {
                disagreements.add(e.method() + " " + e.path() + ": expected " + e.least() + " by " + e.pattern()
                        + ", the table says " + fromTable + " by " + match.rule().pattern());
            }
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void shouldAnswerEveryCallerAsExpected() {
        List<String> wrong = new ArrayList<>();
        for (Endpoint e : ENDPOINTS) {
            for (Map.Entry<Least, ApiClient> caller : callers.entrySet()) {
                ApiClient.Response response = STREAMS.contains(e.pattern()) ? openStream(tokens.get(caller.getKey()))
                        : caller.getValue().send(e.path(), e.method(), e.body(), e.body() == null ? null : "application/json");
                String problem = check(e, caller.getKey(), response);
                if (problem != null) {
                    wrong.add(e.method() + " " + e.path() + " as " + caller.getKey() + ": " + problem + " (" + response + ")");
                }
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void shouldHaveAnExpectationForEveryRestEndpointOfTheService() {
        Set<String> listed = ENDPOINTS.stream().map(e -> e.method() + " " + e.pattern()).collect(Collectors.toSet());
        Set<String> served = new TreeSet<>();
        for (RestDefinition rest : ((ModelCamelContext) camel).getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                String path = rest.getPath() + (verb.getPath() == null ? "" : verb.getPath());
                served.add(verb.asVerb().toUpperCase() + " " + path);
            }
        }

        assertThat(served).isNotEmpty();
        assertThat(listed).containsAll(served);
    }

    @Test
    void shouldAnswerRefusalsInTheErrorShape() {
        ApiClient.Response anonymous = callers.get(Least.ANYONE).get("/api/data-sources");
        ApiClient.Response viewer = callers.get(Least.VIEWER).delete(NO_SOURCE);
        ApiClient.Response rejects = callers.get(Least.VIEWER).get(NO_SOURCE + "/rejects");
        ApiClient.Response unknown = callers.get(Least.ADMIN).withToken("mps_" + "x".repeat(43)).get("/api/data-sources");
        ApiClient.Response notAToken = callers.get(Least.ADMIN).withToken("plain-password").get("/api/data-sources");

        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().get("error").asText()).isEqualTo("unauthorized");
        assertThat(anonymous.json().get("message").asText()).contains("Authorization: Bearer");
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(viewer.json().get("error").asText()).isEqualTo("forbidden");
        assertThat(viewer.json().get("message").asText())
                .isEqualTo("Role 'viewer' may not DELETE /api/data-sources/{id}: it needs 'admin' or higher");
        assertThat(rejects.json().get("message").asText()).contains("sync.security.viewers-read-data");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.json().get("error").asText()).isEqualTo("invalid_token");
        assertThat(unknown.json().get("message").asText()).contains("not known");
        assertThat(notAToken.status()).isEqualTo(401);
        assertThat(notAToken.json().get("message").asText()).contains("accepts no JWTs");
    }

    /** Opens the event stream and closes it once its status is known; a refusal's body is kept for the check. */
    private ApiClient.Response openStream(String token) {
        try (EventStreamClient stream = new EventStreamClient(port, null, token)) {
            return new ApiClient.Response(stream.status(), stream.status() == 200 ? "" : stream.errorBody().toString(),
                    stream.contentType());
        }
    }

    private static String check(Endpoint e, Least caller, ApiClient.Response response) {
        if (caller.compareTo(e.least()) < 0) {
            int expected = caller == Least.ANYONE ? 401 : 403;
            if (response.status() != expected) {
                return "expected " + expected;
            }
            return response.json().has("error") && response.json().has("message") ? null : "not in the error shape";
        }
        if (e.passed() != null) {
            return response.status() == e.passed() ? null : "expected " + e.passed();
        }
        return response.status() == 401 || response.status() == 403 ? "expected to pass" : null;
    }

    /** The least caller of an access level, for callers that all hold a role, with the default configuration. */
    private static Least least(Access access) {
        return switch (access) {
            case ANONYMOUS -> Least.ANYONE;
            case AUTHENTICATED -> Least.VIEWER;
            default -> Least.valueOf(access.minimalRole(false).name());
        };
    }
}
