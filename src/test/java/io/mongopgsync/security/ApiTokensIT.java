package io.mongopgsync.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.EventStreamClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.TestEnvironment;
import io.mongopgsync.support.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** API tokens as an admin manages them: created and shown once, listed without secret, revoked, expired. */
@ServiceIT
class ApiTokensIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    ApiClient admin;

    @BeforeEach
    void setUp() {
        admin = new ApiClient(port);
    }

    @Test
    void shouldShowATokenOnceAndNeverAgain() {
        String name = "ci-" + UUID.randomUUID().toString().substring(0, 8);
        Instant expiry = Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

        ApiClient.Response created = admin.post("/api/tokens", ApiClient.json(Map.of("name", name, "role", "operator",
                "expiresAt", expiry.toString())));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String token = created.json().get("token").asText();
        assertThat(token).matches("mps_[A-Za-z0-9_-]{43}");
        assertThat(created.json().get("expiresAt").asText()).isEqualTo(expiry.toString());
        assertThat(created.json().get("createdBy").asText()).isEqualTo("bootstrap");
        ApiClient.Response list = admin.get("/api/tokens");
        assertThat(list.body()).doesNotContain(token).doesNotContain(token.substring(10));
        JsonNode listed = find(list.json(), name);
        assertThat(listed.get("role").asText()).isEqualTo("operator");
        assertThat(listed.get("status").asText()).isEqualTo("active");
        assertThat(listed.get("hint").asText()).isEqualTo(token.substring(0, 8) + "…");
        assertThat(jdbc.sql("SELECT count(*) FROM dra_api_tokens WHERE token_hash = :token").param("token", token)
                .query(Long.class).single()).as("the token itself is never stored").isZero();

        JsonNode me = admin.withToken(token).get("/api/me").json();
        assertThat(me.get("subject").asText()).isEqualTo(name);
        assertThat(me.get("role").asText()).isEqualTo("operator");
        assertThat(me.get("authMethod").asText()).isEqualTo("token");
        assertThat(find(admin.get("/api/tokens").json(), name).get("lastUsedAt").isNull()).isFalse();
    }

    @Test
    void shouldRefuseARevokedTokenAtOnce() {
        TestTokens.Created token = TestTokens.create(admin, "revoked", "admin");
        ApiClient holder = admin.withToken(token.token());
        assertThat(holder.get("/api/data-sources").status()).isEqualTo(200);

        assertThat(admin.delete("/api/tokens/" + token.id()).status()).isEqualTo(204);

        ApiClient.Response refused = holder.get("/api/data-sources");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_token");
        assertThat(refused.json().get("message").asText()).contains("'" + token.name() + "' was revoked");
        JsonNode listed = find(admin.get("/api/tokens").json(), token.name());
        assertThat(listed.get("status").asText()).isEqualTo("revoked");
        assertThat(listed.get("revokedBy").asText()).isEqualTo("bootstrap");
        // The name is free again once its token is revoked.
        assertThat(admin.post("/api/tokens", ApiClient.json(Map.of("name", token.name(), "role", "viewer"))).status())
                .isEqualTo(201);
    }

    @Test
    void shouldRefuseAnExpiredToken() {
        TestTokens.Created token = TestTokens.create(admin, "expiring", "viewer");
        ApiClient holder = admin.withToken(token.token());
        assertThat(holder.get("/api/data-sources").status()).isEqualTo(200);

        // The clock moves for this token only: its expiry is set to a minute ago.
        jdbc.sql("UPDATE dra_api_tokens SET expires_at = now() - interval '1 minute' WHERE id = :id")
                .param("id", token.id()).update();

        ApiClient.Response refused = holder.get("/api/data-sources");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("message").asText()).contains("'" + token.name() + "' expired at");
        assertThat(find(admin.get("/api/tokens").json(), token.name()).get("status").asText()).isEqualTo("expired");
    }

    @Test
    void shouldNameEveryBadFieldOfANewToken() {
        ApiClient.Response response = admin.post("/api/tokens", ApiClient.json(Map.of("name", "bootstrap",
                "role", "root", "expiresAt", "2001-01-01T00:00:00Z", "scopes", "all")));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().findValuesAsText("field")).containsExactlyInAnyOrder("name", "role", "expiresAt", "scopes");
        assertThat(admin.post("/api/tokens", ApiClient.json(Map.of("role", "viewer"))).json().get("message").asText())
                .contains("name is required");
        assertThat(admin.post("/api/tokens", ApiClient.json(Map.of("name", "x", "role", "viewer", "expiresAt", "tomorrow")))
                .json().get("message").asText()).contains("ISO-8601");
    }

    @Test
    void shouldRefuseASecondLiveTokenWithTheSameName() {
        TestTokens.Created first = TestTokens.create(admin, "twin", "viewer");

        ApiClient.Response second = admin.post("/api/tokens", ApiClient.json(Map.of("name", first.name(), "role", "admin")));

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().get("message").asText()).contains(first.name());
    }

    @Test
    void shouldAnswer404ForAnUnknownToken() {
        ApiClient.Response response = admin.delete("/api/tokens/987654");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("message").asText()).contains("987654");
    }

    @Test
    void shouldKeepTheBootstrapTokenAsAnAdminToken() {
        JsonNode me = admin.get("/api/me").json();
        JsonNode bootstrap = find(admin.get("/api/tokens").json(), "bootstrap");

        assertThat(me.get("subject").asText()).isEqualTo("bootstrap");
        assertThat(me.get("role").asText()).isEqualTo("admin");
        assertThat(bootstrap.get("origin").asText()).isEqualTo("bootstrap");
        assertThat(bootstrap.get("hint").asText()).isEqualTo(TestEnvironment.ADMIN_TOKEN.substring(0, 8) + "…");
    }

    @Test
    void shouldAcceptATokenInTheQueryOnlyOnTheEventStream() {
        TestTokens.Created viewer = TestTokens.create(admin, "events", "viewer");
        ApiClient browser = admin.anonymous();

        // EventSource cannot send headers: the event stream takes the token as access_token. The stream never ends,
        // so it is read for its status and first event and then closed.
        try (EventStreamClient stream = EventStreamClient.withQueryToken(port, viewer.token())) {
            assertThat(stream.status()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !stream.events().isEmpty());
            assertThat(stream.events().get(0).type()).isEqualTo("snapshot");
        }
        try (EventStreamClient refused = EventStreamClient.withQueryToken(port, "mps_" + "z".repeat(43))) {
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.errorBody().get("error").asText()).isEqualTo("invalid_token");
        }
        assertThat(browser.get("/api/data-sources?access_token=" + viewer.token()).status()).isEqualTo(401);
    }

    private static JsonNode find(JsonNode tokens, String name) {
        for (JsonNode t : tokens) {
            if (t.get("name").asText().equals(name) && !"revoked".equals(t.get("status").asText())) {
                return t;
            }
        }
        for (JsonNode t : tokens) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no token named " + name + " in " + tokens);
    }
}
