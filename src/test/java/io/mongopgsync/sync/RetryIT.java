package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.ConnectionString;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TcpProxy;
import io.mongopgsync.support.TestMongo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The network to MongoDB breaks in the middle of a collection scan: the collection is retried from the start and
 * completes, and the history row counts the attempts.
 */
@ServiceIT
class RetryIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void shouldRetryACollectionWhoseMongoConnectionBrokeMidScan() throws Exception {
        String database = "flaky_" + UUID.randomUUID().toString().substring(0, 8);
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            docs.add(new Document("_id", i).append("v", "value " + i));
        }
        TestMongo.get().client().getDatabase(database).getCollection("items").insertMany(docs);
        String upstream = new ConnectionString(TestMongo.get().uri()).getHosts().get(0);
        try (TcpProxy proxy = new TcpProxy(upstream.substring(0, upstream.lastIndexOf(':')),
                Integer.parseInt(upstream.substring(upstream.lastIndexOf(':') + 1)))) {
            SyncClient sync = new SyncClient(new ApiClient(port));
            long id = sync.createSource("flaky", "mongodb://127.0.0.1:" + proxy.port() + "/" + database
                    + "?directConnection=true", database, Map.of("batchSize", 100));

            long job = sync.trigger(id, "full");
            sync.awaitFirstBatch(id);
            proxy.cutConnections();
            JsonNode status = sync.awaitIdle(id, Duration.ofMinutes(2));

            assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
            JsonNode row = sync.historyOfJob(id, job).get("items");
            assertThat(row.get("status").asText()).isEqualTo("completed");
            assertThat(row.get("recordsSynced").asLong()).isEqualTo(30_000);
            assertThat(row.get("syncMetadata").get("attempts").asInt()).isEqualTo(2);
            assertThat(jdbc.sql("SELECT count(*) FROM dra_mongodb.\"" + sync.table(id, "items") + "\"")
                    .query(Long.class).single()).isEqualTo(30_000);
        }
    }
}
