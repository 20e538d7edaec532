package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ServiceIT
class IncrementalSyncIT {

    static final Instant PAST = Instant.parse("2025-01-01T00:00:00Z");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    SyncClient sync;
    MongoDatabase db;
    String database;
    MongoCollection<Document> orders;

    @BeforeEach
    void setUp() {
        sync = new SyncClient(new ApiClient(port));
        database = "incr_" + UUID.randomUUID().toString().substring(0, 8);
        db = TestMongo.get().client().getDatabase(database);
        orders = db.getCollection("orders");
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            docs.add(new Document("_id", i).append("status", "placed").append("amount", i)
                    .append("updatedAt", Date.from(PAST.plusSeconds(i))));
        }
        orders.insertMany(docs);
    }

    private long source(Map<String, Object> config) {
        return sync.createSource("incr", TestMongo.get().uri(database), database, config);
    }

    private String table(long id) {
        return "dra_mongodb.\"" + sync.table(id, "orders") + "\"";
    }

    /** _id -> "status/amount/updatedAt" as the table holds them. */
    private Map<String, String> tableRows(long id) {
        Map<String, String> rows = new HashMap<>();
        jdbc.sql("SELECT _id, status, amount, updatedat FROM " + table(id)).query(rs -> {
            rows.put(rs.getString(1), rs.getString(2) + "/" + rs.getString(3) + "/"
                    + rs.getTimestamp(4).toInstant().toEpochMilli());
        });
        return rows;
    }

    /** The same, as MongoDB holds them. */
    private Map<String, String> mongoRows() {
        Map<String, String> docs = new HashMap<>();
        for (Document d : orders.find()) {
            docs.put(String.valueOf(d.get("_id")), d.get("status") + "/" + d.get("amount") + "/"
                    + d.getDate("updatedAt").getTime());
        }
        return docs;
    }

    private Map<String, String> tableStatuses(long id) {
        Map<String, String> rows = new HashMap<>();
        jdbc.sql("SELECT _id, status FROM " + table(id)).query(rs -> {
            rows.put(rs.getString(1), rs.getString(2));
        });
        return rows;
    }

    private Map<String, String> mongoStatuses() {
        Map<String, String> docs = new HashMap<>();
        for (Document d : orders.find()) {
            docs.put(String.valueOf(d.get("_id")), String.valueOf(d.get("status")));
        }
        return docs;
    }

    @Test
    void shouldLoadExactlyTheChangedDocuments() {
        long id = source(Map.of());
        sync.syncAndWait(id, "full");
        Date now = new Date();
        for (int i = 100; i < 110; i++) {
            orders.updateOne(Filters.eq("_id", i), Updates.combine(Updates.set("status", "shipped"),
                    Updates.set("updatedAt", now)));
        }

        long job = sync.trigger(id, "incremental");
        JsonNode status = sync.awaitIdle(id, Duration.ofMinutes(1));

        assertThat(status.get("syncStatus").asText()).isEqualTo("completed");
        JsonNode row = sync.historyOfJob(id, job).get("orders");
        assertThat(row.get("syncType").asText()).isEqualTo("incremental");
        assertThat(row.get("recordsSynced").asLong()).isEqualTo(10);
        assertThat(row.get("syncMetadata").get("mode").asText()).isEqualTo("incremental");
        assertThat(row.get("syncMetadata").get("deletes").asText()).contains("not detected");
        assertThat(row.get("syncMetadata").get("watermark").get("field").asText()).isEqualTo("updatedAt");
        assertThat(tableRows(id)).isEqualTo(mongoRows()).hasSize(1000);
        assertThat(jdbc.sql("SELECT count(*) FROM " + table(id) + " WHERE status = 'shipped'").query(Long.class).single())
                .isEqualTo(10);
    }

    @Test
    void shouldNotMissDocumentsSharingTheWatermarksMillisecond() {
        long id = source(Map.of());
        sync.syncAndWait(id, "full");
        Date last = Date.from(PAST.plusSeconds(999));
        orders.insertOne(new Document("_id", 5000).append("status", "late").append("updatedAt", last));

        long job = sync.trigger(id, "incremental");
        sync.awaitIdle(id, Duration.ofMinutes(1));

        assertThat(sync.historyOfJob(id, job).get("orders").get("recordsSynced").asLong()).isEqualTo(1);
        assertThat(tableStatuses(id)).containsEntry("5000", "late").hasSize(1001);
    }

    @Test
    void shouldAddColumnsAndWidenTypesWithoutLosingValues() {
        long id = source(Map.of());
        sync.syncAndWait(id, "full");
        Date now = new Date();
        orders.insertOne(new Document("_id", 2000).append("status", "placed").append("amount", 5)
                .append("coupon", "WELCOME").append("updatedAt", now));
        orders.updateOne(Filters.eq("_id", 1), Updates.combine(Updates.set("amount", "unknown"), Updates.set("updatedAt", now)));

        long job = sync.trigger(id, "incremental");
        sync.awaitIdle(id, Duration.ofMinutes(1));

        JsonNode row = sync.historyOfJob(id, job).get("orders");
        assertThat(row.get("recordsSynced").asLong()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT coupon FROM " + table(id) + " WHERE _id = '2000'").query(String.class).single())
                .isEqualTo("WELCOME");
        assertThat(jdbc.sql("SELECT amount FROM " + table(id) + " WHERE _id = '1'").query(String.class).single())
                .isEqualTo("unknown");
        assertThat(jdbc.sql("SELECT amount FROM " + table(id) + " WHERE _id = '999'").query(String.class).single())
                .isEqualTo("999");
        assertThat(row.get("syncMetadata").get("schemaChanges").findValuesAsText("change")).contains("added", "widened");
        assertThat(sync.columns(id, "orders")).containsEntry("coupon", "coupon");
    }

    @Test
    void shouldFallBackToFullWhenThereIsNoWatermarkAndSayWhy() {
        long id = source(Map.of());

        long job = sync.trigger(id, "incremental");
        sync.awaitIdle(id, Duration.ofMinutes(1));

        JsonNode row = sync.historyOfJob(id, job).get("orders");
        assertThat(row.get("syncType").asText()).isEqualTo("full");
        assertThat(row.get("syncMetadata").get("modeReason").asText()).contains("no imported table yet");
        assertThat(row.get("recordsSynced").asLong()).isEqualTo(1000);
    }

    @Test
    void shouldFallBackToFullWhenDocumentsLackTheField() {
        long id = source(Map.of("lastSyncField", "modifiedOn"));
        sync.syncAndWait(id, "full");

        long job = sync.trigger(id, "incremental");
        sync.awaitIdle(id, Duration.ofMinutes(1));

        JsonNode row = sync.historyOfJob(id, job).get("orders");
        assertThat(row.get("syncType").asText()).isEqualTo("full");
        assertThat(row.get("syncMetadata").get("modeReason").asText()).contains("modifiedOn");
    }

    @Test
    void shouldRunAPeriodicFullSyncEveryNthRun() {
        long id = source(Map.of("fullSyncEvery", 3));
        sync.syncAndWait(id, "full");
        List<String> types = new ArrayList<>();
        for (int run = 0; run < 3; run++) {
            long job = sync.trigger(id, "incremental");
            sync.awaitIdle(id, Duration.ofMinutes(1));
            types.add(sync.historyOfJob(id, job).get("orders").get("syncType").asText());
        }
        assertThat(types).containsExactly("incremental", "incremental", "full");
    }

    @Test
    void shouldHonourAPerCollectionLastSyncField() {
        orders.updateMany(Filters.empty(), Updates.rename("updatedAt", "changedAt"));
        long id = source(Map.of("collectionSettings", Map.of("orders", Map.of("lastSyncField", "changedAt"))));
        sync.syncAndWait(id, "full");
        orders.updateOne(Filters.eq("_id", 7), Updates.combine(Updates.set("status", "paid"),
                Updates.set("changedAt", new Date())));

        long job = sync.trigger(id, "incremental");
        sync.awaitIdle(id, Duration.ofMinutes(1));

        JsonNode row = sync.historyOfJob(id, job).get("orders");
        assertThat(row.get("syncType").asText()).isEqualTo("incremental");
        assertThat(row.get("recordsSynced").asLong()).isEqualTo(1);
        assertThat(tableStatuses(id)).containsEntry("7", "paid");
    }

    @Test
    void shouldUseIncrementalWhenTheConfigSaysSoAndNoTypeIsGiven() {
        long id = source(Map.of("incremental", true));
        sync.syncAndWait(id, "full");

        ApiClient.Response response = sync.api().post("/api/data-sources/" + id + "/sync", null);

        assertThat(response.status()).isEqualTo(202);
        assertThat(response.json().get("syncType").asText()).isEqualTo("incremental");
        sync.awaitIdle(id, Duration.ofMinutes(1));
    }

    @Test
    void shouldNeverNullStoredValuesWhenAFieldSeenOnlyAsNullFillsInLater() {
        orders.updateMany(Filters.empty(), Updates.set("note", null));
        long id = source(Map.of());
        sync.syncAndWait(id, "full");
        orders.updateOne(Filters.eq("_id", 1), Updates.combine(Updates.set("note", "fragile"),
                Updates.set("updatedAt", new Date())));
        sync.syncAndWait(id, "incremental");
        orders.updateOne(Filters.eq("_id", 2), Updates.combine(Updates.set("note", 5),
                Updates.set("updatedAt", new Date())));

        JsonNode status = sync.syncAndWait(id, "incremental");

        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
        assertThat(jdbc.sql("SELECT note FROM " + table(id) + " WHERE _id = '1'").query(String.class).single())
                .isEqualTo("fragile");
        assertThat(jdbc.sql("SELECT note FROM " + table(id) + " WHERE _id = '2'").query(String.class).single())
                .isEqualTo("5");
    }

    @Test
    void shouldRecreateViewsWhenAnIncrementalSyncWidensAColumn() {
        long id = source(Map.of());
        sync.syncAndWait(id, "full");
        String view = "amounts_" + UUID.randomUUID().toString().substring(0, 6);
        jdbc.sql("CREATE VIEW public." + view + " AS SELECT _id, amount FROM " + table(id)).update();
        jdbc.sql("COMMENT ON VIEW public." + view + " IS 'order amounts'").update();
        orders.updateOne(Filters.eq("_id", 3), Updates.combine(Updates.set("amount", "n/a"),
                Updates.set("updatedAt", new Date())));

        JsonNode status = sync.syncAndWait(id, "incremental");

        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
        assertThat(jdbc.sql("SELECT amount FROM public." + view + " WHERE _id = '3'").query(String.class).single())
                .isEqualTo("n/a");
        assertThat(jdbc.sql("SELECT amount FROM public." + view + " WHERE _id = '4'").query(String.class).single())
                .isEqualTo("4");
        assertThat(jdbc.sql("SELECT obj_description(CAST(? AS regclass), 'pg_class')").param("public." + view)
                .query(String.class).single()).isEqualTo("order amounts");
        jdbc.sql("DROP VIEW public." + view).update();
    }

    @Test
    void shouldFinishOtherCollectionsAndKeepTheWatermarkWhenOneCollectionFails() {
        db.getCollection("customers").insertOne(new Document("_id", 1).append("name", "Ada")
                .append("updatedAt", Date.from(PAST)));
        long id = source(Map.of());
        sync.syncAndWait(id, "full");
        String view = "next_amounts_" + UUID.randomUUID().toString().substring(0, 6);
        jdbc.sql("CREATE VIEW public." + view + " AS SELECT _id, amount + 1 AS next FROM " + table(id)).update();
        Date now = new Date();
        orders.updateOne(Filters.eq("_id", 5), Updates.combine(Updates.set("amount", "unknown"), Updates.set("updatedAt", now)));
        db.getCollection("customers").updateOne(Filters.eq("_id", 1), Updates.combine(Updates.set("name", "Ada L."),
                Updates.set("updatedAt", now)));

        long failedJob = sync.trigger(id, "incremental");
        JsonNode status = sync.awaitIdle(id, Duration.ofMinutes(1));

        assertThat(status.get("syncStatus").asText()).isEqualTo("failed");
        assertThat(status.get("syncErrorMessage").asText()).contains("1 of 2 collections").contains("orders")
                .contains(view);
        Map<String, JsonNode> rows = sync.historyOfJob(id, failedJob);
        assertThat(rows.get("orders").get("status").asText()).isEqualTo("failed");
        assertThat(rows.get("orders").get("syncMetadata").has("watermark")).isFalse();
        assertThat(rows.get("customers").get("status").asText()).isEqualTo("completed");
        assertThat(jdbc.sql("SELECT name FROM dra_mongodb.\"" + sync.table(id, "customers") + "\"").query(String.class)
                .single()).isEqualTo("Ada L.");
        assertThat(jdbc.sql("SELECT amount FROM " + table(id) + " WHERE _id = '5'").query(String.class).single())
                .isEqualTo("5");

        jdbc.sql("DROP VIEW public." + view).update();
        long retry = sync.trigger(id, "incremental");
        sync.awaitIdle(id, Duration.ofMinutes(1));

        assertThat(sync.historyOfJob(id, retry).get("orders").get("recordsSynced").asLong()).isEqualTo(1);
        assertThat(jdbc.sql("SELECT amount FROM " + table(id) + " WHERE _id = '5'").query(String.class).single())
                .isEqualTo("unknown");
    }
}
