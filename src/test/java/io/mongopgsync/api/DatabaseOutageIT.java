package io.mongopgsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mongopgsync.SyncApplication;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.TcpProxy;
import io.mongopgsync.support.TestEnvironment;
import io.mongopgsync.support.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * PostgreSQL goes away under a running service (its own database, reached through a proxy that the test takes
 * down, so the shared PostgreSQL stays up): calls are answered 503 database_unavailable at once, readiness goes
 * DOWN, liveness stays UP, and all is served again once it is back.
 */
class DatabaseOutageIT {

    private static ConfigurableApplicationContext start(String jdbcUrl) {
        Map<String, Object> properties = new HashMap<>(TestEnvironment.properties());
        properties.put("spring.datasource.url", jdbcUrl);
        properties.put("spring.datasource.hikari.maximum-pool-size", "3");
        properties.put("spring.datasource.hikari.minimum-idle", "1");
        properties.put("server.port", "0");
        // its own Quartz scheduler name: the JVM-wide connection provider of the shared test context stays its own
        properties.put("spring.quartz.properties.org.quartz.scheduler.instanceName", "mongo-pg-sync-outage");
        properties.put("sync.api.database-probe-interval", "500ms");
        List<String> args = new ArrayList<>();
        properties.forEach((k, v) -> args.add("--" + k + "=" + v));
        return new SpringApplicationBuilder(SyncApplication.class).run(args.toArray(String[]::new));
    }

    @Test
    void shouldAnswer503AtOnceAndGoUnreadyWhilePostgresIsGone() throws Exception {
        String direct = TestPostgres.get().createExtraDatabase("outage");
        java.net.URI server = java.net.URI.create(direct.substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(server.getHost(), server.getPort());
             ConfigurableApplicationContext service = start(direct.replace(server.getHost() + ":" + server.getPort(),
                     "127.0.0.1:" + proxy.port()))) {
            ApiClient api = new ApiClient(Integer.parseInt(service.getEnvironment().getProperty("local.server.port")));
            assertThat(api.get("/api/data-sources").status()).isEqualTo(200);
            assertThat(api.anonymous().get("/actuator/health/readiness").status()).isEqualTo(200);

            proxy.goDown();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> api.anonymous().get("/actuator/health/readiness").status() == 503);
            assertThat(api.anonymous().get("/actuator/health/liveness").status()).isEqualTo(200);
            for (String path : new String[] {"/api/data-sources", "/api/data-sources/1/sync-status", "/api/metrics"}) {
                long start = System.nanoTime();
                ApiClient.Response response = api.get(path);
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(response.status()).as(response.toString()).isEqualTo(503);
                assertThat(response.json().get("error").asText()).isEqualTo("database_unavailable");
                assertThat(response.json().get("message").asText()).contains("PostgreSQL");
                // the pool would wait its 10 s connection timeout; this answer must not
                assertThat(millis).as("%s answered after %d ms", path, millis).isLessThan(3000);
            }
            ApiClient.Response create = api.post("/api/data-sources", ApiClient.json(Map.of("name", "while-down",
                    "connectionString", "mongodb://127.0.0.1:1/x")));
            assertThat(create.status()).isEqualTo(503);

            proxy.restore();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> api.anonymous().get("/actuator/health/readiness").status() == 200);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> api.get("/api/data-sources").status() == 200);
            assertThat(api.get("/api/data-sources").json()).isEmpty();
        }
    }
}
