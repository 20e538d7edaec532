package io.mongopgsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Inputs that once made the service answer 500 (or worse, act): each gets a 4xx in the API's error shape and
 * leaves stored data as it was.
 */
@ServiceIT
class BadInputIT {

    @LocalServerPort
    int port;

    ApiClient api;
    SyncClient sync;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        sync = new SyncClient(api);
    }

    private static void assertErrorShape(ApiClient.Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.contentType()).as(response.toString()).startsWith("application/json");
        assertThat(response.json().get("error").asText()).isNotBlank();
        assertThat(response.json().get("message").asText()).isNotBlank();
    }

    private boolean sourceNamed(String name) {
        for (JsonNode source : api.get("/api/data-sources").json()) {
            if (source.get("name").asText().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void shouldAnswer400ToABodyThatIsNotUtf8() {
        String name = uniqueName("latin1");
        byte[] body = ("{\"name\":\"" + name + "\",\"description\":\"caf\u00e9\",\"connectionString\":"
                + "\"mongodb://127.0.0.1:1/x\",\"syncConfig\":{\"initialSync\":false}}").getBytes(StandardCharsets.ISO_8859_1);

        ApiClient.Response response = api.sendBytes("/api/data-sources", "POST", body, "application/json");

        assertErrorShape(response, 400);
        assertThat(response.json().get("message").asText()).contains("UTF-8");
        assertThat(sourceNamed(name)).isFalse();
    }

    @Test
    void shouldAnswer415InTheErrorShapeToAFormOrANearJsonContentType() {
        assertErrorShape(api.send("/api/data-sources", "POST", "name=x&connectionString=y",
                "application/x-www-form-urlencoded"), 415);
        String name = uniqueName("jsonx");
        ApiClient.Response jsonx = api.send("/api/data-sources", "POST", ApiClient.json(Map.of("name", name,
                "connectionString", "mongodb://127.0.0.1:1/x", "syncConfig", Map.of("initialSync", false))),
                "application/jsonx");
        assertErrorShape(jsonx, 415);
        assertThat(sourceNamed(name)).isFalse();
        // +json suffixes and a charset parameter are JSON
        String other = uniqueName("suffix");
        assertThat(api.send("/api/data-sources", "POST", ApiClient.json(Map.of("name", other,
                "connectionString", "mongodb://127.0.0.1:1/x", "syncConfig", Map.of("initialSync", false))),
                "application/vnd.mongo-pg-sync+json; charset=utf-8").status()).isEqualTo(201);
    }

    @Test
    void shouldRefuseNulInNamesAndDescriptions() {
        String name = uniqueName("nul");
        ApiClient.Response inDescription = api.post("/api/data-sources", ApiClient.json(Map.of("name", name,
                "description", "a\u0000b", "connectionString", "mongodb://127.0.0.1:1/x",
                "syncConfig", Map.of("initialSync", false))));
        assertErrorShape(inDescription, 400);
        assertThat(inDescription.json().get("details").get(0).get("field").asText()).isEqualTo("description");
        assertThat(sourceNamed(name)).isFalse();

        long id = sync.createSource("nul", "mongodb://127.0.0.1:1/x", "x", Map.of());
        assertErrorShape(api.put("/api/data-sources/" + id, ApiClient.json(Map.of("name", "a\u0000b"))), 400);
        assertErrorShape(api.put("/api/data-sources/" + id, ApiClient.json(Map.of("description", "\u0000"))), 400);
        assertThat(api.get("/api/data-sources/" + id).json().get("description").isNull()).isTrue();
        ApiClient.Response inKey = api.put("/api/data-sources/" + id + "/sync-config", ApiClient.json(Map.of(
                "collectionSettings", Map.of("or\u0000ders", Map.of("lastSyncField", "updatedAt")))));
        assertErrorShape(inKey, 400);
        assertThat(inKey.json().get("details").get(0).get("field").asText()).isEqualTo("collectionSettings");
    }

    @Test
    void shouldRefuseASchedulThatNeverFiresBeforeStoringAnything() {
        long id = sync.createSource("never", "mongodb://127.0.0.1:1/x", "x", Map.of("schedule", "0 * * * *"));
        JsonNode before = api.get("/api/data-sources/" + id + "/sync-config").json();
        assertThat(before.get("effective").get("nextRunAt").isNull()).isFalse();

        for (String never : new String[] {"0 0 31 2 *", "0 0 12 * * ? 2001"}) {
            ApiClient.Response response = api.put("/api/data-sources/" + id + "/sync-config",
                    ApiClient.json(Map.of("schedule", never, "batchSize", 2000)));
            assertErrorShape(response, 400);
            assertThat(response.json().get("details").get(0).get("field").asText()).isEqualTo("schedule");
            assertThat(response.json().get("message").asText()).contains("never fires");
        }
        JsonNode after = api.get("/api/data-sources/" + id + "/sync-config").json();
        assertThat(after.get("syncConfig")).isEqualTo(before.get("syncConfig"));
        assertThat(after.get("effective").get("nextRunAt")).isEqualTo(before.get("effective").get("nextRunAt"));

        String name = uniqueName("never");
        ApiClient.Response create = api.post("/api/data-sources", ApiClient.json(Map.of("name", name,
                "connectionString", "mongodb://127.0.0.1:1/x", "syncConfig", Map.of("schedule", "0 0 31 2 *"))));
        assertErrorShape(create, 400);
        assertThat(create.json().get("details").get(0).get("field").asText()).isEqualTo("syncConfig.schedule");
        assertThat(sourceNamed(name)).isFalse();
    }

    @Test
    void shouldSayWhenAConnectionStringCannotBeDecrypted() throws Exception {
        long id = sync.createSource("undecryptable", "mongodb://127.0.0.1:1/x", "x", Map.of());
        TestPostgres pg = TestPostgres.get();
        // as if it had been encrypted with a key this service does not have
        pg.execute(pg.jdbcUrl(), "UPDATE dra_data_sources SET connection_string_encrypted = "
                + "'v2:0000ffff:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' WHERE id = " + id);

        ApiClient.Response response = api.post("/api/data-sources/" + id + "/test-connection", "");

        assertErrorShape(response, 409);
        assertThat(response.json().get("error").asText()).isEqualTo("connection_string_undecryptable");
        assertThat(response.json().get("message").asText()).contains("decrypt").contains("SYNC_PREVIOUS_SECRET_KEYS");
    }

    @Test
    void shouldNotAnswer500ToADirectCallOfTheErrorPage() {
        ApiClient.Response response = api.get("/error");

        assertErrorShape(response, 404);
    }

    @Test
    void shouldTakeOnlyCanonicalPositiveIntegersAsIds() {
        long id = sync.createSource("ids", "mongodb://127.0.0.1:1/x", "x", Map.of());

        for (String bad : new String[] {"+" + id, "0" + id, id + ";drop", id + ".0", "-" + id, "0"}) {
            assertErrorShape(api.get("/api/data-sources/" + bad), 400);
        }
        assertErrorShape(api.delete("/api/data-sources/+" + id), 400);
        assertErrorShape(api.delete("/api/data-sources/" + id + ";x=1"), 400);
        assertThat(api.get("/api/data-sources/" + id).status()).isEqualTo(200);
    }

    @Test
    void shouldAnswerEncodedSlashesAndNulsInPathsInTheErrorShape() {
        assertErrorShape(api.get("/api/data-sources/1%2F2"), 400);
        assertErrorShape(api.get("/api/data-sources/1%00"), 400);
        assertErrorShape(api.delete("/api/data-sources/1%2F..%2F2"), 400);
    }

    @Test
    void shouldNeverEchoAFragmentOfAPassword() {
        ApiClient.Response response = api.post("/api/data-sources", ApiClient.json(Map.of("name", uniqueName("pct"),
                "connectionString", "mongodb://reader:s3cr%ZZet-Pass@127.0.0.1:1/x")));

        assertErrorShape(response, 400);
        assertThat(response.body()).doesNotContain("ZZ").doesNotContain("s3cr").doesNotContain("et-Pass");
        assertThat(response.json().get("message").asText()).contains("connectionString").contains("%");
    }
}
