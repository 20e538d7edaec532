package io.mongopgsync.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import java.util.Map;
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

    @Test
    void shouldRefuseBodilessSyncAndCancelFromAForeignOrigin() {
        ApiClient api = new ApiClient(port);
        long id = new SyncClient(api).createSource("cross-site", "mongodb://127.0.0.1:1/x", "x", Map.of());

        for (String origin : new String[] {"https://evil.example", "null", "http://127.0.0.1:" + port + ".evil.example"}) {
            ApiClient foreign = api.withHeader("Origin", origin);
            assertForbidden(foreign.send("/api/data-sources/" + id + "/sync", "POST", null, null));
            assertForbidden(foreign.send("/api/data-sources/" + id + "/sync/cancel", "POST", null, null));
            assertForbidden(foreign.send("/api/data-sources/" + id + "/sync", "POST", null, "text/plain"));
        }
        assertThat(api.get("/api/data-sources/" + id + "/jobs").json()).isEmpty();
    }

    @Test
    void shouldRefuseABrowsersCrossSiteCallThatCarriesNoOrigin() {
        ApiClient api = new ApiClient(port);
        long id = new SyncClient(api).createSource("cross-site", "mongodb://127.0.0.1:1/x", "x", Map.of());

        // a browser marks every request it sends with Sec-Fetch-Site, also when a privacy setting drops Origin
        assertForbidden(api.withHeader("Sec-Fetch-Site", "cross-site")
                .send("/api/data-sources/" + id + "/sync", "POST", null, null));
        assertForbidden(api.withHeader("Sec-Fetch-Site", "same-site")
                .send("/api/data-sources/" + id + "/sync/cancel", "POST", null, null));
        assertThat(api.get("/api/data-sources/" + id + "/jobs").json()).isEmpty();
        // what a form of another site sends is not JSON: refused before anything runs
        ApiClient.Response form = api.send("/api/data-sources/" + id + "/sync", "POST", null,
                "application/x-www-form-urlencoded");
        assertThat(form.status()).as(form.toString()).isEqualTo(415);
        assertThat(api.get("/api/data-sources/" + id + "/jobs").json()).isEmpty();
        // the service's own page and scripts still can
        assertThat(api.withHeader("Sec-Fetch-Site", "same-origin")
                .send("/api/data-sources/" + id + "/sync", "POST", null, null).status()).isEqualTo(202);
    }

    private static void assertForbidden(ApiClient.Response response) {
        assertThat(response.status()).as(response.toString()).isEqualTo(403);
        assertThat(response.json().get("error").asText()).isEqualTo("forbidden_origin");
    }
}
