package io.mongopgsync.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.TestTokens;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Changing and refused calls leave audit rows that say who did what, without any secret. */
@ServiceIT
class AuditLogIT {

    static final String PASSWORD = "Audit-Secret.77";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    ApiClient admin;

    @BeforeEach
    void setUp() {
        admin = new ApiClient(port);
    }

    /** The audit rows since a moment, as GET /api/audit lists them (rows are written as the answer completes). */
    private JsonNode auditSince(Instant since, String filters, int expected) {
        String query = "/api/audit?limit=500&since=" + URLEncoder.encode(since.toString(), StandardCharsets.UTF_8) + filters;
        JsonNode[] page = new JsonNode[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            page[0] = admin.get(query).json();
            return page[0].get("total").asInt() >= expected;
        });
        return page[0];
    }

    @Test
    void shouldRecordMutationsWithoutTheirSecrets() {
        Instant start = Instant.now().minusSeconds(1);
        String name = "audited-" + UUID.randomUUID().toString().substring(0, 8);

        ApiClient.Response created = admin.post("/api/data-sources", ApiClient.json(Map.of("name", name,
                "connectionString", "mongodb://reporter:" + PASSWORD + "@db.example.com:27017/shop", "database", "shop",
                "syncConfig", Map.of("initialSync", false))));
        long id = created.json().get("id").asLong();
        admin.put("/api/data-sources/" + id, ApiClient.json(Map.of("connectionDetails", Map.of("host", "db2.example.com",
                "port", 27017, "username", "reporter", "password", PASSWORD + "-2"))));
        admin.delete("/api/data-sources/" + id + "?dropTables=false");
        TestTokens.Created token = TestTokens.create(admin, "audit", "viewer");

        JsonNode items = auditSince(start, "&actor=bootstrap", 4).get("items");
        JsonNode create = find(items, "POST /api/data-sources", null);
        assertThat(create.get("role").asText()).isEqualTo("admin");
        assertThat(create.get("authMethod").asText()).isEqualTo("token");
        assertThat(create.get("status").asInt()).isEqualTo(201);
        assertThat(create.get("summary").get("body").get("name").asText()).isEqualTo(name);
        assertThat(create.get("summary").get("body").get("connectionString").asText())
                .isEqualTo("mongodb://reporter:****@db.example.com:27017/shop");
        JsonNode update = find(items, "PUT /api/data-sources/{id}", "/api/data-sources/" + id);
        assertThat(update.get("summary").get("body").get("connectionDetails").get("host").asText()).isEqualTo("db2.example.com");
        JsonNode delete = find(items, "DELETE /api/data-sources/{id}", "/api/data-sources/" + id);
        assertThat(delete.get("status").asInt()).isEqualTo(204);
        assertThat(delete.get("summary").get("query").get("dropTables").asText()).isEqualTo("false");
        assertThat(find(items, "POST /api/tokens", null).get("summary").get("body").get("name").asText())
                .isEqualTo(token.name());

        String everything = jdbc.sql("SELECT coalesce(string_agg(a::text, ' '), '') FROM dra_audit_log a")
                .query(String.class).single();
        assertThat(everything).contains(name).doesNotContain(PASSWORD).doesNotContain(token.token());
    }

    @Test
    void shouldRecordRefusedCallsWithWhoTried() {
        Instant start = Instant.now().minusSeconds(1);
        TestTokens.Created viewer = TestTokens.create(admin, "refused", "viewer");

        admin.anonymous().get("/api/data-sources");
        admin.withToken(viewer.token()).delete("/api/data-sources/4242?dropTables=true");
        admin.withToken("mps_" + "y".repeat(43)).post("/api/data-sources/4242/sync", "{}");

        JsonNode unauthenticated = auditSince(start, "&status=401", 2).get("items");
        JsonNode anonymousRead = find(unauthenticated, "GET /api/data-sources", null);
        assertThat(anonymousRead.get("actor").isNull()).isTrue();
        JsonNode badToken = find(unauthenticated, "POST /api/data-sources/{id}/sync", "/api/data-sources/4242");
        assertThat(badToken.get("summary").get("body").asText()).contains("not read");
        JsonNode forbidden = auditSince(start, "&status=403&actor=" + viewer.name(), 1).get("items").get(0);
        assertThat(forbidden.get("role").asText()).isEqualTo("viewer");
        assertThat(forbidden.get("action").asText()).isEqualTo("DELETE /api/data-sources/{id}");
        assertThat(forbidden.get("target").asText()).isEqualTo("/api/data-sources/4242");
        assertThat(forbidden.get("summary").get("query").get("dropTables").asText()).isEqualTo("true");
    }

    @Test
    void shouldPageAndFilterTheLog() {
        Instant start = Instant.now().minusSeconds(1);
        TestTokens.Created operator = TestTokens.create(admin, "pager", "operator");
        ApiClient caller = admin.withToken(operator.token());
        for (int i = 0; i < 3; i++) {
            caller.post("/api/data-sources/" + (5000 + i) + "/sync/cancel", null);
        }
        String mine = "&actor=" + operator.name() + "&action=sync/cancel";
        auditSince(start, mine, 3);

        JsonNode first = admin.get("/api/audit?limit=2&offset=0" + mine).json();
        JsonNode second = admin.get("/api/audit?limit=2&offset=2" + mine).json();

        assertThat(first.get("total").asInt()).isEqualTo(3);
        assertThat(first.get("items").findValuesAsText("target"))
                .containsExactly("/api/data-sources/5002", "/api/data-sources/5001");
        assertThat(second.get("items").findValuesAsText("target")).containsExactly("/api/data-sources/5000");
        assertThat(admin.get("/api/audit?until=" + URLEncoder.encode(start.toString(), StandardCharsets.UTF_8) + mine)
                .json().get("total").asInt()).isZero();
        assertThat(admin.get("/api/audit?since=yesterday").status()).isEqualTo(400);
        assertThat(admin.get("/api/audit?limit=0").status()).isEqualTo(400);
    }

    @Test
    void shouldNotRecordReads() {
        Instant start = Instant.now().minusSeconds(1);
        TestTokens.Created viewer = TestTokens.create(admin, "reader", "viewer");

        admin.withToken(viewer.token()).get("/api/data-sources");
        admin.withToken(viewer.token()).delete("/api/data-sources/1");

        // The refused DELETE is recorded; by then the GET before it would be too.
        JsonNode items = auditSince(start, "&actor=" + viewer.name(), 1).get("items");
        assertThat(items.findValuesAsText("action")).containsExactly("DELETE /api/data-sources/{id}");
    }

    private static JsonNode find(JsonNode items, String action, String target) {
        for (JsonNode item : items) {
            if (item.get("action").asText().equals(action)
                    && (target == null || target.equals(item.get("target").asText()))) {
                return item;
            }
        }
        throw new AssertionError("no audit row " + action + " " + target + " in " + items);
    }
}
