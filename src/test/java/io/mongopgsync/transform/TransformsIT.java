package io.mongopgsync.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.sun.net.httpserver.HttpServer;
import io.mongopgsync.SyncApplication;
import io.mongopgsync.source.SecretCipher;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.Datasets;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestEnvironment;
import io.mongopgsync.support.TestMongo;
import io.mongopgsync.support.TestPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ContextConfiguration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A team's transforms (src/test/resources/team-routes) over the shared datasets, checked in PostgreSQL rows and
 * _source_document, with the team's own routes (action kamelets), the webhook example and the preview.
 */
@SpringBootTest(classes = SyncApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ContextConfiguration(initializers = TestEnvironment.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransformsIT {

    static final String SOURCE = "transforms-it";
    static final String HASH_KEY = "team-hash-key-for-integration-tests";
    static final String PII_KEY = "cGlpLWtleS1mb3ItdHJhbnNmb3Jtcy10ZXN0cy0zMmI=";
    static final List<JsonNode> EVENTS = new CopyOnWriteArrayList<>();
    static final HttpServer WEBHOOK = webhook();

    /**
     * A database of its own: this context has the team's routes and transforms, and a context of the suite without
     * them must never claim its sync jobs from a shared queue.
     */
    static final String DATABASE_URL = TestPostgres.get().createExtraDatabase("transforms");

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE_URL);
        registry.add("sync.routes-dir", () -> "src/test/resources/team-routes");
        registry.add("TEAM_HASH_KEY", () -> HASH_KEY);
        registry.add("sync.transforms.keys.pii", () -> PII_KEY);
        registry.add("sync.events.webhook.enabled", () -> "true");
        registry.add("sync.events.webhook.url", () -> "http://127.0.0.1:" + WEBHOOK.getAddress().getPort() + "/hook");
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    SyncClient sync;
    MongoDatabase mongo;
    long sourceId;
    long jobId;

    @BeforeAll
    void importWithTransforms() {
        assertThat(DATABASE_URL).as("the test's own database")
                .contains("/" + jdbc.sql("SELECT current_database()").query(String.class).single());
        sync = new SyncClient(new ApiClient(port));
        String database = "transforms_" + UUID.randomUUID().toString().substring(0, 8);
        mongo = TestMongo.get().client().getDatabase(database);
        Datasets.ALL.forEach(name -> Datasets.load(mongo, name));
        mongo.getCollection("events").insertMany(List.of(
                new Document("_id", 1).append("kind", "keep").append("email", "a@example.com")
                        .append("updatedAt", new Date(1_700_000_000_000L)),
                new Document("_id", 2).append("kind", "skip").append("email", "b@example.com")
                        .append("updatedAt", new Date(1_700_000_000_000L))));
        ApiClient.Response created = sync.api().post("/api/data-sources", ApiClient.json(Map.of("name", SOURCE,
                "connectionString", TestMongo.get().uri(database), "database", database,
                "syncConfig", Map.of("initialSync", false, "batchSize", 100))));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        sourceId = created.json().get("id").asLong();
        jobId = sync.trigger(sourceId, "full");
        JsonNode status = sync.awaitIdle(sourceId, Duration.ofMinutes(3));
        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
    }

    @AfterAll
    void stopWebhook() {
        WEBHOOK.stop(0);
    }

    private String table(String collection) {
        return "dra_mongodb.\"" + sync.table(sourceId, collection) + "\"";
    }

    private long count(String collection, String where) {
        return jdbc.sql("SELECT count(*) FROM " + table(collection) + " t WHERE " + where).query(Long.class).single();
    }

    @Test
    void shouldPushTheFilterIntoTheReadAndUseTheTableOverride() {
        long thai = mongo.getCollection("restaurant").countDocuments(Filters.eq("type_of_food", "Thai"));
        assertThat(thai).isBetween(10L, 2000L);
        assertThat(sync.table(sourceId, "restaurant")).isEqualTo("team_restaurants");
        assertThat(count("restaurant", "true")).isEqualTo(thai);
        assertThat(count("restaurant", "type_of_food <> 'Thai'")).isZero();
        JsonNode history = sync.historyOfJob(sourceId, jobId).get("restaurant");
        assertThat(history.get("recordsSynced").asLong()).isEqualTo(thai);
        JsonNode metadata = history.get("syncMetadata");
        // documents the filter excludes were never read
        assertThat(metadata.get("documentsRead").asLong()).isEqualTo(thai);
        assertThat(metadata.get("transforms").get("filter").asText()).contains("Thai");
        assertThat(metadata.get("transforms").get("declaredIn").get(0).asText()).contains("transforms-it.sync.yaml");
    }

    @Test
    void shouldRenameIntoNestedPathsDropAndMaskEverywhere() {
        BsonDocument original = mongo.getCollection("restaurant", BsonDocument.class)
                .find(Filters.eq("type_of_food", "Thai")).first();
        String id = original.getObjectId("_id").getValue().toHexString();
        Map<String, Object> row = jdbc.sql("SELECT location::text AS location, menu_url, postcode, outcode, label, "
                + "_source_document::text AS doc FROM " + table("restaurant") + " WHERE _id = :id")
                .param("id", id).query().singleRow();
        String town = original.getString("address line 2").getValue();
        String postcode = original.getString("postcode").getValue();
        assertThat(readJson((String) row.get("location"))).isEqualTo(readJson(ApiClient.json(Map.of("town", town))));
        assertThat(row.get("menu_url")).isEqualTo(original.getString("URL").getValue());
        assertThat(row.get("postcode")).isEqualTo(FieldActions.hmac(HASH_KEY.getBytes(StandardCharsets.UTF_8), postcode));
        assertThat(row.get("outcode")).isEqualTo("XXX");
        assertThat(row.get("label")).isEqualTo(original.getString("name").getValue() + " in " + town);
        // renamed, dropped and masked values are nowhere in the table: not in a column, not in _source_document
        assertThat(count("restaurant", "jsonb_exists(_source_document, 'address line 2') OR jsonb_exists(_source_document, 'URL') "
                + "OR jsonb_exists(_source_document, 'address') OR jsonb_exists(_source_document -> 'location', 'street')")).isZero();
        assertThat(count("restaurant", "t::text LIKE " + literal("%\"" + postcode + "\"%")
                + " OR _source_document ->> 'outcode' <> 'XXX'")).isZero();
        Map<String, String> columns = sync.columns(sourceId, "restaurant");
        assertThat(columns).containsKeys("location", "menu_url", "label").doesNotContainKeys("address", "URL",
                "address line 2");
    }

    @Test
    void shouldEncryptWithTheNamedKeyAndDropFields() {
        SecretCipher cipher = SecretCipher.fromBase64(PII_KEY);
        BsonDocument first = mongo.getCollection("students", BsonDocument.class).find(Filters.eq("_id", 0)).first();
        String stored = jdbc.sql("SELECT name FROM " + table("students") + " WHERE _id = '0'").query(String.class).single();
        assertThat(stored).doesNotContain(first.getString("name").getValue());
        assertThat(cipher.decrypt(stored)).isEqualTo(first.getString("name").getValue());
        assertThat(count("students", "true")).isEqualTo(200);
        assertThat(count("students", "jsonb_exists(_source_document, 'scores') OR _source_document ->> 'name' <> name")).isZero();
        assertThat(sync.columns(sourceId, "students")).doesNotContainKey("scores");
    }

    @Test
    void shouldKeepOnlyEnabledFieldsAndComputeWithJsonPath() {
        assertThat(count("books", "true")).isEqualTo(431);
        assertThat(sync.columns(sourceId, "books").keySet())
                .containsExactlyInAnyOrder("title", "pageCount", "status", "title_again");
        assertThat(count("books", "title_again IS DISTINCT FROM title")).isZero();
        // mixed _id types survive: 399 integers and 32 ObjectIds
        assertThat(count("books", "_id ~ '^[0-9]+$'")).isEqualTo(399);
    }

    @Test
    void shouldRunTheTeamsOwnRouteWithActionKamelets() {
        long kept = mongo.getCollection("grades").countDocuments(Filters.lt("student_id", 10));
        assertThat(kept).isBetween(1L, 279L);
        assertThat(count("grades", "true")).isEqualTo(kept);
        assertThat(count("grades", "reviewed = 'yes' AND NOT jsonb_exists(_source_document, 'class_id') AND student_id < 10"))
                .isEqualTo(kept);
        JsonNode history = sync.historyOfJob(sourceId, jobId).get("grades");
        assertThat(history.get("syncMetadata").get("documentsDroppedBySteps").asLong()).isEqualTo(280 - kept);
        // a per-batch step that changes nothing keeps every document with its types
        assertThat(count("products", "true")).isEqualTo(11);
        assertThat(count("products", "_id IN ('ac3', 'ac7') OR _id ~ '^[0-9a-f]{24}$'")).isEqualTo(11);
    }

    @Test
    void shouldPostLifecycleEventsToTheWebhook() {
        await().atMost(Duration.ofSeconds(20)).until(() -> EVENTS.stream()
                .anyMatch(e -> e.path("type").asText().equals("sync.completed") && e.path("scope").asText().equals("job")
                        && e.path("jobId").asLong() == jobId));
        List<JsonNode> ofJob = EVENTS.stream().filter(e -> e.path("jobId").asLong() == jobId).toList();
        assertThat(ofJob.stream().filter(e -> e.path("scope").asText().equals("collection")
                && e.path("type").asText().equals("sync.completed")).map(e -> e.path("collection").asText()))
                .containsExactlyInAnyOrderElementsOf(collections());
        JsonNode grades = ofJob.stream().filter(e -> "grades".equals(e.path("collection").asText())
                && e.path("type").asText().equals("sync.completed")).findFirst().orElseThrow();
        assertThat(grades.get("recordsSynced").asLong()).isEqualTo(count("grades", "true"));
        assertThat(grades.get("dataSource").asText()).isEqualTo(SOURCE);
        assertThat(ofJob.stream().filter(e -> e.path("type").asText().equals("sync.started"))).hasSize(7);
    }

    @Test
    void shouldPreviewWhatTheNextRunWritesWithoutWritingAnything() {
        long rows = count("restaurant", "true");
        long rejects = jdbc.sql("SELECT count(*) FROM dra_mongodb_sync_rejects").query(Long.class).single();
        ApiClient.Response response = sync.api().post("/api/data-sources/" + sourceId + "/preview",
                "{\"collection\": \"restaurant\", \"limit\": 100}");
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode preview = response.json();
        assertThat(preview.get("documentsRead").asInt()).isEqualTo(100);
        assertThat(preview.get("table").asText()).isEqualTo("team_restaurants");
        int shown = preview.get("rows").size();
        assertThat(preview.get("dropped").size()).isEqualTo(100 - shown);
        preview.get("dropped").forEach(d -> assertThat(d.get("droppedBy").asText()).isEqualTo("filter"));
        assertThat(shown).isPositive();
        JsonNode row = preview.get("rows").get(0);
        assertThat(row.get("values").get("outcode").asText()).isEqualTo("XXX");
        assertThat(row.get("values").get("postcode").asText()).hasSize(64);
        assertThat(row.get("sourceDocument").has("address")).isFalse();
        assertThat(count("restaurant", "true")).isEqualTo(rows);
        assertThat(jdbc.sql("SELECT count(*) FROM dra_mongodb_sync_rejects").query(Long.class).single()).isEqualTo(rejects);

        ApiClient.Response unknown = sync.api().post("/api/data-sources/" + sourceId + "/preview",
                "{\"collection\": \"nope\"}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("message").asText()).contains("'nope' does not exist");
        ApiClient.Response tooMany = sync.api().post("/api/data-sources/" + sourceId + "/preview",
                "{\"collection\": \"restaurant\", \"limit\": 1000}");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.json().get("details").get(0).get("field").asText()).isEqualTo("limit");
    }

    @Test
    void shouldApplyFilterAndStepsToIncrementalRunsToo() {
        assertThat(count("events", "true")).isEqualTo(1);
        mongo.getCollection("events").insertMany(List.of(
                new Document("_id", 3).append("kind", "keep").append("email", "c@example.com")
                        .append("updatedAt", new Date()),
                new Document("_id", 4).append("kind", "skip").append("email", "d@example.com")
                        .append("updatedAt", new Date())));
        long job = sync.trigger(sourceId, "incremental");
        sync.awaitIdle(sourceId, Duration.ofMinutes(2));
        JsonNode events = sync.historyOfJob(sourceId, job).get("events");
        assertThat(events.get("syncType").asText()).as(events.toString()).isEqualTo("incremental");
        assertThat(jdbc.sql("SELECT _id FROM " + table("events") + " ORDER BY _id").query(String.class).list())
                .containsExactly("1", "3");
        assertThat(jdbc.sql("SELECT email FROM " + table("events") + " WHERE _id = '3'").query(String.class).single())
                .isEqualTo(FieldActions.hmac(HASH_KEY.getBytes(StandardCharsets.UTF_8), "c@example.com"));
    }

    @Test
    void shouldRunFullWhenTheTransformsChanged() {
        // as if the last run had been made under other transforms
        jdbc.sql("UPDATE dra_mongodb_sync_history SET sync_metadata = jsonb_set(sync_metadata, "
                + "'{transforms,fingerprint}', '\"older\"') WHERE data_source_id = :id AND collection_name = 'students'")
                .param("id", sourceId).update();
        jdbc.sql("UPDATE dra_mongodb_sync_history SET sync_metadata = sync_metadata || "
                + "'{\"watermark\": {\"field\": \"updatedAt\", \"value\": {\"$date\": \"2020-01-01T00:00:00Z\"}}}' "
                + "WHERE data_source_id = :id AND collection_name = 'students'").param("id", sourceId).update();
        long job = sync.trigger(sourceId, "incremental");
        sync.awaitIdle(sourceId, Duration.ofMinutes(2));
        JsonNode students = sync.historyOfJob(sourceId, job).get("students");
        assertThat(students.get("syncType").asText()).isEqualTo("full");
        assertThat(students.get("syncMetadata").get("modeReason").asText()).contains("transforms changed");
        assertThat(count("students", "true")).isEqualTo(200);
    }

    @Test
    void shouldCountRowsChangedByTheStepsApartFromDriftWhenVerifying() {
        ApiClient.Response queued = sync.api().post("/api/data-sources/" + sourceId + "/verify", ApiClient.json(
                Map.of("mode", "full", "collections", List.of("restaurant", "books", "grades", "students"))));
        assertThat(queued.status()).as(queued.toString()).isEqualTo(202);
        String path = "/api/data-sources/" + sourceId + "/verify/" + queued.json().get("jobId").asLong();
        JsonNode[] result = new JsonNode[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(2)).until(() -> {
            result[0] = sync.api().get(path).json();
            return result[0].get("status").asText().equals("completed") || result[0].get("status").asText().equals("failed");
        });
        assertThat(result[0].get("status").asText()).as(result[0].toString()).isEqualTo("completed");
        assertThat(result[0].get("drift").asBoolean()).as(result[0].toString()).isFalse();
        Map<String, JsonNode> reports = new java.util.HashMap<>();
        result[0].get("collections").forEach(c -> reports.put(c.get("collection").asText(), c.get("report")));
        // students: names encrypted with a fresh nonce each run, compared by presence
        for (String collection : List.of("restaurant", "books", "grades", "students")) {
            JsonNode report = reports.get(collection);
            long rows = count(collection, "true");
            assertThat(report.get("rowsInPostgres").asLong()).as(collection).isEqualTo(rows);
            assertThat(report.get("compared").asLong()).as(collection).isEqualTo(rows);
            // every row differs from its document as read, exactly as the steps changed it
            assertThat(report.get("transformed").asLong()).as(collection).isEqualTo(rows);
        }
        long thai = mongo.getCollection("restaurant").countDocuments(Filters.eq("type_of_food", "Thai"));
        assertThat(reports.get("restaurant").get("documentsInMongo").asLong()).isEqualTo(thai);
        JsonNode grades = reports.get("grades");
        assertThat(grades.get("droppedBySteps").asLong()).isPositive();
        assertThat(grades.get("droppedBySteps").asLong() + grades.get("compared").asLong())
                .isEqualTo(grades.get("documentsInMongo").asLong());
    }

    private static List<String> collections() {
        List<String> all = new java.util.ArrayList<>(Datasets.ALL);
        all.add("events");
        return all;
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private static JsonNode readJson(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer webhook() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            ObjectMapper mapper = new ObjectMapper();
            server.createContext("/hook", exchange -> {
                EVENTS.add(mapper.readTree(exchange.getRequestBody().readAllBytes()));
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
