package io.mongopgsync.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.SyncApplication;
import io.mongopgsync.support.TestEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A broken file in the routes folder stops start-up with a message naming the file, the line and the problem. */
class BrokenRouteFilesIT {

    @TempDir
    Path routes;

    private String startupFailure(String fileName, String content) throws IOException {
        Files.writeString(routes.resolve(fileName), content);
        Map<String, Object> properties = new HashMap<>(TestEnvironment.properties());
        properties.put("sync.routes-dir", routes.toString());
        properties.put("server.port", "0");
        properties.put("sync.jobs.enabled", "false");
        properties.put("spring.datasource.hikari.maximum-pool-size", "2");
        // as command-line arguments: they win over application.yaml, as the environment does in production
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SyncApplication.class).run(args)) {
            throw new AssertionError("the service started with a broken " + fileName);
        } catch (RuntimeException e) {
            StringBuilder messages = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                messages.append(t.getMessage()).append('\n');
            }
            return messages.toString();
        }
    }

    @Test
    void shouldRefuseARouteFileThatIsNotYaml() throws IOException {
        String failure = startupFailure("team.camel.yaml", """
                - route:
                    id: team
                    from:
                      uri: direct:team
                      steps: [ { log: "x" }
                """);
        assertThat(failure).contains(routes.resolve("team.camel.yaml") + " line ").contains("not valid YAML");
    }

    @Test
    void shouldRefuseARouteWithAnUnknownStep() throws IOException {
        String failure = startupFailure("team.camel.yaml", """
                - route:
                    id: team
                    from:
                      uri: direct:team
                      steps:
                        - frobnicate: { x: 1 }
                """);
        assertThat(failure).contains("team.camel.yaml").contains("frobnicate");
    }

    @Test
    void shouldRefuseAnUnknownTransform() throws IOException {
        String failure = startupFailure("shop.sync.yaml", """
                - source: shop
                  collection: orders
                  steps:
                    - hash-it: { field: email }
                """);
        assertThat(failure).contains(routes.resolve("shop.sync.yaml") + " line 4: unknown step 'hash-it'");
    }

    @Test
    void shouldRefuseAnInvalidFilter() throws IOException {
        String failure = startupFailure("shop.sync.yaml", """
                - source: shop
                  collection: orders
                  filter: { $where: "sleep(1000)" }
                """);
        assertThat(failure).contains(routes.resolve("shop.sync.yaml") + " line 3: filter.$where: is not allowed");
    }
}
