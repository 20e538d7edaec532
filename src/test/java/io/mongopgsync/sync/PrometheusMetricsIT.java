package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.support.AlertRuleMetrics;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** /actuator/prometheus after a sync, as Prometheus scrapes it: the per-source meters, tagged with the source. */
@ServiceIT
class PrometheusMetricsIT {

    @LocalServerPort
    int port;

    @Autowired
    SyncMetrics metrics;

    ApiClient api;
    SyncClient sync;
    String database;
    String name;
    long id;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        sync = new SyncClient(api);
        database = "prom_" + UUID.randomUUID().toString().substring(0, 8);
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            docs.add(new Document("_id", i).append("total", i));
        }
        docs.add(new Document("_id", "x".repeat(5000)).append("total", -1)); // too long a key: rejected
        TestMongo.get().client().getDatabase(database).getCollection("orders").insertMany(docs);
        id = sync.createSource("prom", TestMongo.get().uri(database), database, Map.of());
        name = api.get("/api/data-sources/" + id).json().get("name").asText();
    }

    private String scrape() {
        ApiClient.Response response = api.get("/actuator/prometheus");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/plain");
        return response.body();
    }

    /** The value of the sample of {@code metric} whose labels include all of {@code labels}, if there is one. */
    static Optional<Double> sample(String scrape, String metric, Map<String, String> labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(scrape);
        while (m.find()) {
            String found = m.group(1);
            if (labels.entrySet().stream().allMatch(l -> found.contains(l.getKey() + "=\"" + l.getValue() + "\""))) {
                return Optional.of(Double.parseDouble(m.group(2)));
            }
        }
        return Optional.empty();
    }

    private double value(String scrape, String metric, Map<String, String> labels) {
        return sample(scrape, metric, labels).orElseThrow(() -> new AssertionError("no sample " + metric + labels
                + " in the scrape:\n" + scrape.lines().filter(l -> l.startsWith("mongo_pg_sync")).toList()));
    }

    @Test
    void shouldShowThePerSourceMetersAfterASync() {
        double before = Instant.now().getEpochSecond();
        assertThat(sync.syncAndWait(id, "full").get("syncStatus").asText()).isEqualTo("completed");
        metrics.refresh(); // what the metrics-refresh route does every sync.metrics.refresh-interval

        String scrape = scrape();
        Map<String, String> source = Map.of("source", name);
        assertThat(value(scrape, "mongo_pg_sync_sync_duration_seconds_count", Map.of("source", name,
                "status", "completed"))).isEqualTo(1.0);
        assertThat(value(scrape, "mongo_pg_sync_sync_duration_seconds_sum", Map.of("source", name,
                "status", "completed"))).isPositive();
        assertThat(value(scrape, "mongo_pg_sync_documents_synced_total", Map.of("source", name,
                "collection", "orders", "mode", "full"))).isEqualTo(20.0);
        assertThat(value(scrape, "mongo_pg_sync_documents_rejected_total", Map.of("source", name,
                "collection", "orders"))).isEqualTo(1.0);
        assertThat(value(scrape, "mongo_pg_sync_sync_running", source)).isZero();
        assertThat(value(scrape, "mongo_pg_sync_last_success_timestamp_seconds", source))
                .isBetween(before - 1, Instant.now().getEpochSecond() + 1.0);
        assertThat(value(scrape, "mongo_pg_sync_target_size_bytes", source)).isGreaterThan(8192.0);
        assertThat(value(scrape, "mongo_pg_sync_target_schema_size_bytes", Map.of("schema", "dra_mongodb")))
                .isGreaterThanOrEqualTo(value(scrape, "mongo_pg_sync_target_size_bytes", source));
        assertThat(sample(scrape, "mongo_pg_sync_stream_lag_seconds", source)).isEmpty();
    }

    @Test
    void shouldShowStreamLagOnlyWhileAStreamReportsIt() {
        metrics.streamLag(name, Duration.ofMillis(2500));
        assertThat(value(scrape(), "mongo_pg_sync_stream_lag_seconds", Map.of("source", name))).isEqualTo(2.5);

        metrics.streamStopped(name);
        assertThat(sample(scrape(), "mongo_pg_sync_stream_lag_seconds", Map.of("source", name))).isEmpty();
    }

    @Test
    void shouldExportEveryMetricTheAlertRulesUse() throws Exception {
        sync.syncAndWait(id, "full");
        metrics.refresh();
        String scrape = scrape();
        Set<String> used = AlertRuleMetrics.names(Files.readString(Path.of("k8s", "prometheus-rules.yaml")));

        assertThat(used).isNotEmpty();
        for (String metric : used) {
            assertThat(Pattern.compile("^" + Pattern.quote(metric) + "[{ ]", Pattern.MULTILINE).matcher(scrape).find())
                    .as("metric %s of k8s/prometheus-rules.yaml in /actuator/prometheus", metric).isTrue();
        }
    }
}
