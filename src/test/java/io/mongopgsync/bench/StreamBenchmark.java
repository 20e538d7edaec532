package io.mongopgsync.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoCollection;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.mongopgsync.SyncApplication;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestEnvironment;
import io.mongopgsync.support.TestMongo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.ContextConfiguration;

/**
 * Change-stream throughput and lag while a writer inserts at a fixed rate. Not part of the test suite: run with
 * {@code ./mvnw -B verify -Pbenchmark -Dit.test=StreamBenchmark} ({@code -Dbench.rate=N} documents per second,
 * {@code -Dbench.seconds=S}). Lag of a row: {@code _imported_at} (start of the transaction that wrote it) minus
 * the time the writer inserted it (kept in the document). It checks only that every document arrived.
 */
@SpringBootTest(classes = SyncApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TestEnvironment.class)
class StreamBenchmark {

    static final int RATE = Integer.getInteger("bench.rate", 2000);
    static final int SECONDS = Integer.getInteger("bench.seconds", 30);

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    @Test
    void sustainedEventsPerSecondAndLag() throws Exception {
        SyncClient sync = new SyncClient(new ApiClient(port));
        String database = "bench_stream_" + UUID.randomUUID().toString().substring(0, 8);
        MongoCollection<Document> events = TestMongo.get().client().getDatabase(database).getCollection("events");
        events.insertOne(new Document("_id", -1).append("writtenAt", System.currentTimeMillis()));
        long source = sync.createSource("bench-stream", TestMongo.get().uri(database), database,
                Map.of("realtime", true));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() -> "streaming".equals(
                sync.api().get("/api/data-sources/" + source + "/stream").json().get("state").asText()));
        String table = sync.table(source, "events");

        int total = RATE * SECONDS;
        int perTick = Math.max(1, RATE / 100);
        long start = System.nanoTime();
        int written = 0;
        int behind = 0;
        for (int tick = 0; written < total; tick++) {
            long due = start + tick * 10_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } else if (wait < -50_000_000L) {
                behind++;
            }
            List<Document> docs = new ArrayList<>(perTick);
            long now = System.currentTimeMillis();
            for (int i = 0; i < perTick && written < total; i++, written++) {
                docs.add(new Document("_id", written).append("writtenAt", now).append("kind", "k" + (written % 10))
                        .append("payload", "x".repeat(200)));
            }
            events.insertMany(docs);
        }
        double writeSeconds = (System.nanoTime() - start) / 1e9;
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100)).until(() -> jdbc.sql(
                "SELECT count(*) FROM dra_mongodb.\"" + table + "\" WHERE _id <> '-1'").query(Long.class).single() == total);
        double allSeconds = (System.nanoTime() - start) / 1e9;

        var lag = jdbc.sql("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY l), percentile_cont(0.99) WITHIN GROUP "
                        + "(ORDER BY l), max(l) FROM (SELECT extract(epoch FROM _imported_at) * 1000 "
                        + "- (_source_document ->> 'writtenAt')::bigint AS l FROM dra_mongodb.\"" + table
                        + "\" WHERE _id <> '-1') x")
                .query((rs, n) -> new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3)}).single();
        long applied = sync.api().get("/api/data-sources/" + source + "/stream").json().get("eventsApplied").asLong();
        assertThat(applied).isGreaterThanOrEqualTo(total);
        System.out.printf("%nchange stream, writer at %,d inserts/s for %d s (%,d documents of ~300 bytes; writer "
                + "achieved %,.0f/s, %d ticks late)%n", RATE, SECONDS, total, total / writeSeconds, behind);
        System.out.printf("  sustained applied:  %,10.0f events/s (all applied %.1f s after the first write)%n",
                total / allSeconds, allSeconds);
        System.out.printf("  lag p50 / p99 / max: %,.0f / %,.0f / %,.0f ms%n", lag[0], lag[1], lag[2]);
        // where the consumer's time went: reading MongoDB's change stream, or preparing and writing the batches
        String name = sync.api().get("/api/data-sources/" + source).json().get("name").asText();
        Timer reads = meters.find("mongo_pg_sync.stream.read").tag("source", name).timer();
        Timer batches = meters.find("mongo_pg_sync.stream.batch").tag("source", name).timer();
        DistributionSummary sizes = meters.find("mongo_pg_sync.stream.batch.events").tag("source", name).summary();
        System.out.printf("  consumer: reading the change stream %.1f s (%,d reads with events, mean %.1f ms); "
                        + "batches %.1f s (%,d batches, mean %.0f events, mean %.1f ms, max %.0f ms)%n%n",
                reads.totalTime(TimeUnit.SECONDS), reads.count(), reads.mean(TimeUnit.MILLISECONDS),
                batches.totalTime(TimeUnit.SECONDS), batches.count(), sizes.mean(), batches.mean(TimeUnit.MILLISECONDS),
                batches.max(TimeUnit.MILLISECONDS));
    }
}
