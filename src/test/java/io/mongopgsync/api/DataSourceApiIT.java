package io.mongopgsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.TestMongo;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ServiceIT
class DataSourceApiIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    ApiClient api;
    final TestMongo mongo = TestMongo.get();

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String body(String name, String connectionString, String database) {
        return ApiClient.json(Map.of("name", name, "connectionString", connectionString, "database", database,
                "description", "orders of the web shop", "syncConfig", Map.of("initialSync", false)));
    }

    @Test
    void shouldCreateReadUpdateAndDeleteWithTheConnectionStringRedacted() {
        String name = unique("shop");
        ApiClient.Response created = api.post("/api/data-sources",
                body(name, "mongodb://reporter:s3cr3t-Pa55@db.example.com:27017/shop?authSource=admin", "shop"));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode source = created.json();
        long id = source.get("id").asLong();
        assertThat(source.get("name").asText()).isEqualTo(name);
        assertThat(source.get("connectionString").asText())
                .isEqualTo("mongodb://reporter:****@db.example.com:27017/shop?authSource=admin");
        assertThat(created.body()).doesNotContain("s3cr3t-Pa55");
        assertThat(source.get("syncStatus").asText()).isEqualTo("pending");

        ApiClient.Response read = api.get("/api/data-sources/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json().get("database").asText()).isEqualTo("shop");
        assertThat(read.body()).doesNotContain("s3cr3t-Pa55");
        assertThat(api.get("/api/data-sources").json().findValuesAsText("name")).contains(name);

        ApiClient.Response updated = api.put("/api/data-sources/" + id,
                ApiClient.json(Map.of("description", "all orders", "database", "shop2")));
        assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
        assertThat(updated.json().get("description").asText()).isEqualTo("all orders");
        assertThat(updated.json().get("database").asText()).isEqualTo("shop2");
        assertThat(updated.json().get("name").asText()).as("fields not given keep their value").isEqualTo(name);
        assertThat(updated.json().get("connectionString").asText()).contains("reporter:****@");

        assertThat(api.delete("/api/data-sources/" + id).status()).isEqualTo(204);
        assertThat(api.get("/api/data-sources/" + id).status()).isEqualTo(404);
        assertThat(jdbc.sql("SELECT count(*) FROM dra_data_sources WHERE id = ?").param(id).query(Long.class).single())
                .isZero();
    }

    @Test
    void shouldStoreTheConnectionStringEncrypted() {
        String name = unique("enc");
        long id = api.post("/api/data-sources",
                body(name, "mongodb://etl_user:Very-Secret.99@mongo.internal:27017/crm", "crm")).json().get("id").asLong();

        String stored = jdbc.sql("SELECT connection_string_encrypted FROM dra_data_sources WHERE id = ?")
                .param(id).query(String.class).single();
        // '.', '-' and '_' never occur in base64: these cannot match by chance
        assertThat(stored).startsWith("v2:").doesNotContain("Very-Secret.99").doesNotContain("mongo.internal")
                .doesNotContain("etl_user");
        String wholeRow = jdbc.sql("SELECT row_to_json(s)::text FROM dra_data_sources s WHERE id = ?")
                .param(id).query(String.class).single();
        assertThat(wholeRow).doesNotContain("Very-Secret.99");
    }

    @Test
    void shouldBuildTheConnectionStringFromConnectionDetails() {
        String name = unique("details");
        ApiClient.Response created = api.post("/api/data-sources", ApiClient.json(Map.of(
                "name", name, "database", "crm", "syncConfig", Map.of("initialSync", false),
                "connectionDetails", Map.of("host", "mongo.internal", "port", 27018, "username", "etl",
                        "password", "p@ss:word", "authSource", "admin", "tls", true))));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().get("connectionString").asText())
                .isEqualTo("mongodb://etl:****@mongo.internal:27018/?authSource=admin&tls=true");
        assertThat(created.body()).doesNotContain("p@ss");
    }

    @Test
    void shouldRejectInvalidFieldsNamingEachOne() {
        ApiClient.Response response = api.post("/api/data-sources", ApiClient.json(Map.of(
                "name", "", "connectionString", "postgres://nope", "database", "a/b",
                "syncConfig", Map.of("batchSize", 50, "colour", "blue"), "extra", 1)));

        assertThat(response.status()).isEqualTo(400);
        JsonNode json = response.json();
        assertThat(json.get("error").asText()).isEqualTo("validation_failed");
        assertThat(json.get("details").findValuesAsText("field"))
                .contains("name", "connectionString", "database", "syncConfig.batchSize", "syncConfig.colour", "extra");
        assertThat(json.get("message").asText()).contains("syncConfig.batchSize").contains("between 100 and 10000");
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void shouldRequireNameConnectionAndDatabase() {
        ApiClient.Response response = api.post("/api/data-sources", "{}");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("details").findValuesAsText("field"))
                .containsExactlyInAnyOrder("name", "connectionString", "database");
    }

    @Test
    void shouldAnswerMalformedJsonWith400() {
        ApiClient.Response response = api.post("/api/data-sources", "{\"name\": \"x\", ");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asText()).isEqualTo("malformed_json");
        assertThat(response.json().get("message").asText()).contains("not valid JSON");
    }

    @Test
    void shouldAnswerAWrongContentTypeWith415() {
        ApiClient.Response response = api.send("/api/data-sources", "POST",
                body(unique("ct"), "mongodb://h:1/x", "x"), "text/plain");

        assertThat(response.status()).isEqualTo(415);
        assertThat(response.json().get("message").asText()).contains("application/json");
    }

    @Test
    void shouldAnswerUnknownIdsWith404() {
        for (ApiClient.Response response : new ApiClient.Response[] {
                api.get("/api/data-sources/987654"),
                api.put("/api/data-sources/987654", "{\"description\": \"x\"}"),
                api.delete("/api/data-sources/987654"),
                api.post("/api/data-sources/987654/test-connection", null)}) {
            assertThat(response.status()).as(response.toString()).isEqualTo(404);
            assertThat(response.json().get("error").asText()).isEqualTo("not_found");
            assertThat(response.json().get("message").asText()).contains("987654");
        }
        assertThat(api.get("/api/data-sources/abc").status()).isEqualTo(400);
    }

    @Test
    void shouldAnswerUnknownPathsInTheSameErrorShape() {
        ApiClient.Response response = api.get("/api/no-such-thing");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().has("error")).isTrue();
        assertThat(response.json().get("message").asText()).contains("/api/no-such-thing");
    }

    @Test
    void shouldRefuseADuplicateNameWith409AndKeepTheFirst() {
        String name = unique("dup");
        long first = api.post("/api/data-sources", body(name, "mongodb://a:1/x", "x")).json().get("id").asLong();

        ApiClient.Response second = api.post("/api/data-sources", body(name, "mongodb://b:2/y", "y"));

        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().get("message").asText()).contains(name);
        assertThat(api.get("/api/data-sources/" + first).json().get("connectionString").asText())
                .isEqualTo("mongodb://a:1/x");
    }

    @Test
    void shouldListTheCollectionsOfAReachableServer() {
        String database = "conn_" + UUID.randomUUID().toString().substring(0, 8);
        mongo.client().getDatabase(database).getCollection("invoices").insertOne(new Document("n", 1));
        mongo.client().getDatabase(database).getCollection("customers").insertOne(new Document("n", 1));
        long id = api.post("/api/data-sources", body(unique("reachable"), mongo.uri(database), database))
                .json().get("id").asLong();

        ApiClient.Response response = api.post("/api/data-sources/" + id + "/test-connection", null);

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        assertThat(response.json().get("ok").asBoolean()).isTrue();
        assertThat(response.json().get("serverVersion").asText()).isNotBlank();
        assertThat(response.json().get("collections")).extracting(JsonNode::asText)
                .containsExactly("customers", "invoices");
    }

    @Test
    void shouldAnswer502QuicklyForAClosedPort() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        long id = api.post("/api/data-sources",
                body(unique("closed"), "mongodb://u:Hunter2-pw@127.0.0.1:" + closedPort + "/x", "x")).json().get("id").asLong();

        Instant start = Instant.now();
        ApiClient.Response response = api.post("/api/data-sources/" + id + "/test-connection", null);
        Duration took = Duration.between(start, Instant.now());

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.json().get("error").asText()).isEqualTo("mongodb_unreachable");
        assertThat(response.json().get("message").asText()).containsIgnoringCase("unreachable");
        assertThat(response.body()).doesNotContain("Hunter2-pw");
        assertThat(took).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void shouldAnswer502WhenTheServerRejectsTheCredentials() {
        String database = "auth_" + UUID.randomUUID().toString().substring(0, 8);
        mongo.client().getDatabase(database).getCollection("c").insertOne(new Document("n", 1));
        String uri = mongo.uri(database).replace("mongodb://", "mongodb://nobody:Wrong-Pass.1@")
                + (mongo.uri(database).contains("?") ? "&" : "?") + "authSource=admin";
        long id = api.post("/api/data-sources", body(unique("auth"), uri, database)).json().get("id").asLong();

        ApiClient.Response response = api.post("/api/data-sources/" + id + "/test-connection", null);

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.json().get("error").asText()).isEqualTo("mongodb_authentication_failed");
        assertThat(response.json().get("message").asText()).containsIgnoringCase("authentication");
        assertThat(response.body()).doesNotContain("Wrong-Pass.1");
    }

    @Test
    void shouldAnswer502ForAnUnknownDatabase() {
        mongo.client().getDatabase("present_db").getCollection("c").insertOne(new Document("n", 1));
        long id = api.post("/api/data-sources", body(unique("nodb"), mongo.uri("missing_db_xyz"), "missing_db_xyz"))
                .json().get("id").asLong();

        ApiClient.Response response = api.post("/api/data-sources/" + id + "/test-connection", null);

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.json().get("error").asText()).isEqualTo("mongodb_unknown_database");
        assertThat(response.json().get("message").asText()).contains("missing_db_xyz");
    }
}
