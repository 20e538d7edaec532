package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongopgsync.mapping.IdEncoder;
import io.mongopgsync.support.Datasets;
import io.mongopgsync.support.ServiceProcess;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import io.mongopgsync.support.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A large collection read in _id ranges by parallel cursors into parallel COPYs of one shadow table holds exactly
 * the collection's documents: none twice, none missing at a bound, whatever the types of their _ids. The service
 * runs in a process of its own that splits collections from 1,000 documents on.
 */
class SplitCollectionIT {

    static ServiceProcess service;
    static String jdbcUrl;
    static SyncClient sync;

    @BeforeAll
    static void start() throws Exception {
        jdbcUrl = TestPostgres.get().createExtraDatabase("splits");
        Map<String, String> properties = ServiceProcess.baseProperties(jdbcUrl);
        properties.put("sync.splits.min-documents", "1000");
        service = ServiceProcess.start("splits", List.of("-Xmx384m"), properties);
        sync = new SyncClient(service.api());
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void shouldImportExactlyTheDocumentsOfACollectionSplitByObjectIdRangesWithIdsOfEveryType() throws Exception {
        List<BsonDocument> docs = new ArrayList<>();
        docs.addAll(Datasets.read("books")); // int and ObjectId _ids
        docs.addAll(Datasets.read("products")); // string and ObjectId _ids
        for (int i = 0; i < 3000; i++) {
            // a later part sees v as text and w as a document: the shadow table widens while the others load
            docs.add(new BsonDocument("_id", new BsonObjectId(new ObjectId()))
                    .append("v", i > 2500 ? new BsonString("text " + i) : new BsonInt32(i))
                    .append("w", i % 700 == 0 ? new BsonDocument("nested", new BsonInt32(i)) : new BsonInt32(i)));
        }
        for (long i = 0; i < 1500; i++) {
            docs.add(new BsonDocument("_id", new BsonInt64(1_000_000_000_000L + i)).append("v", new BsonInt32(1)));
        }
        for (BsonValue odd : List.of(new BsonDouble(1.5), new BsonDouble(-2.25), new BsonDouble(Double.NaN),
                new BsonDouble(Double.POSITIVE_INFINITY), new BsonString("a string"), new BsonString("1"),
                new BsonDocument("a", new BsonInt32(1)), BsonBoolean.TRUE, new BsonDateTime(0))) {
            docs.add(new BsonDocument("_id", odd).append("v", new BsonInt32(2)));
        }

        JsonNode row = syncAll("mixed", docs);

        assertThat(row.get("recordsSynced").asLong()).isEqualTo(docs.size());
        assertThat(row.get("recordsFailed").asLong()).isZero();
        assertThat(metadata(row).path("splits").asInt()).as(row.toString()).isEqualTo(5); // 4 ranges + the rest
        assertThat(ids("mixed")).isEqualTo(expectedIds(docs));
        String table = table("mixed");
        assertThat(query("SELECT count(*) FROM " + table + " WHERE v = 'text 2999'")).isEqualTo(1);
        assertThat(query("SELECT count(*) FROM " + table + " WHERE v = '5'")).isEqualTo(1);
        assertThat(query("SELECT count(*) FROM " + table + " WHERE w = '{\"nested\": 700}'::jsonb")).isEqualTo(1);
    }

    @Test
    void shouldImportExactlyTheDocumentsOfACollectionSplitByNumberRanges() throws Exception {
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            docs.add(new BsonDocument("_id", i % 3 == 0 ? new BsonInt64(i) : new BsonInt32(i))
                    .append("name", new BsonString("n" + i)));
        }
        docs.add(new BsonDocument("_id", new BsonDouble(1999.5)).append("name", new BsonString("half")));
        docs.add(new BsonDocument("_id", new BsonString("zzz")).append("name", new BsonString("text")));

        JsonNode row = syncAll("numbers", docs);

        assertThat(row.get("recordsSynced").asLong()).isEqualTo(docs.size());
        assertThat(metadata(row).path("splits").asInt()).as(row.toString()).isEqualTo(5);
        assertThat(ids("numbers")).isEqualTo(expectedIds(docs));
    }

    @Test
    void shouldRetryASplitCollectionWhoseMongoConnectionBrokeAndStillHoldEachDocumentOnce() throws Exception {
        String database = "splits_flaky_" + UUID.randomUUID().toString().substring(0, 8);
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            docs.add(new BsonDocument("_id", new BsonInt32(i)).append("v", new BsonString("value " + i)));
        }
        TestMongo.get().client().getDatabase(database).getCollection("items", BsonDocument.class).insertMany(docs);
        String upstream = new com.mongodb.ConnectionString(TestMongo.get().uri()).getHosts().get(0);
        try (io.mongopgsync.support.TcpProxy proxy = new io.mongopgsync.support.TcpProxy(
                upstream.substring(0, upstream.lastIndexOf(':')),
                Integer.parseInt(upstream.substring(upstream.lastIndexOf(':') + 1)))) {
            long source = sync.createSource("splits-flaky", "mongodb://127.0.0.1:" + proxy.port() + "/" + database
                    + "?directConnection=true", database, Map.of("parallelism", 4, "batchSize", 100));
            lastSource = source;

            long job = sync.trigger(source, "full");
            sync.awaitFirstBatch(source);
            proxy.cutConnections();
            JsonNode status = sync.awaitIdle(source, Duration.ofMinutes(5));

            assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
            JsonNode row = sync.historyOfJob(source, job).get("items");
            assertThat(row.get("recordsSynced").asLong()).isEqualTo(30_000);
            assertThat(metadata(row).get("attempts").asInt()).as(row.toString()).isGreaterThanOrEqualTo(2);
            assertThat(metadata(row).path("splits").asInt()).isEqualTo(5);
            assertThat(ids("items")).isEqualTo(expectedIds(docs));
        }
    }

    private JsonNode syncAll(String collection, List<BsonDocument> docs) {
        String database = "splits_" + UUID.randomUUID().toString().substring(0, 8);
        TestMongo.get().client().getDatabase(database).getCollection(collection, BsonDocument.class).insertMany(docs);
        long source = sync.createSource("splits", TestMongo.get().uri(database), database,
                Map.of("parallelism", 4, "batchSize", 200));
        long job = sync.trigger(source, "full");
        JsonNode status = sync.awaitIdle(source, Duration.ofMinutes(5));
        assertThat(status.get("syncStatus").asText()).as(status + service.logTail()).isEqualTo("completed");
        lastSource = source;
        return sync.historyOfJob(source, job).get(collection);
    }

    private long lastSource;

    private static JsonNode metadata(JsonNode historyRow) {
        return historyRow.get("syncMetadata");
    }

    private static Set<String> expectedIds(List<BsonDocument> docs) {
        Set<String> ids = new HashSet<>();
        docs.forEach(d -> ids.add(IdEncoder.encode(d.get("_id"))));
        assertThat(ids).hasSize(docs.size());
        return ids;
    }

    private String table(String collection) {
        return "dra_mongodb.\"" + sync.table(lastSource, collection) + "\"";
    }

    private Set<String> ids(String collection) throws Exception {
        Set<String> ids = new HashSet<>();
        long rows = 0;
        try (Connection c = DriverManager.getConnection(jdbcUrl, TestPostgres.get().user(), TestPostgres.get().password());
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT _id FROM " + table(collection))) {
            while (rs.next()) {
                ids.add(rs.getString(1));
                rows++;
            }
        }
        assertThat(rows).as("rows, none twice").isEqualTo(ids.size());
        return ids;
    }

    private long query(String sql) throws Exception {
        return TestPostgres.get().queryLong(jdbcUrl, sql);
    }
}
