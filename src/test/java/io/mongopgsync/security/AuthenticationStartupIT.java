package io.mongopgsync.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.support.ServiceProcess;
import io.mongopgsync.support.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Outside the demo, the service starts only when someone can authenticate, and says how to make it so. */
class AuthenticationStartupIT {

    @Test
    void shouldRefuseToStartWithoutAuthenticationAndStartOnceATokenIsStored() throws Exception {
        String jdbcUrl = TestPostgres.get().createExtraDatabase("noauth");
        Map<String, String> properties = ServiceProcess.baseProperties(jdbcUrl);
        properties.remove("sync.security.bootstrap-token");

        ServiceProcess.Exit exit = ServiceProcess.runToExit("no-auth", properties, Duration.ofMinutes(2));

        assertThat(exit.code()).isNotZero();
        assertThat(exit.output()).contains("No authentication is configured").contains("SYNC_BOOTSTRAP_TOKEN")
                .contains("SYNC_SECURITY_JWT_ISSUER_URI");

        // A token already in the database (made earlier by an admin) is enough.
        String token = ApiTokenSecrets.generate();
        TestPostgres.get().execute(jdbcUrl, "INSERT INTO dra_api_tokens (name, role, token_hash, token_hint, origin) "
                + "VALUES ('ops', 'admin', '" + ApiTokenSecrets.hash(token) + "', 'mps_…', 'api')");
        try (ServiceProcess service = ServiceProcess.start("stored-token", List.of(), properties)) {
            assertThat(service.api().withToken(token).get("/api/me").json().get("subject").asText()).isEqualTo("ops");
            assertThat(service.api().get("/api/me").status()).as("the test admin token was never configured here")
                    .isEqualTo(401);
        }
    }

    @Test
    void shouldRefuseAGuessableBootstrapToken() throws Exception {
        Map<String, String> properties = ServiceProcess.baseProperties(TestPostgres.get().jdbcUrl());
        properties.put("sync.security.bootstrap-token", "admin123");

        ServiceProcess.Exit exit = ServiceProcess.runToExit("weak-bootstrap", properties, Duration.ofMinutes(2));

        assertThat(exit.code()).isNotZero();
        assertThat(exit.output()).contains("SYNC_BOOTSTRAP_TOKEN is unusable: it must start with 'mps_'")
                .contains("openssl rand -hex 32");
    }
}
