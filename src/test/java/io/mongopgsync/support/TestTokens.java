package io.mongopgsync.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

/** API tokens for tests, made through the API by an admin as a user would. */
public final class TestTokens {

    private TestTokens() {
    }

    /** A new live token of this role (viewer, operator, admin); its name starts with {@code prefix}. */
    public static Created create(ApiClient admin, String prefix, String role) {
        String name = prefix + "-" + role + "-" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Response created = admin.post("/api/tokens", ApiClient.json(Map.of("name", name, "role", role)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return new Created(created.json().get("id").asLong(), name, created.json().get("token").asText());
    }

    public record Created(long id, String name, String token) {
    }
}
