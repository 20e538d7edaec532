package io.mongopgsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.EventStreamClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * One naming convention across the API: every key of every JSON answer (and of the live channel's events) is
 * camelCase. Keys that are data (collection, field and column names, status values counted per status, documents)
 * are not names of the API and are not checked.
 */
@ServiceIT
class JsonKeyConventionIT {

    private static final Pattern CAMEL_CASE = Pattern.compile("[a-z][a-zA-Z0-9]*");
    /** Objects whose keys are data; their values are still checked. */
    private static final Set<String> KEYED_BY_DATA = Set.of("byStatus", "renamedFields", "collectionSettings", "values");
    /** Values that are data through and through. */
    private static final Set<String> DATA = Set.of("documents", "body", "filter", "sourceDocument");

    @LocalServerPort
    int port;

    final TestMongo mongo = TestMongo.get();

    @Test
    void shouldAnswerCamelCaseKeysOnEveryEndpoint() {
        String database = "keys_" + UUID.randomUUID().toString().substring(0, 8);
        mongo.client().getDatabase(database).getCollection("web_orders").insertMany(List.of(
                new Document("_id", 1).append("Total Amount", 10).append("order_state", "new"),
                new Document("_id", 2).append("Total Amount", "12.5").append("order_state", "paid")));
        ApiClient api = new ApiClient(port);
        SyncClient sync = new SyncClient(api);
        long id = sync.createSource("keys", mongo.uri(database), database,
                Map.of("collectionSettings", Map.of("web_orders", Map.of("lastSyncField", "order_state"))));
        String source = "/api/data-sources/" + id;

        List<String> offending = new ArrayList<>();
        try (EventStreamClient events = new EventStreamClient(port, null)) {
            ApiClient.Response triggered = api.post(source + "/sync", ApiClient.json(Map.of("syncType", "full")));
            assertThat(triggered.status()).as(triggered.toString()).isEqualTo(202);
            collect("POST /sync", triggered.json(), offending);
            // the status while the job is known, then after it ended
            collect("GET /sync-status", api.get(source + "/sync-status").json(), offending);
            JsonNode done = sync.awaitIdle(id, Duration.ofMinutes(2));
            assertThat(done.get("syncStatus").asText()).as(done.toString()).isEqualTo("completed");
            collect("GET /sync-status", done, offending);
            await().atMost(Duration.ofSeconds(20)).until(() -> events.events().stream()
                    .anyMatch(e -> e.type().equals("history") && e.data().path("dataSourceId").asLong() == id));
            events.events().forEach(e -> collect("event " + e.type(), e.data(), offending));
        }
        for (String path : List.of("/api/data-sources", source, source + "/sync-config", source + "/history",
                source + "/jobs", source + "/tables", source + "/rejects", "/api/metrics", "/api/me", "/api/tokens",
                "/api/audit?limit=20")) {
            ApiClient.Response response = api.get(path);
            assertThat(response.status()).as(response.toString()).isEqualTo(200);
            collect("GET " + path, response.json(), offending);
        }
        ApiClient.Response preview = api.post(source + "/preview", ApiClient.json(Map.of("collection", "web_orders")));
        assertThat(preview.status()).as(preview.toString()).isEqualTo(200);
        collect("POST /preview", preview.json(), offending);
        ApiClient.Response query = api.post(source + "/query",
                ApiClient.json(Map.of("collection", "web_orders", "pipeline", List.of(), "explain", true)));
        assertThat(query.status()).as(query.toString()).isEqualTo(200);
        collect("POST /query", query.json(), offending);
        ApiClient.Response token = api.post("/api/tokens", ApiClient.json(Map.of("name",
                "keys-" + UUID.randomUUID().toString().substring(0, 8), "role", "viewer")));
        assertThat(token.status()).as(token.toString()).isEqualTo(201);
        collect("POST /api/tokens", token.json(), offending);
        ApiClient.Response refused = api.post(source + "/sync/cancel", "");
        collect("POST /sync/cancel (nothing running)", refused.json(), offending);

        assertThat(offending).as("keys that are not camelCase").isEmpty();
    }

    private static void collect(String where, JsonNode node, List<String> offending) {
        walk(where, "", node, false, offending);
    }

    private static void walk(String where, String path, JsonNode node, boolean keysAreData, List<String> offending) {
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(where, path + "[" + i + "]", node.get(i), false, offending);
            }
        } else if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                String key = field.getKey();
                if (!keysAreData && !key.equals("_id") && !CAMEL_CASE.matcher(key).matches()) {
                    offending.add(where + ": " + path + "." + key);
                }
                if (!DATA.contains(key)) {
                    walk(where, path + "." + key, field.getValue(), KEYED_BY_DATA.contains(key), offending);
                }
            });
        }
    }
}
