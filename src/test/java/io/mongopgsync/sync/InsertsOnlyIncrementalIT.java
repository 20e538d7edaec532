package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Incremental runs of a collection without the watermark field: the history says the field is absent and what to
 * do; with {@code incrementalBy: objectIdInserts} new documents are found by their ObjectId {@code _id}, inserts
 * only, as the history row says.
 */
@ServiceIT
class InsertsOnlyIncrementalIT {

    /** ObjectIds of documents inserted long ago: their creation second is in 2024. */
    static final Instant LONG_AGO = Instant.parse("2024-03-01T00:00:00Z");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    SyncClient sync;
    String database;
    MongoCollection<Document> clicks;

    @BeforeEach
    void setUp() {
        sync = new SyncClient(new ApiClient(port));
        database = "ins_" + UUID.randomUUID().toString().substring(0, 8);
        clicks = TestMongo.get().client().getDatabase(database).getCollection("clicks");
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            docs.add(new Document("_id", new ObjectId(Date.from(LONG_AGO.plusSeconds(i)), i))
                    .append("page", "/p/" + i).append("n", i));
        }
        clicks.insertMany(docs);
    }

    private long source(Map<String, Object> config) {
        return sync.createSource("ins", TestMongo.get().uri(database), database, config);
    }

    private JsonNode runOf(long id, String syncType) {
        long job = sync.trigger(id, syncType);
        JsonNode status = sync.awaitIdle(id, java.time.Duration.ofMinutes(2));
        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
        return sync.historyOfJob(id, job).get("clicks");
    }

    private long rows(long id) {
        return jdbc.sql("SELECT count(*) FROM dra_mongodb.\"" + sync.table(id, "clicks") + "\"").query(Long.class).single();
    }

    @Test
    void shouldSayTheWatermarkFieldIsAbsentAndOfferInsertsById() {
        long id = source(Map.of("incremental", true));
        runOf(id, "full");

        JsonNode row = runOf(id, "incremental");

        assertThat(row.get("syncType").asText()).isEqualTo("full");
        String reason = row.get("syncMetadata").get("modeReason").asText();
        assertThat(reason).contains("field 'updatedAt' is absent from the collection")
                .contains("collectionSettings.clicks.incrementalBy objectIdInserts").contains("inserts only")
                .doesNotContain("no watermark yet");
    }

    @Test
    void shouldLoadOnlyNewDocumentsByObjectIdAndSayItIsInsertsOnly() {
        long id = source(Map.of("incremental", true,
                "collectionSettings", Map.of("clicks", Map.of("incrementalBy", "objectIdInserts"))));
        JsonNode full = runOf(id, "full");
        assertThat(full.get("recordsSynced").asLong()).isEqualTo(500);
        assertThat(full.get("syncMetadata").get("watermark").get("field").asText()).isEqualTo("_id");

        List<Document> added = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            added.add(new Document("_id", new ObjectId()).append("page", "/new/" + i).append("n", 1000 + i));
        }
        clicks.insertMany(added);
        // an update of an old document: inserts only, so not read by the incremental run
        clicks.updateOne(Filters.eq("n", 3), Updates.set("page", "/changed"));

        JsonNode row = runOf(id, "incremental");

        assertThat(row.get("syncType").asText()).as(row.toString()).isEqualTo("incremental");
        assertThat(row.get("recordsSynced").asLong()).isEqualTo(7);
        JsonNode metadata = row.get("syncMetadata");
        assertThat(metadata.get("incrementalBy").asText()).isEqualTo("objectIdInserts");
        assertThat(metadata.get("modeReason").asText()).startsWith("new documents since _id").contains("inserts only");
        assertThat(metadata.get("updates").asText()).contains("not detected");
        assertThat(rows(id)).isEqualTo(507);
        String table = "dra_mongodb.\"" + sync.table(id, "clicks") + "\"";
        assertThat(jdbc.sql("SELECT count(*) FROM " + table + " WHERE page LIKE '/new/%'").query(Long.class).single())
                .isEqualTo(7);
        assertThat(jdbc.sql("SELECT page FROM " + table + " WHERE n = 3").query(String.class).single()).isEqualTo("/p/3");

        // a full run brings the update
        runOf(id, "full");
        assertThat(jdbc.sql("SELECT page FROM " + table + " WHERE n = 3").query(String.class).single())
                .isEqualTo("/changed");
    }

    @Test
    void shouldRunFullWhenNotEveryIdIsAnObjectId() {
        long id = source(Map.of("incremental", true, "incrementalBy", "objectIdInserts"));
        clicks.insertOne(new Document("_id", 42).append("page", "/legacy").append("n", -1));
        runOf(id, "full");

        JsonNode row = runOf(id, "incremental");

        assertThat(row.get("syncType").asText()).isEqualTo("full");
        assertThat(row.get("syncMetadata").get("modeReason").asText()).contains("needs ObjectId _ids")
                .contains("int32").contains("42");
        assertThat(rows(id)).isEqualTo(501);
    }
}
