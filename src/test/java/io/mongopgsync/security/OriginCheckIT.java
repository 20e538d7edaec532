package io.mongopgsync.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Changing calls from another site's page are refused; the service's own page and scripts pass. */
@ServiceIT
class OriginCheckIT {

    @LocalServerPort
    int port;

    @Test
    void shouldRefuseAChangingCallFromAForeignOrigin() {
        ApiClient foreign = new ApiClient(port).withHeader("Origin", "https://evil.example");

        ApiClient.Response response = foreign.post("/api/data-sources/999999/sync", "{}");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.json().get("error").asText()).isEqualTo("forbidden_origin");
        assertThat(response.json().get("message").asText()).contains("https://evil.example")
                .contains("sync.security.allowed-origins");
        // Reading is not a cross-site risk here: no cookie can carry the token.
        assertThat(foreign.get("/api/data-sources").status()).isEqualTo(200);
    }

    @Test
    void shouldLetTheServicesOwnPageAndScriptsChangeThings() {
        ApiClient ownPage = new ApiClient(port).withHeader("Origin", "http://127.0.0.1:" + port);

        assertThat(ownPage.post("/api/data-sources/999999/sync", "{}").status()).isEqualTo(404);
        assertThat(new ApiClient(port).post("/api/data-sources/999999/sync", "{}").status()).isEqualTo(404);
    }
}
