package io.mongopgsync.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What only a real MongoDB (replica set) can show: update and replace events (the embedded server sends update
 * events without the document's key and replaces as updates), and the snapshot handoff under concurrent writes
 * with every kind of change. Skipped, with the reason, on the embedded server.
 */
@ServiceIT
class ChangeStreamRealMongoIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    SyncClient sync;
    MongoDatabase db;
    String database;

    @BeforeEach
    void setUp() {
        TestMongo.get().assumeRealMongo("update and replace events with documentKey and the looked-up document");
        sync = new SyncClient(new ApiClient(port));
        database = "stream_real_" + UUID.randomUUID().toString().substring(0, 8);
        db = TestMongo.get().client().getDatabase(database);
    }

    @Test
    void shouldApplyUpdatesAndReplaces() {
        MongoCollection<Document> orders = db.getCollection("orders");
        orders.insertOne(new Document("_id", 1).append("qty", 1));
        long source = sync.createSource("real", TestMongo.get().uri(database), database, Map.of("realtime", true));
        awaitRows(source, "orders", 1);

        orders.updateOne(Filters.eq("_id", 1), Updates.set("qty", 5));
        orders.replaceOne(Filters.eq("_id", 1), new Document("_id", 1).append("sku", "replaced"));
        await().atMost(Duration.ofSeconds(5)).until(() -> document(source, "orders", "1").contains("replaced"));

        assertThat(document(source, "orders", "1")).doesNotContain("qty");
    }

    @Test
    void shouldHandOverFromTheSnapshotWithoutGapsUnderConcurrentWrites() throws Exception {
        MongoCollection<Document> items = db.getCollection("items");
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            docs.add(new Document("_id", i).append("n", 0));
        }
        items.insertMany(docs);
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            int i = 0;
            while (writing.get()) {
                items.updateOne(Filters.eq("_id", i % 20_000), Updates.inc("n", 1));
                items.insertOne(new Document("_id", 100_000 + i));
                items.deleteOne(Filters.eq("_id", (i * 7) % 20_000));
                i++;
            }
        });
        writer.start();
        long source = sync.createSource("real", TestMongo.get().uri(database), database, Map.of("realtime", true));
        Thread.sleep(5000);
        writing.set(false);
        writer.join();

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() ->
                jdbc.sql("SELECT count(*) FROM dra_mongodb.\"" + sync.table(source, "items") + "\"").query(Long.class)
                        .single() == items.countDocuments());
        for (Document d : items.find()) {
            assertThat(document(source, "items", String.valueOf(d.get("_id")))).contains("\"n\": " + d.get("n", 0));
        }
    }

    private void awaitRows(long source, String collection, long n) {
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try {
                return jdbc.sql("SELECT count(*) FROM dra_mongodb.\"" + sync.table(source, collection) + "\"")
                        .query(Long.class).single() == n;
            } catch (AssertionError notYet) {
                return false;
            }
        });
    }

    private String document(long source, String collection, String id) {
        return jdbc.sql("SELECT _source_document::text FROM dra_mongodb.\"" + sync.table(source, collection)
                + "\" WHERE _id = :id").param("id", id).query(String.class).optional().orElse("");
    }
}
