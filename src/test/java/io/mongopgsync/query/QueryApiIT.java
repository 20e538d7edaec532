package io.mongopgsync.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.Datasets;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * POST /api/data-sources/{id}/query as a user meets it: which side answers, explain, the row cap, refusals with
 * their status and message, and injection attempts that change nothing.
 */
@ServiceIT
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryApiIT {

    private static final int MAX_ROWS = 10_000;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private SyncClient sync;
    private ApiClient api;
    private long sourceId;
    private MongoDatabase db;

    @BeforeAll
    void importProductsAndManyRows() {
        api = new ApiClient(port);
        sync = new SyncClient(api);
        String name = "qapi_" + UUID.randomUUID().toString().substring(0, 8);
        db = TestMongo.get().client().getDatabase(name);
        Datasets.load(db, "products");
        List<Document> many = new ArrayList<>();
        for (int i = 0; i < MAX_ROWS + 5; i++) {
            many.add(new Document("_id", i).append("n", i % 7));
        }
        db.getCollection("many").insertMany(many);
        sourceId = sync.createSource("query-api", TestMongo.get().uri(name), name, Map.of());
        sync.trigger(sourceId, "full");
        sync.awaitIdle(sourceId, Duration.ofMinutes(3));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> api
                .get("/api/data-sources/" + sourceId + "/sync-status").json().get("syncStatus").asText().equals("completed"));
        // created after the import: answered by MongoDB
        db.getCollection("late").insertMany(many);
        db.getCollection("late_products").insertMany(List.of(new Document("_id", "ac3").append("name", "AC3 Phone").append("price", 200),
                new Document("_id", "x1").append("name", "Other").append("price", 5)));
    }

    private ApiClient.Response query(String collection, String pipeline) {
        return api.post("/api/data-sources/" + sourceId + "/query",
                "{\"collection\": \"" + collection + "\", \"pipeline\": " + pipeline + "}");
    }

    private long rows(String table) {
        return jdbc.sql("SELECT count(*) FROM dra_mongodb.\"" + table + "\"").query(Long.class).single();
    }

    @Test
    void shouldAnswerAnImportedCollectionFromPostgres() {
        ApiClient.Response r = query("products", "[{\"$match\": {\"price\": {\"$gte\": 200}}}, {\"$sort\": {\"price\": -1}}, "
                + "{\"$project\": {\"name\": 1, \"price\": 1}}]");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("source").asText()).isEqualTo("postgres");
        assertThat(body.get("truncated").asBoolean()).isFalse();
        assertThat(body.get("documents")).hasSize(2);
        assertThat(body.get("documents").get(0).get("name").asText()).isEqualTo("AC7 Phone");
        assertThat(body.get("documents").get(0).get("price").asInt()).isEqualTo(320);
        // ObjectIds come back as relaxed Extended JSON, as MongoDB would write them
        ApiClient.Response byOid = query("products", "[{\"$match\": {\"_id\": {\"$oid\": \"507d95d5719dbef170f15bf9\"}}}]");
        assertThat(byOid.json().get("documents").get(0).get("_id").get("$oid").asText()).isEqualTo("507d95d5719dbef170f15bf9");
    }

    @Test
    void shouldFallBackToMongoDbForACollectionWithoutImport() {
        ApiClient.Response r = query("late_products", "[{\"$match\": {\"price\": {\"$gt\": 100}}}]");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("source").asText()).isEqualTo("mongodb");
        assertThat(r.json().get("documents")).hasSize(1);
        assertThat(r.json().get("documents").get(0).get("name").asText()).isEqualTo("AC3 Phone");
        assertThat(r.json().has("sql")).isFalse();
    }

    @Test
    void shouldExplainWithBindParametersAndRunNothing() {
        ApiClient.Response r = api.post("/api/data-sources/" + sourceId + "/query", "{\"collection\": \"products\", "
                + "\"explain\": true, \"pipeline\": [{\"$match\": {\"name\": \"AC3 Phone\"}}, {\"$limit\": 2}]}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode body = r.json();
        assertThat(body.get("source").asText()).isEqualTo("postgres");
        assertThat(body.has("documents")).isFalse();
        String sql = body.get("sql").asText();
        assertThat(sql).startsWith("WITH ").contains("\"dra_mongodb\".\"products\"").doesNotContain("AC3 Phone");
        List<String> params = new ArrayList<>();
        body.get("params").forEach(p -> params.add(p.asText()));
        assertThat(params).contains("AC3 Phone", "2");
        assertThat(sql.chars().filter(c -> c == '?').count()).isEqualTo(body.get("params").size());
    }

    @Test
    void shouldSayWhenTheRowCapCutTheAnswerOnBothSides() {
        ApiClient.Response imported = query("many", "[{\"$project\": {\"n\": 1}}]");
        assertThat(imported.json().get("source").asText()).isEqualTo("postgres");
        assertThat(imported.json().get("documents")).hasSize(MAX_ROWS);
        assertThat(imported.json().get("truncated").asBoolean()).isTrue();
        ApiClient.Response fallback = query("late", "[{\"$project\": {\"n\": 1}}]");
        assertThat(fallback.json().get("source").asText()).isEqualTo("mongodb");
        assertThat(fallback.json().get("documents")).hasSize(MAX_ROWS);
        assertThat(fallback.json().get("truncated").asBoolean()).isTrue();
        ApiClient.Response limited = query("many", "[{\"$sort\": {\"_id\": 1}}, {\"$limit\": " + MAX_ROWS + "}]");
        assertThat(limited.json().get("truncated").asBoolean()).isFalse();
        assertThat(limited.json().get("documents").get(MAX_ROWS - 1).get("_id").asInt()).isEqualTo(MAX_ROWS - 1);
    }

    @Test
    void shouldRefuseWritesAndJavaScriptOnBothSides() {
        for (String collection : List.of("products", "late_products")) {
            for (String pipeline : List.of(
                    "[{\"$out\": \"stolen\"}]",
                    "[{\"$match\": {}}, {\"$merge\": {\"into\": \"stolen\"}}]",
                    "[{\"$match\": {\"$where\": \"sleep(1000) || true\"}}]",
                    "[{\"$match\": {\"$expr\": {\"$function\": {\"body\": \"function() { return true; }\", \"args\": [], \"lang\": \"js\"}}}}]",
                    "[{\"$group\": {\"_id\": null, \"x\": {\"$accumulator\": {\"init\": \"function() {}\"}}}}]")) {
                ApiClient.Response r = query(collection, pipeline);
                assertThat(r.status()).as(collection + " " + pipeline + ": " + r).isEqualTo(400);
                assertThat(r.json().get("error").asText()).isEqualTo("forbidden_pipeline");
                assertThat(r.json().get("message").asText()).containsAnyOf("$out", "$merge", "$where", "$function", "$accumulator");
            }
        }
        assertThat(db.listCollectionNames().into(new ArrayList<>())).doesNotContain("stolen");
    }

    @Test
    void shouldNameTheUnsupportedStageOrOperator() {
        ApiClient.Response stage = query("products", "[{\"$match\": {}}, {\"$facet\": {\"a\": []}}]");
        assertThat(stage.status()).isEqualTo(400);
        assertThat(stage.json().get("error").asText()).isEqualTo("unsupported_pipeline");
        assertThat(stage.json().get("message").asText()).contains("pipeline[1].$facet").contains("$facet");
        ApiClient.Response operator = query("products", "[{\"$project\": {\"x\": {\"$sqrt\": \"$price\"}}}]");
        assertThat(operator.status()).isEqualTo(400);
        assertThat(operator.json().get("message").asText()).contains("pipeline[0].$project.x.$sqrt").contains("$sqrt");
        ApiClient.Response query = query("products", "[{\"$match\": {\"loc\": {\"$near\": [0, 0]}}}]");
        assertThat(query.status()).isEqualTo(400);
        assertThat(query.json().get("message").asText()).contains("$near");
    }

    @Test
    void shouldRefuseAtRunTimeAValueItCannotOrderFaithfully() {
        // "type" holds strings and arrays: MongoDB sorts arrays by their smallest element, which is not translated
        ApiClient.Response r = query("products", "[{\"$sort\": {\"type\": 1}}]");
        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("unsupported_pipeline");
        assertThat(r.json().get("message").asText()).contains("$sort on an array value is not supported");
    }

    @Test
    void shouldSayWhereAPipelineIsMalformed() {
        ApiClient.Response r = query("products", "[{\"$match\": {}}, {\"$group\": {\"n\": {\"$sum\": 1}}}]");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("error").asText()).isEqualTo("invalid_pipeline");
        assertThat(r.json().get("message").asText()).startsWith("pipeline[1].$group._id: ");
        assertThat(r.json().get("details").get(0).get("field").asText()).isEqualTo("pipeline[1].$group._id");
        ApiClient.Response notArray = api.post("/api/data-sources/" + sourceId + "/query",
                "{\"collection\": \"products\", \"pipeline\": {\"$match\": {}}}");
        assertThat(notArray.status()).isEqualTo(400);
        assertThat(notArray.json().get("details").get(0).get("field").asText()).isEqualTo("pipeline");
        ApiClient.Response twoKeys = query("products", "[{\"$match\": {}, \"$limit\": 1}]");
        assertThat(twoKeys.status()).isEqualTo(400);
        assertThat(twoKeys.json().get("message").asText()).startsWith("pipeline[0]: ");
    }

    @Test
    void shouldAnswer404ForAnUnknownCollectionOrSource() {
        ApiClient.Response collection = query("no_such_collection", "[]");
        assertThat(collection.status()).isEqualTo(404);
        assertThat(collection.json().get("message").asText()).contains("no_such_collection");
        ApiClient.Response source = api.post("/api/data-sources/999999/query", "{\"collection\": \"products\", \"pipeline\": []}");
        assertThat(source.status()).isEqualTo(404);
        assertThat(source.json().get("error").asText()).isEqualTo("not_found");
    }

    @Test
    void shouldChangeNothingWhenFieldNamesCollectionNamesOrValuesCarrySql() {
        long before = rows("products");
        String drop = "'; DROP TABLE dra_mongodb.products; --";
        List<ApiClient.Response> answers = new ArrayList<>();
        answers.add(query("products", "[{\"$match\": {\"name\": \"" + drop + "\"}}]"));
        answers.add(query("products", "[{\"$match\": {\"a\\\"; DROP TABLE dra_mongodb.products; --\": 1}}]"));
        answers.add(query("products", "[{\"$project\": {\"x\\\"), (SELECT 1); --\": \"$name\"}}]"));
        answers.add(query("products", "[{\"$group\": {\"_id\": \"$name /* */ ; DROP TABLE x\", \"n\": {\"$sum\": 1}}}]"));
        answers.add(query("products", "[{\"$match\": {\"name\": {\"$regex\": \"'); DROP TABLE x; --\"}}}]"));
        answers.add(query("products\\\"; DROP TABLE dra_mongodb.products; --", "[]"));
        answers.add(query("products", "[{\"$count\": \"n'; DROP TABLE products; --\"}]"));
        for (ApiClient.Response r : answers) {
            assertThat(r.status()).as(r.toString()).isIn(200, 400, 404);
            if (r.status() == 200) {
                // an ordinary answer: nothing matches these names and values, except the count of every product
                JsonNode docs = r.json().get("documents");
                assertThat(docs.size()).as(r.toString()).isLessThanOrEqualTo((int) before);
            }
        }
        assertThat(answers.get(0).json().get("documents")).isEmpty();
        assertThat(answers.get(1).json().get("documents")).isEmpty();
        assertThat(answers.get(2).status()).as(answers.get(2).toString()).isEqualTo(200);
        assertThat(answers.get(2).json().get("documents").get(0).has("x\"), (SELECT 1); --")).isTrue();
        assertThat(answers.get(5).status()).isEqualTo(404);
        assertThat(answers.get(6).status()).as(answers.get(6).toString()).isEqualTo(200);
        assertThat(answers.get(6).json().get("documents").get(0).get("n'; DROP TABLE products; --").asLong()).isEqualTo(before);
        assertThat(rows("products")).isEqualTo(before);
        assertThat(jdbc.sql("SELECT count(*) FROM dra_mongodb_tables WHERE data_source_id = :id").param("id", sourceId)
                .query(Long.class).single()).isEqualTo(2);
    }
}
