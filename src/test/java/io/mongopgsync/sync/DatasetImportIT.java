package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.Datasets;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The five public datasets, with their measured traps, imported with every document and every value kept. */
@ServiceIT
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetImportIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    SyncClient sync;
    long sourceId;
    long jobId;
    final Map<String, Integer> documents = new HashMap<>();

    @BeforeAll
    void importAll() {
        sync = new SyncClient(new ApiClient(port));
        String database = "datasets_" + UUID.randomUUID().toString().substring(0, 8);
        MongoDatabase db = TestMongo.get().client().getDatabase(database);
        for (String name : Datasets.ALL) {
            documents.put(name, Datasets.load(db, name));
        }
        sourceId = sync.createSource("datasets", TestMongo.get().uri(database), database, Map.of());
        jobId = sync.trigger(sourceId, "full");
        JsonNode status = sync.awaitIdle(sourceId, java.time.Duration.ofMinutes(3));
        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
    }

    private String table(String collection) {
        return "dra_mongodb.\"" + sync.table(sourceId, collection) + "\"";
    }

    private long count(String collection) {
        return jdbc.sql("SELECT count(*) FROM " + table(collection)).query(Long.class).single();
    }

    @Test
    void shouldImportEveryDocumentOfEveryDatasetWithoutFailures() {
        Map<String, JsonNode> history = sync.historyOfJob(sourceId, jobId);
        assertThat(history.keySet()).containsExactlyInAnyOrderElementsOf(Datasets.ALL);
        for (String name : Datasets.ALL) {
            assertThat(count(name)).as(name).isEqualTo(documents.get(name).longValue());
            JsonNode row = history.get(name);
            assertThat(row.get("status").asText()).isEqualTo("completed");
            assertThat(row.get("recordsSynced").asLong()).as(name).isEqualTo(documents.get(name).longValue());
            assertThat(row.get("recordsFailed").asLong()).as(name).isZero();
        }
        assertThat(documents).containsEntry("products", 11).containsEntry("restaurant", 2548)
                .containsEntry("books", 431).containsEntry("grades", 280).containsEntry("students", 200);
    }

    @Test
    void shouldKeepStringAndObjectIdIdsOfProducts() {
        assertThat(jdbc.sql("SELECT name FROM " + table("products") + " WHERE _id = 'ac3'").query(String.class).single())
                .isEqualTo("AC3 Phone");
        assertThat(jdbc.sql("SELECT name FROM " + table("products") + " WHERE _id = '507d95d5719dbef170f15bf9'")
                .query(String.class).single()).isEqualTo("AC3 Series Charger");
        // "type" is a string in some documents and an array in others: a JSONB column holds both
        assertThat(jdbc.sql("SELECT type::text FROM " + table("products") + " WHERE _id = 'ac3'").query(String.class)
                .single()).isEqualTo("\"phone\"");
        assertThat(jdbc.sql("SELECT type::text FROM " + table("products") + " WHERE _id = '507d95d5719dbef170f15bf9'")
                .query(String.class).single()).isEqualTo("[\"accessory\", \"charger\"]");
        assertThat(jdbc.sql("SELECT warranty_years FROM " + table("products") + " WHERE _id = '507d95d5719dbef170f15bf9'")
                .query(BigDecimal.class).single()).isEqualByComparingTo("0.25");
    }

    @Test
    void shouldKeepEveryRestaurantRatingIncludingNotYetRated() {
        Map<String, String> stored = new HashMap<>();
        jdbc.sql("SELECT _id, rating FROM " + table("restaurant")).query(rs -> {
            stored.put(rs.getString(1), rs.getString(2));
        });
        List<BsonDocument> file = Datasets.read("restaurant");
        assertThat(stored).hasSize(file.size());
        int notRated = 0;
        for (BsonDocument doc : file) {
            String id = doc.getObjectId("_id").getValue().toHexString();
            BsonValue rating = doc.get("rating");
            String value = stored.get(id);
            if (rating.isString()) {
                assertThat(value).isEqualTo(rating.asString().getValue());
                notRated++;
            } else {
                BigDecimal expected = rating.isInt32() ? BigDecimal.valueOf(rating.asInt32().getValue())
                        : BigDecimal.valueOf(rating.asDouble().getValue());
                assertThat(new BigDecimal(value)).as(id).isEqualByComparingTo(expected);
            }
        }
        assertThat(notRated).isEqualTo(63);
        JsonNode conflicts = sync.historyOfJob(sourceId, jobId).get("restaurant").get("syncMetadata").get("typeConflicts");
        assertThat(conflicts.findValuesAsText("field")).contains("rating", "address");
    }

    @Test
    void shouldSanitiseFieldNamesWithSpacesAndCapitals() {
        Map<String, String> columns = sync.columns(sourceId, "restaurant");
        assertThat(columns).containsEntry("address line 2", "address_line_2").containsEntry("URL", "url");
        assertThat(jdbc.sql("SELECT address_line_2 FROM " + table("restaurant") + " WHERE _id = '55f14312c7447c3da7051b26'")
                .query(String.class).single()).isEqualTo("Cardiff");
    }

    @Test
    void shouldStoreBookPublishedDatesAsTheExactInstant() {
        Map<String, Instant> stored = new HashMap<>();
        jdbc.sql("SELECT _id, \"publisheddate\" FROM " + table("books")).query(rs -> {
            java.sql.Timestamp ts = rs.getTimestamp(2);
            stored.put(rs.getString(1), ts == null ? null : ts.toInstant());
        });
        int checked = 0;
        int objectIds = 0;
        for (BsonDocument doc : Datasets.read("books")) {
            BsonValue id = doc.get("_id");
            String key = id.isObjectId() ? id.asObjectId().getValue().toHexString() : Integer.toString(id.asInt32().getValue());
            objectIds += id.isObjectId() ? 1 : 0;
            assertThat(stored).containsKey(key);
            if (doc.containsKey("publishedDate")) {
                assertThat(stored.get(key)).as(key).isEqualTo(Instant.ofEpochMilli(doc.getDateTime("publishedDate").getValue()));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(353);
        assertThat(objectIds).isEqualTo(32);
        assertThat(stored.get("1")).isEqualTo(OffsetDateTime.parse("2009-04-01T00:00:00-07:00").toInstant());
    }

    @Test
    void shouldStoreGradeScoresAsJsonbArrays() {
        List<BsonDocument> file = Datasets.read("grades");
        BsonDocument first = file.get(0);
        String id = first.getObjectId("_id").getValue().toHexString();
        assertThat(jdbc.sql("SELECT jsonb_typeof(scores) FROM " + table("grades") + " WHERE _id = ?").param(id)
                .query(String.class).single()).isEqualTo("array");
        String firstType = first.getArray("scores").get(0).asDocument().getString("type").getValue();
        assertThat(jdbc.sql("SELECT scores -> 0 ->> 'type' FROM " + table("grades") + " WHERE _id = ?").param(id)
                .query(String.class).single()).isEqualTo(firstType);
        assertThat(jdbc.sql("SELECT count(*) FROM " + table("grades") + " WHERE jsonb_typeof(scores) <> 'array'")
                .query(Long.class).single()).isZero();
    }

    @Test
    void shouldKeepTheWholeDocumentInSourceDocument() {
        BsonDocument student = Datasets.read("students").get(0);
        String id = Integer.toString(student.getInt32("_id").getValue());
        String name = jdbc.sql("SELECT _source_document ->> 'name' FROM " + table("students") + " WHERE _id = ?")
                .param(id).query(String.class).single();
        assertThat(name).isEqualTo(student.getString("name").getValue());
        assertThat(jdbc.sql("SELECT count(*) FROM " + table("students") + " WHERE _source_document IS NULL")
                .query(Long.class).single()).isZero();
    }
}
