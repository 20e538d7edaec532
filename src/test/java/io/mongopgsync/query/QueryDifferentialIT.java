package io.mongopgsync.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import io.mongopgsync.demo.DemoDataGenerator;
import io.mongopgsync.mapping.ExtendedJson;
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
import java.util.stream.Stream;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The differential corpus: every pipeline answered by MongoDB and, after a full import through the service, by
 * POST /query from PostgreSQL; the answers must be equal (as multisets unless the pipeline sorts). Prints the
 * agreement figure.
 */
@ServiceIT
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryDifferentialIT {

    @LocalServerPort
    int port;

    private SyncClient sync;
    private final Map<String, Long> sources = new java.util.HashMap<>();
    private final Map<String, MongoDatabase> databases = new java.util.HashMap<>();
    private int ran;
    private int agreed;
    private final List<String> excluded = new ArrayList<>();

    @BeforeAll
    void importDatasetsAndDemo() {
        sync = new SyncClient(new ApiClient(port));
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        MongoDatabase datasets = TestMongo.get().client().getDatabase("qdatasets_" + suffix);
        for (String name : Datasets.ALL) {
            Datasets.load(datasets, name);
        }
        MongoDatabase demo = TestMongo.get().client().getDatabase("qdemo_" + suffix);
        new DemoDataGenerator(1).seed(demo);
        databases.put(PipelineCorpus.DATASETS, datasets);
        databases.put(PipelineCorpus.DEMO, demo);
        for (Map.Entry<String, MongoDatabase> e : databases.entrySet()) {
            String db = e.getValue().getName();
            long id = sync.createSource("query-" + e.getKey(), TestMongo.get().uri(db), db, Map.of());
            sync.trigger(id, "full");
            sources.put(e.getKey(), id);
        }
        for (long id : sources.values()) {
            sync.awaitIdle(id, Duration.ofMinutes(3));
            // the job ends just before its source's status does
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !sync.api()
                    .get("/api/data-sources/" + id + "/sync-status").json().get("syncStatus").asText().equals("in_progress"));
            JsonNode status = sync.api().get("/api/data-sources/" + id + "/sync-status").json();
            assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
        }
    }

    @TestFactory
    Stream<DynamicTest> shouldAnswerEveryPipelineOfTheCorpusAsMongoDbDoes() {
        List<PipelineCorpus.Case> corpus = PipelineCorpus.all();
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(60);
        return corpus.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private void check(PipelineCorpus.Case c) {
        if (!TestMongo.get().isReal() && c.embeddedDeviation() != null) {
            excluded.add(c.name() + " (" + c.embeddedDeviation() + ")");
            Assumptions.abort("the embedded server deviates from MongoDB here: " + c.embeddedDeviation());
        }
        BsonArray pipeline = BsonArray.parse(c.pipeline());
        List<BsonDocument> stages = pipeline.stream().map(BsonValue::asDocument).toList();
        List<BsonDocument> expected = databases.get(c.source()).getCollection(c.collection(), BsonDocument.class)
                .aggregate(stages).into(new ArrayList<>());
        ApiClient.Response response = sync.api().post("/api/data-sources/" + sources.get(c.source()) + "/query",
                "{\"collection\": " + ExtendedJson.quote(c.collection()) + ", \"pipeline\": " + json(stages) + "}");
        ran++;
        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().get("source").asText()).isEqualTo("postgres");
        List<BsonDocument> actual = new ArrayList<>();
        for (JsonNode d : response.json().get("documents")) {
            actual.add(BsonDocument.parse(d.toString()));
        }
        assertThat(CanonicalDocuments.of(actual, c.ordered(), c.setArrays()))
                .as("%s%nMongoDB: %s%nPostgreSQL: %s%nSQL: %s", c.pipeline(), expected, actual, response.json().get("sql"))
                .isEqualTo(CanonicalDocuments.of(expected, c.ordered(), c.setArrays()));
        agreed++;
    }

    private static String json(List<BsonDocument> stages) {
        List<String> out = new ArrayList<>();
        for (BsonDocument s : stages) {
            out.add(s.toJson(ExtendedJson.RELAXED));
        }
        return "[" + String.join(", ", out) + "]";
    }

    @AfterAll
    void printAgreement() {
        System.out.printf("Differential corpus against %s: %d pipelines, %d ran, %d agree (%.1f%%), %d excluded on the "
                        + "embedded server%n", TestMongo.get().origin(), PipelineCorpus.all().size(), ran, agreed,
                ran == 0 ? 0.0 : 100.0 * agreed / ran, excluded.size());
        excluded.forEach(e -> System.out.println("  excluded: " + e));
    }
}
