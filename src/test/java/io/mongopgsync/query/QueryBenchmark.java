package io.mongopgsync.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Indexes;
import io.mongopgsync.mapping.ColumnType;
import io.mongopgsync.mapping.ExtendedJson;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Prints how fast pipelines are answered from the imported table compared with the same pipeline on MongoDB, and
 * how long translation takes. Not part of the build: {@code ./mvnw -Pbenchmark test -Dbenchmark.documents=1000000}.
 */
@ServiceIT
class QueryBenchmark {

    private static final String[] STATUSES = {"placed", "paid", "shipped", "delivered", "returned"};
    private static final int RUNS = 5;

    @LocalServerPort
    int port;

    @Test
    void shouldPrintQueryTimesForPostgresAndMongoDb() {
        int n = Integer.getInteger("benchmark.documents", 1_000_000);
        SyncClient sync = new SyncClient(new ApiClient(port));
        String name = "bench_" + UUID.randomUUID().toString().substring(0, 8);
        MongoDatabase db = TestMongo.get().client().getDatabase(name);
        long t0 = System.nanoTime();
        List<Document> batch = new ArrayList<>();
        Instant epoch = Instant.parse("2024-01-01T00:00:00Z");
        int customers = Math.max(10, n / 100);
        for (int i = 0; i < n; i++) {
            batch.add(new Document("_id", (long) i).append("customerId", (int) ((i * 7919L) % customers))
                    .append("status", STATUSES[i % STATUSES.length]).append("amount", (i % 10_000) / 100.0)
                    .append("qty", i % 1000).append("createdAt", Date.from(epoch.plusSeconds(i))));
            if (batch.size() == 10_000) {
                db.getCollection("orders").insertMany(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            db.getCollection("orders").insertMany(batch);
        }
        db.getCollection("orders").createIndex(Indexes.ascending("customerId"));
        db.getCollection("orders").createIndex(Indexes.ascending("qty"));
        double generated = seconds(t0);
        long source = sync.createSource("bench", TestMongo.get().uri(name), name, Map.of("batchSize", 10_000));
        long t1 = System.nanoTime();
        sync.trigger(source, "full");
        sync.awaitIdle(source, Duration.ofHours(1));
        double imported = seconds(t1);
        JsonNode status = sync.api().get("/api/data-sources/" + source + "/sync-status").json();
        assertThat(status.get("history").get(0).get("recordsSynced").asLong()).as(status.toString()).isEqualTo(n);

        System.out.printf("%nQuery benchmark: %,d documents on %s; generated in %.1f s, imported in %.1f s%n", n,
                TestMongo.get().origin(), generated, imported);
        Map<String, String> pipelines = new java.util.LinkedHashMap<>();
        pipelines.put("selective $match + $group", "[{$match: {customerId: 42}}, {$group: {_id: '$status', n: {$sum: 1}, total: {$sum: '$amount'}}}]");
        pipelines.put("$sort + $limit", "[{$sort: {qty: -1}}, {$limit: 10}]");
        StringBuilder ids = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            ids.append(i == 0 ? "" : ", ").append((long) i * (n / 100));
        }
        pipelines.put("$match _id $in (100) + $group", "[{$match: {_id: {$in: [" + ids + "]}}}, {$group: {_id: '$status', "
                + "n: {$sum: 1}, total: {$sum: '$amount'}}}]");
        pipelines.put("$group over every document", "[{$group: {_id: '$status', n: {$sum: 1}, avg: {$avg: '$amount'}}}]");
        System.out.printf("%-32s %14s %14s%n", "pipeline (median of " + RUNS + ")", "PostgreSQL ms", "MongoDB ms");
        for (Map.Entry<String, String> p : pipelines.entrySet()) {
            List<BsonDocument> stages = BsonArray.parse(p.getValue()).stream().map(BsonValue::asDocument).toList();
            String body = "{\"collection\": \"orders\", \"pipeline\": [" + String.join(", ",
                    stages.stream().map(s -> s.toJson(ExtendedJson.RELAXED)).toList()) + "]}";
            double[] pg = new double[RUNS];
            double[] mongo = new double[RUNS];
            for (int r = -1; r < RUNS; r++) {
                long s = System.nanoTime();
                ApiClient.Response answer = sync.api().post("/api/data-sources/" + source + "/query", body);
                double pgMs = (System.nanoTime() - s) / 1e6;
                assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
                assertThat(answer.json().get("source").asText()).isEqualTo("postgres");
                s = System.nanoTime();
                db.getCollection("orders", BsonDocument.class).aggregate(stages).into(new ArrayList<>());
                double mongoMs = (System.nanoTime() - s) / 1e6;
                if (r >= 0) {
                    pg[r] = pgMs;
                    mongo[r] = mongoMs;
                }
            }
            System.out.printf("%-32s %14.1f %14.1f%n", p.getKey(), median(pg), median(mongo));
        }
        printTranslationTime();
    }

    private static void printTranslationTime() {
        ImportedCollection table = ImportedCollection.of("orders", "dra_mongodb", "orders", List.of(
                new TableSchema.Column("status", "status", ColumnType.TEXT, Set.of("string")),
                new TableSchema.Column("qty", "qty", ColumnType.INTEGER, Set.of("int"))));
        List<BsonArray> corpus = PipelineCorpus.all().stream().map(c -> BsonArray.parse(c.pipeline())).toList();
        PipelineTranslator.Collections lookups = c -> Optional.of(table);
        for (int warm = 0; warm < 50; warm++) {
            corpus.forEach(p -> PipelineTranslator.translate(table, p, lookups, 10_000));
        }
        int rounds = 200;
        long s = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            corpus.forEach(p -> PipelineTranslator.translate(table, p, lookups, 10_000));
        }
        double micros = (System.nanoTime() - s) / 1e3 / rounds / corpus.size();
        System.out.printf("translation: %.1f µs per pipeline (mean over the %d corpus pipelines, %d rounds)%n%n", micros,
                corpus.size(), rounds);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
