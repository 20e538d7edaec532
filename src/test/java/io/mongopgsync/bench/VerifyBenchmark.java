package io.mongopgsync.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import io.mongopgsync.SyncApplication;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestEnvironment;
import io.mongopgsync.support.TestMongo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;

/**
 * Full-verification throughput against a full sync's, on the generated ~1 KB documents of
 * {@link FullSyncBenchmark}. Not part of the test suite: run with
 * {@code ./mvnw -B verify -Pbenchmark -Dit.test=VerifyBenchmark} ({@code -Dbench.documents=N},
 * {@code -Dbench.runs=R}). It prints figures and checks only that the verification found no drift.
 */
@SpringBootTest(classes = SyncApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TestEnvironment.class)
class VerifyBenchmark {

    static final int DOCUMENTS = Integer.getInteger("bench.documents", 100_000);
    static final int RUNS = Integer.getInteger("bench.runs", 3);

    @LocalServerPort
    int port;

    @Test
    void fullVerifyDocumentsPerSecond() {
        SyncClient sync = new SyncClient(new ApiClient(port));
        String database = "bench_verify_" + UUID.randomUUID().toString().substring(0, 8);
        MongoDatabase db = TestMongo.get().client().getDatabase(database);
        FullSyncBenchmark.generate(db.getCollection("people"), DOCUMENTS);
        long source = sync.createSource("bench-verify", TestMongo.get().uri(database), database, Map.of());
        sync.syncAndWait(source, "full"); // warm-up: JIT, connections, the table to verify
        verify(sync, source);
        List<Double> syncRates = new ArrayList<>();
        List<Double> verifyRates = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            long started = System.nanoTime();
            JsonNode status = sync.syncAndWait(source, "full");
            assertThat(status.get("syncStatus").asText()).isEqualTo("completed");
            syncRates.add((double) Math.round(DOCUMENTS / ((System.nanoTime() - started) / 1e9)));
            verifyRates.add(verify(sync, source));
        }
        double s = median(syncRates);
        double v = median(verifyRates);
        System.out.printf("%nfull sync and full verification of %,d documents (~1 KB), median of %d runs%n",
                DOCUMENTS, RUNS);
        System.out.printf("  full sync:         %,10.0f docs/s  %s%n", s, syncRates);
        System.out.printf("  full verification: %,10.0f docs/s  %s  (%.1f %% of the sync's)%n", v, verifyRates,
                100 * v / s);
        System.out.println();
    }

    /** One full verification through the API; its documents per second, from the request to the job's end. */
    private static double verify(SyncClient sync, long source) {
        long started = System.nanoTime();
        ApiClient.Response queued = sync.api().post("/api/data-sources/" + source + "/verify",
                ApiClient.json(Map.of("mode", "full")));
        assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
        String path = "/api/data-sources/" + source + "/verify/" + queued.json().get("jobId").asLong();
        JsonNode[] result = new JsonNode[1];
        await().atMost(Duration.ofMinutes(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            result[0] = sync.api().get(path).json();
            return !Set.of("queued", "running").contains(result[0].get("status").asText());
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(result[0].get("drift").asBoolean()).as(result[0].toString()).isFalse();
        JsonNode report = result[0].get("collections").get(0).get("report");
        assertThat(report.get("matching").asLong()).isEqualTo(DOCUMENTS);
        return Math.round(DOCUMENTS / seconds);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
