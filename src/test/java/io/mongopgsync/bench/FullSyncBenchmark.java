package io.mongopgsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.mongopgsync.SyncApplication;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceProcess;
import io.mongopgsync.support.TestPostgres;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestEnvironment;
import io.mongopgsync.support.TestMongo;
import java.nio.file.Files;
import java.nio.file.Path;
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

    static final int DOCUMENTS = Integer.getInteger("bench.documents", 200_000);
    static final int RUNS = Integer.getInteger("bench.runs", 3);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("sync.routes-dir", () -> "src/test/resources/bench-routes");
        registry.add("BENCH_HASH_KEY", () -> "benchmark-hash-key-of-enough-length");
    }

    @LocalServerPort
    int port;

    /**
     * One run, in a service process with {@code -Xmx256m} (the README's figure): raw driver scan, our full sync, a
     * raw COPY plus primary key of the rows it produced, a row-by-row upsert loop on a sample, an incremental sync
     * with 1 % changed, the GC share and peak heap of the full sync, and the ratios.
     */
    /**
     * The source's parallelism (-Dbench.parallelism, default 1): one stream and one COPY, like the raw COPY it is
     * compared with. Above 1, a collection of 200,000 documents or more is read in _id ranges by parallel streams into
     * parallel COPYs (the embedded server finds the bounds and answers each range by scanning the whole collection).
     */
    private static final int PARALLELISM = Integer.getInteger("bench.parallelism", 1);

    /**
     * Full syncs before the measured one (-Dbench.warmUps, default 2). After one, the JIT still compiled the
     * service's hot code during the measured sync (about 0.65 s of CPU on its compiler threads in a 2.6 s sync of
     * 100,000 documents), on the cores PostgreSQL needed.
     */
    /** The source's batchSize (-Dbench.batchSize, default 1000, the service's default). */
    private static final int BATCH_SIZE = Integer.getInteger("bench.batchSize", 1000);

    private static final int WARM_UPS = Math.max(1, Integer.getInteger("bench.warmUps", 2));

    @Test
    void fullSyncAgainstItsLimits() throws Exception {
        int n = DOCUMENTS;
        String database = "limits_" + UUID.randomUUID().toString().substring(0, 8);
        MongoCollection<Document> people = TestMongo.get().client().getDatabase(database).getCollection("people");

        String jdbcUrl = TestPostgres.get().createExtraDatabase("limits");
        Path gcLog = Files.createTempFile("bench-gc", ".log");
        Map<String, String> properties = ServiceProcess.baseProperties(jdbcUrl);
        if (System.getProperty("bench.batchBytes") != null) {
            // the batch and COPY chunk budget of the service (sync.memory.batch-bytes, 8MB by default)
            properties.put("sync.memory.batch-bytes", System.getProperty("bench.batchBytes"));
        }
        try (ServiceProcess service = ServiceProcess.start("limits", List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-Xlog:gc:file=" + gcLog + ":uptime"), properties, Duration.ofMinutes(15))) {
            generate(people, n);
            settle();
            long scanStart = System.nanoTime();
            long scanned = 0;
            for (org.bson.RawBsonDocument ignored : TestMongo.get().client().getDatabase(database)
                    .getCollection("people", org.bson.RawBsonDocument.class).find().batchSize(1000)) {
                scanned++;
            }
            double scanSeconds = (System.nanoTime() - scanStart) / 1e9;
            assertThat(scanned).isEqualTo(n);

            SyncClient sync = new SyncClient(service.api());
            long source = sync.createSource("limits", TestMongo.get().uri(database), database,
                    Map.of("initialSync", false, "incremental", true, "lastSyncField", "updatedAt",
                            "parallelism", PARALLELISM, "batchSize", BATCH_SIZE));
            // JIT, connections, first table: the measured sync is the service's steady state
            List<String> warmUps = new java.util.ArrayList<>();
            for (int i = 0; i < WARM_UPS; i++) {
                warmUps.add(String.format("%.1f s", timedSync(sync, source, "full", n)));
            }
            double from = SyncLimits.uptime(gcLog);
            double full = timedSync(sync, source, "full", n);
            double to = SyncLimits.uptime(gcLog) + 0.001;
            SyncLimits.Gc gc = SyncLimits.gc(gcLog, from, to);
            assertThat(service.isAlive()).as(service.logTail()).isTrue();

            String table = "dra_mongodb.\"" + sync.table(source, "people") + "\"";
            String user = TestPostgres.get().user();
            String password = TestPostgres.get().password();
            SyncLimits.Export export = SyncLimits.export(jdbcUrl, user, password, table);
            settle();
            double rawCopy = SyncLimits.rawCopyWithPrimaryKey(jdbcUrl, user, password, export);
            int sample = Math.min(n, Integer.getInteger("bench.rowByRowSample", 10_000));
            double perRow = SyncLimits.rowByRowSecondsPerRow(jdbcUrl, user, password, export, sample);
            long copyBytes = Files.size(export.file());
            Files.delete(export.file());

            int changed = Math.max(1, n / 100);
            Date now = new Date();
            for (int i = 0; i < changed; i++) {
                people.updateOne(new Document("_id", i * 100), new Document("$set",
                        new Document("updatedAt", now).append("name", "Changed " + i)));
            }
            double incremental = timedSync(sync, source, "incremental", changed);

            double fullRate = n / full;
            double copyRate = n / rawCopy;
            double rowRate = 1 / perRow;
            System.out.printf("%n%,d documents (~1 KB BSON, %,d bytes of COPY text), service at -Xmx256m, %d cores, "
                    + "parallelism %d%n", n, copyBytes, Runtime.getRuntime().availableProcessors(), PARALLELISM);
            System.out.printf("  raw driver scan (embedded server):   %,10.0f docs/s  (%.1f s)%n", n / scanSeconds,
                    scanSeconds);
            System.out.printf("  raw COPY + primary key of the rows:  %,10.0f docs/s  (%.1f s)%n", copyRate, rawCopy);
            System.out.printf("  our full sync:                       %,10.0f docs/s  (%.1f s; warm-up syncs %s)%n",
                    fullRate, full, String.join(", ", warmUps));
            System.out.printf("  row-by-row upsert loop (%,d rows):  %,10.0f docs/s%n", sample, rowRate);
            System.out.printf("  incremental, 1 %% changed (%,d):     %.1f s = %.1f %% of the full sync%n", changed,
                    incremental, 100 * incremental / full);
            System.out.printf("  full sync GC: %.2f s of pauses = %.1f %% of its time; peak heap %d MB of %d MB%n",
                    gc.pauseSeconds(), 100 * gc.pauseSeconds() / full, gc.peakHeapMb(), gc.maxHeapMb());
            System.out.printf("  ratios: full sync / raw COPY+PK = %.2f;  full sync / row-by-row = %.1f%n%n",
                    fullRate / copyRate, fullRate / rowRate);
        }
    }

    /**
     * Seconds from the job's creation (the trigger) to its end, by the service's own clock: the status is asked once a
     * second, so that neither the asking nor its interval is in the figure. The benchmark's JVM (the embedded
     * MongoDB, holding every generated document) collects its garbage first, not during the sync.
     */
    private static double timedSync(SyncClient sync, long source, String type, long expected) {
        settle();
        long job = sync.trigger(source, type);
        JsonNode status = sync.awaitIdle(source, Duration.ofMinutes(60), Duration.ofSeconds(1));
        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
        assertThat(sync.historyOfJob(source, job).get("people").get("recordsSynced").asLong()).isEqualTo(expected);
        JsonNode done = sync.job(source, job);
        return java.time.Duration.between(java.time.Instant.parse(done.get("createdAt").asText()),
                java.time.Instant.parse(done.get("finishedAt").asText())).toNanos() / 1e9;
    }

    /** A full collection in this JVM now, so that its concurrent collections of a large heap do not run in a measurement. */
    static void settle() {
        System.gc();
    }

    /** The same sync with three field actions, and with action kamelets (-Dbench.transforms=true). */
    @Test
    void fullSyncDocumentsPerSecond() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("bench.transforms"),
                "transforms are compared with -Dbench.transforms=true");
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
                    .append("notes", "x".repeat(400 + random.nextInt(200)))
                    .append("updatedAt", new Date(1_600_000_000_000L + i * 1000L)));
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
