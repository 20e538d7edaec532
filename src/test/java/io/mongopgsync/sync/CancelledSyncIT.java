package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What a cancel leaves, as a user checks it: the job, the stopped collection's history row and the source say
 * cancelled; a collection that completed before the cancel is in its table and counted; the rows of the stopped
 * collection's shadow table are neither in a table nor in the source's total.
 */
@ServiceIT
class CancelledSyncIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    SyncClient sync;
    ApiClient api;
    final TestMongo mongo = TestMongo.get();
    String database;
    MongoDatabase db;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        sync = new SyncClient(api);
        database = "cancel_" + UUID.randomUUID().toString().substring(0, 8);
        db = mongo.client().getDatabase(database);
    }

    private void insert(String collection, int count, int from) {
        TestMongo.insertInBatches(db.getCollection(collection), from, count,
                i -> new Document("_id", i).append("name", "item " + i).append("n", i));
    }

    private long rows(long sourceId, String collection) {
        return jdbc.sql("SELECT count(*) FROM dra_mongodb.\"" + sync.table(sourceId, collection) + "\"")
                .query(Long.class).single();
    }

    @Test
    void shouldEndCancelledKeepingCompletedCollectionsAndCountingOnlyRowsInLiveTables() {
        // one collection at a time, in name order: "accounts" completes before "events" starts
        insert("accounts", 300, 0);
        insert("events", 300, 0);
        long id = sync.createSource("cancel", mongo.uri(database), database, Map.of("batchSize", 100, "parallelism", 1));
        JsonNode first = sync.syncAndWait(id, "full");
        assertThat(first.get("totalRecordsSynced").asLong()).as(first.toString()).isEqualTo(600);
        String lastSyncAt = first.get("lastSyncAt").asText();

        insert("accounts", 200, 1000);
        insert("events", 40_000, 1000);
        long job = sync.trigger(id, "full");
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20)).until(() -> {
            for (JsonNode c : api.get("/api/data-sources/" + id + "/sync-status").json().get("current")) {
                if (c.get("collection").asText().equals("events") && c.get("processed").asLong() > 0) {
                    return true;
                }
            }
            return false;
        });
        ApiClient.Response cancel = api.post("/api/data-sources/" + id + "/sync/cancel", null);
        assertThat(cancel.status()).as(cancel.toString()).isEqualTo(202);
        JsonNode status = sync.awaitIdle(id, Duration.ofMinutes(2));

        assertThat(sync.job(id, job).get("status").asText()).isEqualTo("cancelled");
        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("cancelled");
        assertThat(status.get("syncErrorMessage").asText())
                .contains("cancelled by request").contains("1 of 2 collections had completed").contains("events");
        assertThat(status.get("lastSyncAt").asText()).isEqualTo(lastSyncAt);
        // the completed collection was swapped in; the stopped one keeps the table of the first run
        assertThat(rows(id, "accounts")).isEqualTo(500);
        assertThat(rows(id, "events")).isEqualTo(300);
        assertThat(status.get("totalRecordsSynced").asLong()).as(status.toString()).isEqualTo(600 + 500);

        Map<String, JsonNode> history = sync.historyOfJob(id, job);
        assertThat(history.get("accounts").get("status").asText()).isEqualTo("completed");
        JsonNode events = history.get("events");
        assertThat(events.get("status").asText()).as(events.toString()).isEqualTo("cancelled");
        assertThat(events.get("recordsSynced").asLong()).isPositive();
        assertThat(events.get("errorMessage").asText()).contains("Cancelled by request").contains("discarded");
        JsonNode cancelled = api.get("/api/data-sources/" + id + "/history?status=cancelled").json();
        assertThat(cancelled.get("total").asLong()).as(cancelled.toString()).isEqualTo(1);
        assertThat(cancelled.get("items").get(0).get("collectionName").asText()).isEqualTo("events");

        // the next run that ends sets the status again
        assertThat(sync.syncAndWait(id, "full").get("syncStatus").asText()).isEqualTo("completed");
        assertThat(rows(id, "events")).isEqualTo(40_300);
    }
}
