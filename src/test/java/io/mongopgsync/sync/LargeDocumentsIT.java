package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Documents larger than a batch's byte budget (sync.memory.batch-bytes, 8 MB) are still imported, each in a batch
 * of its own, between ordinary ones.
 */
@ServiceIT
class LargeDocumentsIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void shouldImportDocumentsOverTheBatchByteBudgetWholeAndEveryOtherDocument() {
        String database = "large_docs_" + UUID.randomUUID().toString().substring(0, 8);
        MongoCollection<Document> files = TestMongo.get().client().getDatabase(database).getCollection("files");
        for (int i = 0; i < 40; i++) {
            files.insertOne(new Document("_id", i).append("name", "small " + i));
            if (i % 15 == 7) {
                // about 9 MB of BSON: over the 8 MB budget on its own
                files.insertOne(new Document("_id", 1000 + i).append("name", "large " + i)
                        .append("blob", String.valueOf((char) ('a' + i % 26)).repeat(9 << 20)));
            }
        }
        SyncClient sync = new SyncClient(new ApiClient(port));
        long id = sync.createSource("large-docs", TestMongo.get().uri(database), database, Map.of("batchSize", 100));

        long job = sync.trigger(id, "full");
        JsonNode status = sync.awaitIdle(id, Duration.ofMinutes(3));

        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
        JsonNode row = sync.historyOfJob(id, job).get("files");
        assertThat(row.get("recordsSynced").asLong()).isEqualTo(43);
        assertThat(row.get("recordsFailed").asLong()).isZero();
        String table = "dra_mongodb.\"" + sync.table(id, "files") + "\"";
        List<Map<String, Object>> large = jdbc.sql("SELECT _id, length(blob) AS blob, "
                + "length(_source_document->>'blob') AS source FROM " + table + " WHERE blob IS NOT NULL ORDER BY _id")
                .query().listOfRows();
        assertThat(large).extracting(r -> r.get("_id")).containsExactly("1007", "1022", "1037");
        assertThat(large).allSatisfy(r -> {
            assertThat(((Number) r.get("blob")).longValue()).isEqualTo(9L << 20);
            assertThat(((Number) r.get("source")).longValue()).isEqualTo(9L << 20);
        });
        assertThat(jdbc.sql("SELECT count(*) FROM " + table + " WHERE name LIKE 'small %'").query(Long.class).single())
                .isEqualTo(40);
    }
}
