package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ServiceIT
class FullSyncIT {

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
        database = "full_" + UUID.randomUUID().toString().substring(0, 8);
        db = mongo.client().getDatabase(database);
    }

    private long source(Map<String, Object> config) {
        return sync.createSource("full", mongo.uri(database), database, config);
    }

    private void insert(String collection, int count, int from) {
        TestMongo.insertInBatches(db.getCollection(collection), from, count,
                i -> new Document("_id", i).append("name", "item " + i).append("n", i)
                        .append("tags", List.of("a", "b")).append("at", new Date(1_700_000_000_000L + i)));
    }

    private long count(long sourceId, String collection) {
        return jdbc.sql("SELECT count(*) FROM dra_mongodb.\"" + sync.table(sourceId, collection) + "\"")
                .query(Long.class).single();
    }

    /**
     * Imports 300 documents, adds 40,000 more and starts a full re-sync, returning once its first batch is in:
     * a sync that is surely running, over a live table of 300 rows.
     */
    private long startLongResyncOf300Rows(long id, String collection) {
        insert(collection, 300, 0);
        sync.syncAndWait(id, "full");
        insert(collection, 40_000, 1000);
        long job = sync.trigger(id, "full");
        sync.awaitFirstBatch(id);
        return job;
    }

    private String qualified(long sourceId, String collection) {
        return "dra_mongodb.\"" + sync.table(sourceId, collection) + "\"";
    }

    @Test
    void shouldRemoveRowsOfDocumentsDeletedInMongoOnResync() {
        insert("items", 500, 0);
        long id = source(Map.of());
        JsonNode first = sync.syncAndWait(id, "full");
        assertThat(count(id, "items")).isEqualTo(500);
        assertThat(first.get("totalRecordsSynced").asLong()).isEqualTo(500);
        java.time.Instant firstSync = java.time.Instant.parse(first.get("lastSyncAt").asText());

        db.getCollection("items").deleteMany(Filters.in("_id", 3, 7, 11));
        db.getCollection("items").insertOne(new Document("_id", 9999).append("name", "new"));
        JsonNode status = sync.syncAndWait(id, "full");

        assertThat(status.get("syncStatus").asText()).isEqualTo("completed");
        assertThat(count(id, "items")).isEqualTo(498);
        assertThat(jdbc.sql("SELECT count(*) FROM " + qualified(id, "items") + " WHERE _id IN ('3', '7', '11')")
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT name FROM " + qualified(id, "items") + " WHERE _id = '9999'")
                .query(String.class).single()).isEqualTo("new");
        assertThat(status.get("totalRecordsSynced").asLong()).isEqualTo(500 + 498);
        assertThat(java.time.Instant.parse(status.get("lastSyncAt").asText())).isAfter(firstSync);
        JsonNode history = status.get("history");
        assertThat(history.get(0).get("id").asLong()).isGreaterThan(history.get(1).get("id").asLong());
        assertThat(history.get(0).get("recordsSynced").asLong()).isEqualTo(498);
        JsonNode second = api.get("/api/data-sources/" + id + "/history?limit=1&offset=1").json();
        assertThat(second.get("total").asLong()).isEqualTo(2);
        assertThat(second.get("items").get(0).get("recordsSynced").asLong()).isEqualTo(500);
        assertThat(api.get("/api/data-sources/" + id + "/history?limit=0").status()).isEqualTo(400);
    }

    @Test
    void shouldNeverShowAReaderAPartialTable() throws Exception {
        insert("big", 20_000, 0);
        long id = source(Map.of("batchSize", 500));
        sync.syncAndWait(id, "full");
        String table = qualified(id, "big");
        db.getCollection("big").deleteMany(Filters.lt("_id", 5000));

        Set<Long> seen = ConcurrentHashMap.newKeySet();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try {
                    seen.add(jdbc.sql("SELECT count(*) FROM " + table).query(Long.class).single());
                } catch (RuntimeException e) {
                    errors.add(e);
                }
            }
        });
        reader.start();
        long job = sync.trigger(id, "full");
        JsonNode status = sync.awaitIdle(id, Duration.ofMinutes(2));
        done.set(true);
        reader.join();

        assertThat(status.get("syncStatus").asText()).isEqualTo("completed");
        assertThat(errors).isEmpty();
        assertThat(seen).isSubsetOf(20_000L, 15_000L).contains(20_000L);
        assertThat(count(id, "big")).isEqualTo(15_000);
        assertThat(sync.historyOfJob(id, job).get("big").get("recordsSynced").asLong()).isEqualTo(15_000);
    }

    @Test
    void shouldAnswer409ToASecondTriggerWhileASyncIsActive() {
        insert("many", 30_000, 0);
        long id = source(Map.of("batchSize", 100));
        long first = sync.trigger(id, "full");

        ApiClient.Response second = api.post("/api/data-sources/" + id + "/sync", "{\"syncType\": \"full\"}");

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().get("error").asText()).isEqualTo("sync_in_progress");
        assertThat(second.json().get("message").asText()).contains("job " + first);
        sync.awaitIdle(id, Duration.ofMinutes(2));
        assertThat(sync.job(id, first).get("status").asText()).isEqualTo("completed");
    }

    @Test
    void shouldFailWithAMessageAndKeepTablesWhenMongoIsUnreachable() throws Exception {
        insert("kept", 50, 0);
        long id = source(Map.of());
        sync.syncAndWait(id, "full");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThat(api.put("/api/data-sources/" + id, ApiClient.json(Map.of("connectionString",
                "mongodb://127.0.0.1:" + closedPort + "/" + database))).status()).isEqualTo(200);

        long job = sync.trigger(id, "full");
        JsonNode status = sync.awaitIdle(id, Duration.ofMinutes(1));

        assertThat(status.get("syncStatus").asText()).isEqualTo("failed");
        assertThat(status.get("syncErrorMessage").asText()).contains("MongoDB unreachable").contains("connection refused");
        assertThat(sync.job(id, job).get("status").asText()).isEqualTo("failed");
        JsonNode row = sync.historyOfJob(id, job).get("kept");
        assertThat(row.get("status").asText()).isEqualTo("failed");
        assertThat(row.get("errorMessage").asText()).contains("unreachable");
        assertThat(count(id, "kept")).isEqualTo(50);
    }

    @Test
    void shouldCancelAndLeaveLiveTablesAsTheyWere() {
        long id = source(Map.of("batchSize", 100));
        long job = startLongResyncOf300Rows(id, "slow");
        ApiClient.Response cancel = api.post("/api/data-sources/" + id + "/sync/cancel", null);
        JsonNode status = sync.awaitIdle(id, Duration.ofMinutes(2));

        assertThat(cancel.status()).isEqualTo(202);
        assertThat(cancel.json().get("jobId").asLong()).isEqualTo(job);
        assertThat(sync.job(id, job).get("status").asText()).isEqualTo("cancelled");
        assertThat(status.get("syncStatus").asText()).isEqualTo("cancelled");
        assertThat(status.get("syncErrorMessage").asText()).containsIgnoringCase("cancel");
        assertThat(count(id, "slow")).isEqualTo(300);
        assertThat(jdbc.sql("SELECT count(*) FROM pg_tables WHERE schemaname = 'dra_mongodb' AND tablename LIKE '\\_mps\\_shadow%'")
                .query(Long.class).single()).isZero();
        assertThat(api.post("/api/data-sources/" + id + "/sync/cancel", null).status()).isEqualTo(409);
    }

    @Test
    void shouldWidenAColumnWhenALaterBatchRevealsAnotherTypeAndKeepEveryValue() {
        MongoCollection<Document> c = db.getCollection("scores");
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            docs.add(new Document("_id", i).append("score", i));
        }
        docs.add(new Document("_id", 300).append("score", 12.75));
        docs.add(new Document("_id", 301).append("score", "absent"));
        docs.add(new Document("_id", 302).append("score", new Document("raw", 1)));
        docs.add(new Document("_id", 303).append("score", null));
        c.insertMany(docs);
        long id = source(Map.of("sampleSize", 10, "batchSize", 100));

        long job = sync.trigger(id, "full");
        sync.awaitIdle(id, Duration.ofMinutes(1));

        String table = qualified(id, "scores");
        assertThat(jdbc.sql("SELECT data_type FROM information_schema.columns WHERE table_schema = 'dra_mongodb' "
                + "AND table_name = ? AND column_name = 'score'").param(sync.table(id, "scores")).query(String.class)
                .single()).isEqualTo("jsonb");
        assertThat(jdbc.sql("SELECT score::text FROM " + table + " WHERE _id = '7'").query(String.class).single()).isEqualTo("7");
        assertThat(jdbc.sql("SELECT score::text FROM " + table + " WHERE _id = '300'").query(String.class).single())
                .isEqualTo("12.75");
        assertThat(jdbc.sql("SELECT score::text FROM " + table + " WHERE _id = '301'").query(String.class).single())
                .isEqualTo("\"absent\"");
        assertThat(jdbc.sql("SELECT score ->> 'raw' FROM " + table + " WHERE _id = '302'").query(String.class).single())
                .isEqualTo("1");
        assertThat(jdbc.sql("SELECT score FROM " + table + " WHERE _id = '303'").query(String.class).optional()).isEmpty();
        JsonNode row = sync.historyOfJob(id, job).get("scores");
        assertThat(row.get("recordsSynced").asLong()).isEqualTo(304);
        assertThat(row.get("recordsFailed").asLong()).isZero();
        JsonNode conflict = row.get("syncMetadata").get("typeConflicts").get(0);
        assertThat(conflict.get("field").asText()).isEqualTo("score");
        assertThat(conflict.get("bsonTypes")).extracting(JsonNode::asText).contains("int", "double", "string", "object");
        assertThat(row.get("syncMetadata").get("schemaChanges").findValuesAsText("change")).contains("widened");
    }

    @Test
    void shouldKeepFieldsThatSanitiseAlikeInDistinctColumns() {
        String longName = "a_really_long_field_name_that_goes_on_and_on_well_past_the_postgres_limit_" + "x".repeat(20);
        db.getCollection("names").insertOne(new Document("_id", 1).append("Total Amount", 10).append("total_amount", 20)
                .append("_imported_at", "from mongo").append(longName, "long").append("Prénom", "Zoë"));
        long id = source(Map.of());

        sync.syncAndWait(id, "full");

        Map<String, String> columns = sync.columns(id, "names");
        assertThat(columns.get("total_amount")).isEqualTo("total_amount");
        assertThat(columns.get("Total Amount")).startsWith("total_amount_").isNotEqualTo("total_amount");
        assertThat(columns.get("_imported_at")).startsWith("_imported_at_");
        assertThat(columns.get(longName).getBytes()).hasSizeLessThanOrEqualTo(63);
        assertThat(columns.get("Prénom")).isEqualTo("pr_nom");
        String table = qualified(id, "names");
        assertThat(jdbc.sql("SELECT \"" + columns.get("Total Amount") + "\" FROM " + table).query(Integer.class).single())
                .isEqualTo(10);
        assertThat(jdbc.sql("SELECT total_amount FROM " + table).query(Integer.class).single()).isEqualTo(20);
        assertThat(jdbc.sql("SELECT \"" + columns.get("_imported_at") + "\" FROM " + table).query(String.class).single())
                .isEqualTo("from mongo");
        assertThat(jdbc.sql("SELECT \"" + columns.get(longName) + "\" FROM " + table).query(String.class).single())
                .isEqualTo("long");
    }

    @Test
    void shouldNotLetIdsOfDifferentTypesCollide() {
        MongoCollection<Document> c = db.getCollection("ids");
        c.insertOne(new Document("_id", 1).append("kind", "int"));
        c.insertOne(new Document("_id", "1").append("kind", "string"));
        c.insertOne(new Document("_id", new org.bson.types.ObjectId("507d95d5719dbef170f15bf9")).append("kind", "oid"));
        c.insertOne(new Document("_id", "507d95d5719dbef170f15bf9").append("kind", "hex string"));
        c.insertOne(new Document("_id", new Document("region", "eu").append("n", 1)).append("kind", "document"));
        long id = source(Map.of());

        sync.syncAndWait(id, "full");

        Map<String, String> kinds = new java.util.HashMap<>();
        jdbc.sql("SELECT _id, kind FROM " + qualified(id, "ids")).query(rs -> {
            kinds.put(rs.getString(1), rs.getString(2));
        });
        assertThat(kinds).hasSize(5)
                .containsEntry("1", "int")
                .containsEntry("\"1\"", "string")
                .containsEntry("507d95d5719dbef170f15bf9", "oid")
                .containsEntry("\"507d95d5719dbef170f15bf9\"", "hex string");
        assertThat(kinds).containsValue("document");
    }

    @Test
    void shouldApplyTheDocumentedRulesToValuesPostgresCannotHold() {
        db.getCollection("odd").insertOne(new Document("_id", 1)
                .append("text", "before\u0000after")
                .append("farFuture", new Date(300_000L * 365 * 24 * 3600 * 1000))
                .append("ratio", Double.NaN)
                .append("amount", Decimal128.parse("12345678901234567890.123456789"))
                .append("nested", new Document("s", "x\u0000y")));
        long id = source(Map.of());

        long job = sync.trigger(id, "full");
        sync.awaitIdle(id, Duration.ofMinutes(1));

        String table = qualified(id, "odd");
        Map<String, Object> row = jdbc.sql("SELECT text, farfuture::text AS far, ratio::text AS ratio, amount::text AS amount, "
                + "nested ->> 's' AS nested, _source_document -> 'farFuture' ->> '$date' AS source_date FROM " + table)
                .query().singleRow();
        assertThat(row.get("text")).isEqualTo("before\uFFFDafter");
        assertThat(row.get("far")).isEqualTo("infinity");
        assertThat(row.get("ratio")).isEqualTo("NaN");
        assertThat(row.get("amount")).isEqualTo("12345678901234567890.123456789");
        assertThat(row.get("nested")).isEqualTo("x\uFFFDy");
        assertThat((String) row.get("source_date")).contains("$numberLong");
        JsonNode metadata = sync.historyOfJob(id, job).get("odd").get("syncMetadata");
        assertThat(metadata.get("valueRules").get("nulCharactersReplaced").asLong()).isEqualTo(2);
        assertThat(metadata.get("valueRules").get("datesOutOfRange").asLong()).isEqualTo(1);
    }

    @Test
    void shouldSetAsideAndCountDocumentsThatCannotBeStored() {
        String hugeId = "k".repeat(3000);
        db.getCollection("mixed").insertOne(new Document("_id", hugeId).append("v", 1));
        db.getCollection("mixed").insertOne(new Document("_id", "fine").append("v", 2));
        long id = source(Map.of());

        long job = sync.trigger(id, "full");
        JsonNode status = sync.awaitIdle(id, Duration.ofMinutes(1));

        assertThat(status.get("syncStatus").asText()).isEqualTo("completed");
        JsonNode row = sync.historyOfJob(id, job).get("mixed");
        assertThat(row.get("recordsSynced").asLong()).isEqualTo(1);
        assertThat(row.get("recordsFailed").asLong()).isEqualTo(1);
        JsonNode rejects = api.get("/api/data-sources/" + id + "/rejects").json();
        assertThat(rejects).hasSize(1);
        assertThat(rejects.get(0).get("reason").asText()).contains("_id");
        assertThat(rejects.get(0).get("rawDocument").asText()).contains(hugeId);
        assertThat(count(id, "mixed")).isEqualTo(1);
    }

    @Test
    void shouldRecreateIndexesAndViewsAndKeepGrants() {
        MongoCollection<Document> c = db.getCollection("people");
        c.insertOne(new Document("_id", 1).append("email", "a@x").append("city", "Oslo").append("profile", new Document("a", 1)));
        c.createIndex(Indexes.ascending("email"));
        c.createIndex(Indexes.descending("city"));
        c.createIndex(Indexes.ascending("profile"));
        c.createIndex(Indexes.compoundIndex(Indexes.ascending("email"), Indexes.ascending("city")));
        long id = source(Map.of());
        sync.syncAndWait(id, "full");
        String tableName = sync.table(id, "people");
        String viewName = "people_view_" + UUID.randomUUID().toString().substring(0, 6);
        jdbc.sql("CREATE VIEW public." + viewName + " AS SELECT _id, email FROM dra_mongodb.\"" + tableName + "\"").update();
        jdbc.sql("COMMENT ON VIEW public." + viewName + " IS 'people by email'").update();
        jdbc.sql("CREATE MATERIALIZED VIEW public." + viewName + "_m AS SELECT city, count(*) AS n FROM public." + viewName
                + " v JOIN dra_mongodb.\"" + tableName + "\" t USING (_id) GROUP BY city").update();
        jdbc.sql("CREATE INDEX " + viewName + "_m_city ON public." + viewName + "_m (city)").update();
        jdbc.sql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'mps_analyst') THEN "
                + "CREATE ROLE mps_analyst; END IF; END $$").update();
        jdbc.sql("GRANT SELECT ON dra_mongodb.\"" + tableName + "\" TO mps_analyst").update();
        c.insertOne(new Document("_id", 2).append("email", "b@x").append("city", "Lima"));

        JsonNode status = sync.syncAndWait(id, "full");

        assertThat(status.get("syncStatus").asText()).isEqualTo("completed");
        assertThat(jdbc.sql("SELECT count(*) FROM public." + viewName).query(Long.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT obj_description(CAST(? AS regclass), 'pg_class')").param("public." + viewName)
                .query(String.class).single()).isEqualTo("people by email");
        assertThat(jdbc.sql("SELECT sum(n) FROM public." + viewName + "_m").query(Long.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM pg_indexes WHERE indexname = ?").param(viewName + "_m_city")
                .query(Long.class).single()).isEqualTo(1);
        List<String> indexes = jdbc.sql("SELECT indexdef FROM pg_indexes WHERE schemaname = 'dra_mongodb' AND tablename = ?")
                .param(tableName).query(String.class).list();
        assertThat(indexes).anyMatch(d -> d.contains("PRIMARY KEY") || d.contains("_pkey"))
                .anyMatch(d -> d.contains("(_imported_at)"))
                .anyMatch(d -> d.contains("(email)"))
                .anyMatch(d -> d.contains("(city DESC)"))
                .anyMatch(d -> d.contains("gin (profile)"))
                .hasSize(5);
        assertThat(jdbc.sql("SELECT has_table_privilege('mps_analyst', 'dra_mongodb.\"" + tableName + "\"', 'SELECT')")
                .query(Boolean.class).single()).isTrue();
        jdbc.sql("DROP MATERIALIZED VIEW public." + viewName + "_m").update();
        jdbc.sql("DROP VIEW public." + viewName).update();
    }

    @Test
    void shouldSyncOneCollectionAtATimeWithParallelismOne() {
        for (String name : List.of("p1", "p2", "p3")) {
            insert(name, 3000, 0);
        }
        long id = source(Map.of("parallelism", 1));

        long job = sync.trigger(id, "full");
        sync.awaitIdle(id, Duration.ofMinutes(1));

        List<JsonNode> rows = new ArrayList<>(sync.historyOfJob(id, job).values());
        rows.sort(java.util.Comparator.comparing(r -> r.get("startedAt").asText()));
        assertThat(rows).hasSize(3);
        for (int i = 1; i < rows.size(); i++) {
            assertThat(java.time.Instant.parse(rows.get(i).get("startedAt").asText()))
                    .isAfterOrEqualTo(java.time.Instant.parse(rows.get(i - 1).get("completedAt").asText()));
        }
    }

    @Test
    void shouldHonourIncludeAndExcludeLists() {
        db.getCollection("keep_a").insertOne(new Document("_id", 1));
        db.getCollection("keep_b").insertOne(new Document("_id", 1));
        db.getCollection("skip_me").insertOne(new Document("_id", 1));
        long id = source(Map.of("collections", Map.of("include", List.of("keep_a", "keep_b", "skip_me"),
                "exclude", List.of("skip_me"))));

        long job = sync.trigger(id, "full");
        sync.awaitIdle(id, Duration.ofMinutes(1));

        assertThat(sync.historyOfJob(id, job).keySet()).containsExactlyInAnyOrder("keep_a", "keep_b");
    }

    @Test
    void shouldDropImportedTablesOnlyWhenAsked() {
        db.getCollection("t1").insertOne(new Document("_id", 1));
        long keep = source(Map.of());
        sync.syncAndWait(keep, "full");
        String keptTable = sync.table(keep, "t1");
        assertThat(api.delete("/api/data-sources/" + keep).status()).isEqualTo(204);
        assertThat(jdbc.sql("SELECT to_regclass(?) IS NOT NULL").param("dra_mongodb.\"" + keptTable + "\"")
                .query(Boolean.class).single()).isTrue();

        String db2 = database + "_b";
        mongo.client().getDatabase(db2).getCollection("t2").insertOne(new Document("_id", 1));
        long drop = sync.createSource("drop", mongo.uri(db2), db2, Map.of());
        sync.syncAndWait(drop, "full");
        String droppedTable = sync.table(drop, "t2");
        assertThat(api.delete("/api/data-sources/" + drop + "?dropTables=true").status()).isEqualTo(204);
        assertThat(jdbc.sql("SELECT to_regclass(?) IS NOT NULL").param("dra_mongodb.\"" + droppedTable + "\"")
                .query(Boolean.class).single()).isFalse();
    }

    @Test
    void shouldReportProgressWhileRunning() {
        insert("progress", 30_000, 0);
        long id = source(Map.of("batchSize", 100));
        sync.trigger(id, "full");

        JsonNode[] during = new JsonNode[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20)).until(() -> {
            JsonNode status = api.get("/api/data-sources/" + id + "/sync-status").json();
            if (status.get("current").size() > 0 && status.get("current").get(0).get("processed").asLong() > 0) {
                during[0] = status;
                return true;
            }
            return status.get("job").isNull();
        });
        sync.awaitIdle(id, Duration.ofMinutes(1));

        assertThat(during[0]).as("progress seen while the sync ran").isNotNull();
        JsonNode current = during[0].get("current").get(0);
        assertThat(current.get("collection").asText()).isEqualTo("progress");
        assertThat(current.get("total").asLong()).isEqualTo(30_000);
        assertThat(current.get("percent").asDouble())
                .isCloseTo(current.get("processed").asLong() * 100.0 / 30_000, org.assertj.core.data.Offset.offset(0.1));
        assertThat(during[0].get("syncStatus").asText()).isEqualTo("in_progress");
    }

    @Test
    void shouldNotCollideIndexNamesOfDifferentTables() {
        db.getCollection("user").insertOne(new Document("_id", 1).append("profile_id", 7));
        db.getCollection("user").createIndex(Indexes.ascending("profile_id"));
        db.getCollection("user_profile").insertOne(new Document("_id", 1).append("id", 7));
        db.getCollection("user_profile").createIndex(Indexes.ascending("id"));
        long id = source(Map.of());

        JsonNode status = sync.syncAndWait(id, "full");
        JsonNode again = sync.syncAndWait(id, "full");

        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
        assertThat(again.get("syncStatus").asText()).as(again.toString()).isEqualTo("completed");
        assertThat(count(id, "user")).isEqualTo(1);
        assertThat(count(id, "user_profile")).isEqualTo(1);
    }

    @Test
    void shouldNotDropATableTheServiceDoesNotManage() {
        String collection = "ledger_" + UUID.randomUUID().toString().substring(0, 6);
        jdbc.sql("CREATE TABLE dra_mongodb." + collection + " (note text)").update();
        jdbc.sql("INSERT INTO dra_mongodb." + collection + " VALUES ('analyst data')").update();
        db.getCollection(collection).insertOne(new Document("_id", 1));
        long id = source(Map.of());

        sync.syncAndWait(id, "full");

        assertThat(sync.table(id, collection)).isNotEqualTo(collection);
        assertThat(jdbc.sql("SELECT note FROM dra_mongodb." + collection).query(String.class).single())
                .isEqualTo("analyst data");
        assertThat(count(id, collection)).isEqualTo(1);
        jdbc.sql("DROP TABLE dra_mongodb." + collection).update();
    }

    @Test
    void shouldKeepFieldsBeyondTheColumnLimitInTheSourceDocument() {
        Document wide = new Document("_id", 1);
        for (int i = 0; i < 1100; i++) {
            wide.append(String.format("day_%04d", i), i);
        }
        db.getCollection("wide").insertOne(wide);
        long id = source(Map.of());

        long job = sync.trigger(id, "full");
        JsonNode status = sync.awaitIdle(id, Duration.ofMinutes(1));

        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
        assertThat(sync.columns(id, "wide")).hasSize(1000);
        JsonNode metadata = sync.historyOfJob(id, job).get("wide").get("syncMetadata");
        assertThat(metadata.get("fieldsOnlyInSourceDocument").get("count").asInt()).isEqualTo(100);
        assertThat(jdbc.sql("SELECT (_source_document ->> 'day_1099')::int FROM " + qualified(id, "wide"))
                .query(Integer.class).single()).isEqualTo(1099);
    }

    @Test
    void shouldStopWithoutSwappingWhenAnotherInstanceTookTheJobOver() {
        long id = source(Map.of("batchSize", 100));
        long job = startLongResyncOf300Rows(id, "contested");
        jdbc.sql("UPDATE dra_sync_jobs SET owner = 'another-instance' WHERE id = ?").param(job).update();

        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(1)).until(() ->
                "failed".equals(sync.historyOfJob(id, job).get("contested").get("status").asText()));
        assertThat(sync.historyOfJob(id, job).get("contested").get("errorMessage").asText()).contains("lease");
        assertThat(count(id, "contested")).isEqualTo(300);
        jdbc.sql("UPDATE dra_sync_jobs SET status = 'failed', finished_at = now() WHERE id = ?").param(job).update();
    }
}
