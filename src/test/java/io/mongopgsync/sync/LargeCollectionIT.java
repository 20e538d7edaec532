package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import io.mongopgsync.support.ServiceProcess;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import io.mongopgsync.support.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

/**
 * A 100,000-document collection syncs in a service JVM limited to -Xmx256m: memory stays at a batch, not a
 * collection. Prints the figures.
 */
class LargeCollectionIT {

    static final int DOCUMENTS = 100_000;

    @Test
    void shouldSyncOneHundredThousandDocumentsWithA256MegabyteHeap() throws Exception {
        String database = "large_" + UUID.randomUUID().toString().substring(0, 8);
        MongoCollection<Document> collection = TestMongo.get().client().getDatabase(database).getCollection("events");
        List<Document> batch = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            batch.add(new Document("_id", i)
                    .append("type", i % 3 == 0 ? "click" : "view")
                    .append("user", new Document("id", i % 5000).append("name", "user " + (i % 5000))
                            .append("tags", List.of("t" + (i % 7), "t" + (i % 11))))
                    .append("amount", new Decimal128(i % 1000))
                    .append("score", i % 10 == 0 ? (Object) "n/a" : (Object) (i * 0.5))
                    .append("at", new Date(1_700_000_000_000L + i * 1000L))
                    .append("payload", "x".repeat(120)));
            if (batch.size() == 10_000) {
                collection.insertMany(batch);
                batch.clear();
            }
        }
        String jdbcUrl = TestPostgres.get().createExtraDatabase("large");
        Map<String, String> properties = ServiceProcess.baseProperties(jdbcUrl);
        try (ServiceProcess service = ServiceProcess.start("large", List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"),
                properties)) {
            SyncClient sync = new SyncClient(service.api());
            long id = sync.createSource("large", TestMongo.get().uri(database), database, Map.of("batchSize", 1000));

            Instant start = Instant.now();
            long job = sync.trigger(id, "full");
            JsonNode status = sync.awaitIdle(id, Duration.ofMinutes(5));
            Duration took = Duration.between(start, Instant.now());

            assertThat(service.isAlive()).as(service.logTail()).isTrue();
            assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
            JsonNode row = sync.historyOfJob(id, job).get("events");
            assertThat(row.get("recordsSynced").asLong()).isEqualTo(DOCUMENTS);
            assertThat(row.get("recordsFailed").asLong()).isZero();
            String table = "dra_mongodb.\"" + sync.table(id, "events") + "\"";
            assertThat(TestPostgres.get().queryLong(jdbcUrl, "SELECT count(*) FROM " + table)).isEqualTo(DOCUMENTS);
            assertThat(TestPostgres.get().queryLong(jdbcUrl, "SELECT count(*) FROM " + table + " WHERE score = 'n/a'"))
                    .isEqualTo(DOCUMENTS / 10);
            System.out.printf("[figures] %,d documents synced in %.1f s (%,.0f docs/s) by a service with -Xmx256m%n",
                    DOCUMENTS, took.toMillis() / 1000.0, DOCUMENTS * 1000.0 / Math.max(1, took.toMillis()));
        }
    }
}
