package io.mongopgsync.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import io.mongopgsync.support.ServiceIT;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Live sync on the test run's MongoDB: a source turned realtime gets its snapshot and then its changes, stops and
 * resumes without gaps or duplicates, and a lost position or a dropped collection leads to a recorded gap and a
 * new snapshot. On the embedded server only inserts and deletes are used (its update events are unusable, see
 * docs/architecture.md); {@link ChangeStreamRealMongoIT} covers updates and replaces on a real server.
 */
@ServiceIT
class ChangeStreamIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    /** Its own embedded server when the run has no real MongoDB (see {@link TestMongo#forChangeStreams()}). */
    static TestMongo mongo;

    SyncClient sync;
    MongoDatabase db;
    String database;
    final List<Long> live = new ArrayList<>();

    @BeforeAll
    static void startMongo() {
        mongo = TestMongo.forChangeStreams();
    }

    @AfterAll
    static void stopMongo() {
        mongo.close();
    }

    /** The shared service keeps running: a test's consumers stop with it, so none reads a server that is gone. */
    @AfterEach
    void stopStreams() {
        for (long source : live) {
            turnOff(source);
        }
    }

    @BeforeEach
    void setUp() {
        sync = new SyncClient(new ApiClient(port));
        database = "stream_" + UUID.randomUUID().toString().substring(0, 8);
        db = mongo.client().getDatabase(database);
    }

    long realtimeSource(Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(extra);
        config.put("realtime", true);
        long source = sync.createSource("live", mongo.uri(database), database, config);
        live.add(source);
        return source;
    }

    /** Waits until the source's stream has its snapshot and streams. */
    JsonNode awaitStreaming(long source) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = sync.api().get("/api/data-sources/" + source + "/sync-status").json();
            return last[0].path("stream").path("state").asText().equals("streaming") && last[0].get("job").isNull();
        });
        return last[0].get("stream");
    }

    Set<String> ids(long source, String collection) {
        String table = sync.table(source, collection);
        return new HashSet<>(jdbc.sql("SELECT _id FROM dra_mongodb.\"" + table + "\"").query(String.class).list());
    }

    long rows(long source, String collection) {
        return jdbc.sql("SELECT count(*) FROM dra_mongodb.\"" + sync.table(source, collection) + "\"")
                .query(Long.class).single();
    }

    static Set<String> mongoIds(MongoCollection<Document> c) {
        Set<String> ids = new HashSet<>();
        c.find().forEach(d -> ids.add(String.valueOf(d.get("_id"))));
        return ids;
    }

    static void insert(MongoCollection<Document> c, int from, int to) {
        List<Document> docs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            docs.add(new Document("_id", i).append("name", "item " + i).append("qty", i % 7));
        }
        c.insertMany(docs);
    }

    @Test
    void shouldSnapshotThenApplyInsertsAndDeletesWithinASecond() {
        MongoCollection<Document> orders = db.getCollection("orders");
        insert(orders, 0, 50);
        long source = realtimeSource(Map.of());
        awaitStreaming(source);
        assertThat(ids(source, "orders")).isEqualTo(mongoIds(orders));

        // five rounds of an insert and a delete, each timed from the writes until both are in PostgreSQL; the median
        // must be under a second (one slow round on a busy machine is not the stream's latency)
        String live = "dra_mongodb.\"" + sync.table(source, "orders") + "\"";
        List<Long> rounds = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            String inserted = String.valueOf(1000 + 10 * round);
            String deleted = String.valueOf(3 + round);
            String arrived = "SELECT count(*) FILTER (WHERE _id = '" + inserted + "') - count(*) FILTER (WHERE _id = '"
                    + deleted + "') FROM " + live;
            long written = System.nanoTime();
            orders.insertOne(new Document("_id", 1000 + 10 * round).append("name", "live").append("qty", 1));
            orders.deleteOne(Filters.eq("_id", 3 + round));
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> jdbc.sql(arrived).query(Long.class).single() == 1);
            rounds.add((System.nanoTime() - written) / 1_000_000);
        }
        List<Long> sorted = rounds.stream().sorted().toList();
        System.out.printf("[figures] an insert and a delete were in PostgreSQL after %s ms (median %d ms)%n",
                rounds, sorted.get(2));
        assertThat(sorted.get(2)).as("median milliseconds from the writes to the rows, of %s", rounds).isLessThan(1000);
        // a new field widens the table as in the batch syncs (a schema change of its own first: not timed)
        orders.insertOne(new Document("_id", 1001).append("name", "live").append("note", "a new field"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> ids(source, "orders").contains("1001"));

        assertThat(ids(source, "orders")).isEqualTo(mongoIds(orders));
        String table = sync.table(source, "orders");
        assertThat(jdbc.sql("SELECT note FROM dra_mongodb.\"" + table + "\" WHERE _id = '1001'").query(String.class)
                .single()).isEqualTo("a new field");
        JsonNode stream = sync.api().get("/api/data-sources/" + source + "/sync-status").json().get("stream");
        assertThat(stream.get("eventsApplied").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(stream.has("lagMs")).isTrue();
        // the consumer's reads and batches are measured per source
        String name = sync.api().get("/api/data-sources/" + source).json().get("name").asText();
        String scrape = sync.api().get("/actuator/prometheus").body();
        for (String meter : List.of("mongo_pg_sync_stream_read_seconds_count", "mongo_pg_sync_stream_batch_seconds_count",
                "mongo_pg_sync_stream_batch_events_sum")) {
            assertThat(java.util.regex.Pattern.compile("^" + meter + "\\{[^}]*source=\"" + name + "\"[^}]*} ([0-9.E]+)$",
                    java.util.regex.Pattern.MULTILINE).matcher(scrape).results()
                    .mapToDouble(m -> Double.parseDouble(m.group(1))).sum())
                    .as("%s of source %s", meter, name).isGreaterThanOrEqualTo(1);
        }
        JsonNode snapshotJobs = sync.api().get("/api/data-sources/" + source + "/jobs").json();
        assertThat(snapshotJobs).anySatisfy(j -> assertThat(j.get("trigger").asText()).isEqualTo("stream"));
    }

    @Test
    void shouldResumeFromItsStoredPositionAfterAStopWithoutGapsOrDuplicates() {
        MongoCollection<Document> items = db.getCollection("items");
        insert(items, 0, 20);
        long source = realtimeSource(Map.of());
        awaitStreaming(source);
        insert(items, 100, 150);
        await().atMost(Duration.ofSeconds(10)).until(() -> rows(source, "items") == 70);

        turnOff(source);
        insert(items, 200, 260);
        items.deleteMany(Filters.lt("_id", 10));
        setRealtime(source, true);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> ids(source, "items").equals(mongoIds(items)));

        assertThat(rows(source, "items")).isEqualTo(items.countDocuments());
        // resumed from the stored token: no second snapshot
        long snapshots = 0;
        for (JsonNode job : sync.api().get("/api/data-sources/" + source + "/jobs").json()) {
            snapshots += job.get("trigger").asText().equals("stream") ? 1 : 0;
        }
        assertThat(snapshots).isEqualTo(1);
        // a stopped session's history row holds its final counts
        turnOff(source);
        List<JsonNode> sessions = new ArrayList<>();
        for (JsonNode row : sync.api().get("/api/data-sources/" + source + "/history?limit=100").json().get("items")) {
            if (row.get("syncType").asText().equals("stream")) {
                sessions.add(row);
            }
        }
        assertThat(sessions).as("stream sessions %s", sessions).hasSize(2)
                .allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("completed"));
        // every insert applied exactly once: the first session ended before it was reported stopped, so the writes
        // made after that belong to the second, which resumed where the first left off (a replay would count twice)
        assertThat(sessions.get(1).get("syncMetadata").get("inserted").asLong()).as("first session %s", sessions)
                .isEqualTo(50);
        assertThat(sessions.get(0).get("syncMetadata").get("inserted").asLong()).as("second session %s", sessions)
                .isEqualTo(60);
        assertThat(sessions.get(0).get("syncMetadata").get("deleted").asLong()).isEqualTo(10);
    }

    @Test
    void shouldRecordAGapAndSnapshotAgainWhenTheCollectionIsDropped() {
        MongoCollection<Document> events = db.getCollection("events");
        insert(events, 0, 30);
        long source = realtimeSource(Map.of());
        awaitStreaming(source);

        events.drop();
        insert(events, 500, 520);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> ids(source, "events").equals(mongoIds(events)));

        JsonNode gap = gapRow(source);
        assertThat(gap.get("collectionName").asText()).isEqualTo("events");
        assertThat(gap.get("status").asText()).isEqualTo("failed");
        assertThat(gap.get("errorMessage").asText()).contains("gap").contains("dropped");
        assertThat(gap.get("syncMetadata").get("gap").get("resnapshot").asBoolean()).isTrue();
    }

    @Test
    void shouldSnapshotAgainWhenItsResumePointIsLost() {
        MongoCollection<Document> logs = db.getCollection("logs");
        insert(logs, 0, 10);
        long source = realtimeSource(Map.of());
        awaitStreaming(source);
        turnOff(source);
        // the position is gone, as when MongoDB's oplog no longer holds it (the embedded server never says so)
        jdbc.sql("UPDATE dra_stream_positions SET resume_token = NULL WHERE data_source_id = :id").param("id", source)
                .update();
        insert(logs, 10, 25);

        setRealtime(source, true);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> ids(source, "logs").equals(mongoIds(logs)));
        assertThat(gapRow(source).get("errorMessage").asText()).contains("no resume point");
    }

    @Test
    void shouldRecordAGapAndSnapshotAgainWhenMongoDBReportsItsHistoryLost() {
        org.junit.jupiter.api.Assumptions.assumeFalse(mongo.isReal(), "a real MongoDB reports ChangeStreamHistoryLost "
                + "only once its oplog has rolled past the stream's position, which this test does not force");
        MongoCollection<Document> audit = db.getCollection("audit");
        insert(audit, 0, 20);
        long source = realtimeSource(Map.of());
        awaitStreaming(source);

        // the consumer's next read fails with error 286; what is written after it never reaches the stream
        mongo.loseChangeStreamHistory(database);
        insert(audit, 20, 40);
        audit.deleteMany(Filters.lt("_id", 5));

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> ids(source, "audit").equals(mongoIds(audit)));
        JsonNode gap = gapRow(source);
        assertThat(gap.get("collectionName").asText()).isEqualTo("audit");
        assertThat(gap.get("errorMessage").asText()).contains("ChangeStreamHistoryLost").contains("snapshotted again");
        assertThat(gap.get("syncMetadata").get("gap").get("operation").asText()).isEqualTo("resume");
        long snapshots = 0;
        for (JsonNode job : sync.api().get("/api/data-sources/" + source + "/jobs").json()) {
            snapshots += job.get("trigger").asText().equals("stream") ? 1 : 0;
        }
        assertThat(snapshots).as("the first snapshot and the one after the gap").isEqualTo(2);

        // the same when the stream resumes from its stored position: stopped after a change, restarted after the
        // history was lost
        awaitStreaming(source);
        insert(audit, 40, 45);
        await().atMost(Duration.ofSeconds(10)).until(() -> ids(source, "audit").equals(mongoIds(audit)));
        turnOff(source);
        insert(audit, 45, 60);
        mongo.loseChangeStreamHistory(database);
        setRealtime(source, true);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> ids(source, "audit").equals(mongoIds(audit)) && gapRows(source).size() == 2);
        assertThat(gapRows(source).get(0).get("errorMessage").asText())
                .contains("its stored resume point is no longer in MongoDB's oplog (ChangeStreamHistoryLost)");
    }

    @Test
    void shouldApplyNothingWhilePausedAndEverythingAfterResume() {
        MongoCollection<Document> parts = db.getCollection("parts");
        insert(parts, 0, 5);
        long source = realtimeSource(Map.of());
        awaitStreaming(source);

        ApiClient.Response paused = sync.api().post("/api/data-sources/" + source + "/stream/pause", "");
        assertThat(paused.status()).as(paused.toString()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> sync.api().get("/api/data-sources/" + source + "/stream")
                .json().get("state").asText().equals("paused"));
        insert(parts, 5, 15);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> rows(source, "parts") == 5);
        assertThat(sync.api().get("/api/data-sources/" + source + "/sync-status").json().get("stream").get("state")
                .asText()).isEqualTo("paused");

        assertThat(sync.api().post("/api/data-sources/" + source + "/stream/resume", "").status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> rows(source, "parts") == 15);
        assertThat(ids(source, "parts")).isEqualTo(mongoIds(parts));
    }

    @Test
    void shouldRefusePauseOfASourceWithoutStream() {
        long source = sync.createSource("plain", mongo.uri(database), database, Map.of());

        ApiClient.Response response = sync.api().post("/api/data-sources/" + source + "/stream/pause", "");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.json().get("message").asText()).contains("realtime");
        assertThat(sync.api().post("/api/data-sources/999999/stream/resume", "").status()).isEqualTo(404);
        ApiClient.Response invalid = sync.api().put("/api/data-sources/" + source + "/sync-config",
                ApiClient.json(Map.of("realtime", "yes")));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body()).contains("realtime");
    }

    @Test
    void shouldKeepTheTableEqualToTheCollectionWhenAFullSyncRunsWhileStreaming() throws Exception {
        MongoCollection<Document> stock = db.getCollection("stock");
        insert(stock, 0, 3000);
        long source = realtimeSource(Map.of());
        awaitStreaming(source);

        Thread writer = new Thread(() -> {
            for (int i = 0; i < 40; i++) {
                insert(stock, 10_000 + i * 10, 10_000 + i * 10 + 10);
                stock.deleteOne(Filters.eq("_id", i));
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        writer.start();
        sync.trigger(source, "full");
        writer.join();
        sync.awaitIdle(source, Duration.ofMinutes(2));

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> ids(source, "stock").equals(mongoIds(stock)));
        assertThat(rows(source, "stock")).isEqualTo(stock.countDocuments());
    }

    /** The source's gap rows, newest first. */
    private List<JsonNode> gapRows(long source) {
        List<JsonNode> gaps = new ArrayList<>();
        for (JsonNode row : sync.api().get("/api/data-sources/" + source + "/history?limit=100").json().get("items")) {
            if (row.get("syncType").asText().equals("stream") && row.get("syncMetadata").has("gap")) {
                gaps.add(row);
            }
        }
        return gaps;
    }

    private JsonNode gapRow(long source) {
        for (JsonNode row : sync.api().get("/api/data-sources/" + source + "/history?limit=100").json().get("items")) {
            if (row.get("syncType").asText().equals("stream") && row.get("syncMetadata").has("gap")) {
                return row;
            }
        }
        throw new AssertionError("no gap in the history of source " + source);
    }

    /** Turns the source's stream off and waits until its consumer has ended (state {@code stopped}). */
    private void turnOff(long source) {
        setRealtime(source, false);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> sync.api()
                .get("/api/data-sources/" + source + "/stream").json().get("state").asText().equals("stopped"));
    }

    private void setRealtime(long source, boolean on) {
        ApiClient.Response response = sync.api().put("/api/data-sources/" + source + "/sync-config",
                ApiClient.json(Map.of("realtime", on, "initialSync", false)));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
    }
}
