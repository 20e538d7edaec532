package io.mongopgsync.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceProcess;
import io.mongopgsync.support.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's first command: the service on its embedded defaults, demo data imported, dashboard up. */
class EmbeddedDemoIT {

    private static Map<String, String> demoProperties(String jdbcUrl) {
        Map<String, String> properties = ServiceProcess.baseProperties(jdbcUrl);
        properties.remove("sync.secret-key");
        properties.remove("sync.security.bootstrap-token");
        properties.put("sync.demo.enabled", "true");
        properties.put("sync.demo.port", "0");
        return properties;
    }

    private static final Pattern DEMO_TOKEN = Pattern.compile("Demo admin API token.*\\R\\s*(mps_[A-Za-z0-9_-]{43})\\s");

    /** The admin token the demo printed at its first start: what a user copies from the log. */
    private static String demoToken(ServiceProcess service) throws Exception {
        String[] token = new String[1];
        // Printed once the service is ready, which the readiness probe may report a moment earlier.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Matcher m = DEMO_TOKEN.matcher(service.log());
            return m.find() && (token[0] = m.group(1)) != null;
        });
        return token[0];
    }

    @Test
    void shouldServeTheDemoSourceImportItAndNotDuplicateItOnRestart() throws Exception {
        String jdbcUrl = TestPostgres.get().createExtraDatabase("demo");
        long demoId;
        String token;
        try (ServiceProcess service = ServiceProcess.start("demo-a", List.of(), demoProperties(jdbcUrl))) {
            token = demoToken(service);
            assertThat(service.api().anonymous().get("/api/data-sources").status()).isEqualTo(401);
            ApiClient api = service.api().withToken(token);
            assertThat(api.get("/api/me").json().get("role").asText()).isEqualTo("admin");
            JsonNode sources = api.get("/api/data-sources").json();
            assertThat(sources.findValuesAsText("name")).containsExactly("demo");
            demoId = sources.get(0).get("id").asLong();

            await().atMost(Duration.ofMinutes(2)).until(() ->
                    "completed".equals(api.get("/api/data-sources/" + demoId).json().get("syncStatus").asText()));
            JsonNode tables = api.get("/api/data-sources/" + demoId + "/tables").json();
            assertThat(tables.findValuesAsText("collection")).containsExactlyInAnyOrder("customers", "events", "orders", "products");
            JsonNode history = api.get("/api/data-sources/" + demoId + "/history").json().get("items");
            long customers = 0;
            for (JsonNode row : history) {
                assertThat(row.get("recordsFailed").asLong()).isZero();
                if (row.get("collectionName").asText().equals("customers")) {
                    customers = row.get("recordsSynced").asLong();
                    assertThat(row.get("syncMetadata").get("typeConflicts").findValuesAsText("field")).contains("loyaltyPoints");
                }
            }
            assertThat(customers).isEqualTo(2000);

            ApiClient.Response dashboard = api.anonymous().get("/");
            assertThat(dashboard.status()).isEqualTo(200);
            assertThat(dashboard.body()).contains("mongo-pg-sync");
            assertThat(service.log()).contains("development key").contains("/api/data-sources");
        }
        try (ServiceProcess again = ServiceProcess.start("demo-b", List.of(), demoProperties(jdbcUrl))) {
            JsonNode sources = again.api().withToken(token).get("/api/data-sources").json();
            assertThat(sources).hasSize(1);
            assertThat(sources.get(0).get("id").asLong()).isEqualTo(demoId);
            // The first start's token still works, and no second token is made or printed.
            assertThat(again.log()).doesNotContain("Demo admin API token").doesNotContain(token);
        }
    }

    @Test
    void shouldRefuseToStartWithoutAKeyOutsideTheDemo() throws Exception {
        Map<String, String> properties = ServiceProcess.baseProperties(TestPostgres.get().jdbcUrl());
        properties.remove("sync.secret-key");
        properties.put("sync.demo.enabled", "false");

        ServiceProcess.Exit exit = ServiceProcess.runToExit("no-key", properties, Duration.ofMinutes(2));

        assertThat(exit.code()).isNotZero();
        assertThat(exit.output()).contains("SYNC_SECRET_KEY is not set");
    }
}
