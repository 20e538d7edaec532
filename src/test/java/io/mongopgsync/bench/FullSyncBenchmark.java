package io.mongopgsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.mongopgsync.SyncApplication;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestEnvironment;
import io.mongopgsync.support.TestMongo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Full-sync throughput with and without a team's transforms, on generated ~1 KB documents. Not part of the test
 * suite: run with {@code ./mvnw -B verify -Pbenchmark} ({@code -Dbench.documents=N}, {@code -Dbench.runs=R}).
 * It prints figures and checks only that every document arrived.
 */
@SpringBootTest(classes = SyncApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TestEnvironment.class)
class FullSyncBenchmark {

    static final int DOCUMENTS = Integer.getInteger("bench.documents", 100_000);
    static final int RUNS = Integer.getInteger("bench.runs", 3);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("sync.routes-dir", () -> "src/test/resources/bench-routes");
        registry.add("BENCH_HASH_KEY", () -> "benchmark-hash-key-of-enough-length");
    }

    @LocalServerPort
    int port;

    @Test
    void fullSyncDocumentsPerSecond() {
        SyncClient sync = new SyncClient(new ApiClient(port));
        String database = "bench_" + UUID.randomUUID().toString().substring(0, 8);
        MongoDatabase db = TestMongo.get().client().getDatabase(database);
        generate(db.getCollection("people"), DOCUMENTS);
        String uri = TestMongo.get().uri(database);
        long plain = register(sync, "bench-plain", uri, database);
        long transformed = register(sync, "bench-transforms", uri, database);
        long kamelets = register(sync, "bench-kamelets", uri, database);
        run(sync, plain); // warm-up: JIT, connections, first table
        List<Double> plainRates = new ArrayList<>();
        List<Double> transformedRates = new ArrayList<>();
        List<Double> kameletRates = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            plainRates.add(run(sync, plain));
            transformedRates.add(run(sync, transformed));
            if (!Boolean.getBoolean("bench.skipKamelets")) {
                kameletRates.add(run(sync, kamelets));
            }
        }
        double p = median(plainRates);
        double t = median(transformedRates);
        System.out.printf("%nfull sync of %,d documents (~1 KB), median of %d runs%n", DOCUMENTS, RUNS);
        System.out.printf("  no transforms:    %,10.0f docs/s  %s%n", p, plainRates);
        System.out.printf("  three transforms: %,10.0f docs/s  %s  (%.1f %% of no transforms)%n", t,
                transformedRates, 100 * t / p);
        if (!kameletRates.isEmpty()) {
            double k = median(kameletRates);
            System.out.printf("  same by kamelets: %,10.0f docs/s  %s  (%.1f %% of no transforms; %.1f µs per document "
                    + "more)%n", k, kameletRates, 100 * k / p, 1e6 / k - 1e6 / p);
        }
        System.out.println();
    }

    private static long register(SyncClient sync, String name, String uri, String database) {
        ApiClient.Response created = sync.api().post("/api/data-sources", ApiClient.json(Map.of("name", name,
                "connectionString", uri, "database", database, "syncConfig", Map.of("initialSync", false))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    private static double run(SyncClient sync, long source) {
        long started = System.nanoTime();
        long job = sync.trigger(source, "full");
        JsonNode status = sync.awaitIdle(source, Duration.ofMinutes(30));
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
        long rows = sync.historyOfJob(source, job).get("people").get("recordsSynced").asLong();
        assertThat(rows).isEqualTo(DOCUMENTS);
        return Math.round(rows / seconds);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /** People with nested addresses, arrays, dates, decimals and free text: about 1 KB of BSON each. */
    static void generate(MongoCollection<Document> collection, int n) {
        Random random = new Random(42);
        String[] countries = {"DE", "FR", "US", "JP", "BR", "IN"};
        List<Document> batch = new ArrayList<>(1000);
        for (int i = 0; i < n; i++) {
            batch.add(new Document("_id", i)
                    .append("name", "Person " + i)
                    .append("email", "person" + i + "@example.com")
                    .append("country", countries[i % countries.length])
                    .append("age", 18 + random.nextInt(70))
                    .append("balance", new Decimal128(random.nextInt(1_000_000)).bigDecimalValue().movePointLeft(2))
                    .append("score", random.nextDouble() * 100)
                    .append("active", random.nextBoolean())
                    .append("createdAt", new Date(1_600_000_000_000L + random.nextInt(1_000_000_000)))
                    .append("address", new Document("street", "Street " + random.nextInt(500))
                            .append("city", "City " + random.nextInt(100)).append("zip", String.valueOf(10000 + i % 90000)))
                    .append("tags", List.of("t" + random.nextInt(20), "t" + random.nextInt(20)))
                    .append("orders", List.of(new Document("sku", "S" + random.nextInt(1000)).append("qty", 1 + random.nextInt(5)),
                            new Document("sku", "S" + random.nextInt(1000)).append("qty", 1 + random.nextInt(5))))
                    .append("notes", "x".repeat(400 + random.nextInt(200))));
            if (batch.size() == 1000) {
                collection.insertMany(batch);
                batch = new ArrayList<>(1000);
            }
        }
        if (!batch.isEmpty()) {
            collection.insertMany(batch);
        }
    }
}
