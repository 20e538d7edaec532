package io.mongopgsync.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

@ServiceIT
class SyncConfigApiIT {

    @LocalServerPort
    int port;

    ApiClient api;
    long id;

    @BeforeEach
    void setUp() {
        api = new ApiClient(port);
        id = new SyncClient(api).createSource("config", "mongodb://127.0.0.1:1/x", "x", Map.of());
    }

    private ApiClient.Response put(Map<String, Object> config) {
        return api.put("/api/data-sources/" + id + "/sync-config", ApiClient.json(config));
    }

    @Test
    void shouldStoreAValidConfigAndShowWhatIsInEffect() {
        ApiClient.Response response = put(Map.of("schedule", "0 */6 * * *", "batchSize", 5000, "incremental", true,
                "lastSyncField", "modifiedAt", "collections", Map.of("include", List.of("orders")),
                "parallelism", 2, "fullSyncEvery", 24, "initialSync", false));

        assertThat(response.status()).as(response.toString()).isEqualTo(200);
        JsonNode read = api.get("/api/data-sources/" + id + "/sync-config").json();
        assertThat(read.get("syncConfig").get("schedule").asText()).isEqualTo("0 */6 * * *");
        assertThat(read.get("effective").get("quartzSchedule").asText()).isEqualTo("0 0 */6 * * ?");
        assertThat(read.get("effective").get("batchSize").asInt()).isEqualTo(5000);
        assertThat(read.get("effective").get("sampleSize").asInt()).isEqualTo(1000);
        assertThat(read.get("effective").get("fullSyncEvery").asInt()).isEqualTo(24);
        assertThat(api.get("/api/data-sources/" + id).json().get("syncConfig").get("lastSyncField").asText())
                .isEqualTo("modifiedAt");
    }

    @Test
    void shouldAcceptQuartzSixAndSevenFieldCron() {
        assertThat(put(Map.of("schedule", "0 15 10 ? * MON-FRI", "initialSync", false)).status()).isEqualTo(200);
        assertThat(put(Map.of("schedule", "0 15 10 ? * MON-FRI 2099", "initialSync", false)).status()).isEqualTo(200);
    }

    @Test
    void shouldRejectInvalidConfigsNamingTheField() {
        assertBadField(Map.of("batchSize", 50), "batchSize", "between 100 and 10000");
        assertBadField(Map.of("batchSize", 20_000), "batchSize", "between 100 and 10000");
        assertBadField(Map.of("schedule", "every hour"), "schedule", "fields");
        assertBadField(Map.of("schedule", "0 61 * * *"), "schedule", "not a valid cron expression");
        assertBadField(Map.of("schedule", "0 9 1 * 1"), "schedule", "both day-of-month and day-of-week");
        assertBadField(Map.of("colour", "blue"), "colour", "not a known field");
        assertBadField(Map.of("collections", Map.of("include", "orders")), "collections.include", "array");
        assertBadField(Map.of("incremental", "yes"), "incremental", "true or false");
        assertBadField(Map.of("scheduleTimeZone", "Mars/Olympus"), "scheduleTimeZone", "time zone");
        assertBadField(Map.of("collectionSettings", Map.of("orders", Map.of("lastSyncField", "$bad"))),
                "collectionSettings.orders.lastSyncField", "field path");
        assertBadField(Map.of("incrementalBy", "insertedAt"), "incrementalBy", "one of [lastSyncField, objectIdInserts]");
        assertBadField(Map.of("collectionSettings", Map.of("clicks", Map.of("incrementalBy", "objectIdInserts",
                "lastSyncField", "at"))), "collectionSettings.clicks.lastSyncField", "not used with incrementalBy");
    }

    @Test
    void shouldShowTheCollectionSettingsInEffect() {
        ApiClient.Response response = put(Map.of("incremental", true, "lastSyncField", "modifiedAt",
                "collections", Map.of("exclude", List.of("audit")), "initialSync", false,
                "collectionSettings", Map.of("orders", Map.of("lastSyncField", "meta.changedAt"),
                        "clicks", Map.of("incrementalBy", "objectIdInserts"),
                        "audit", Map.of("lastSyncField", "at"))));
        assertThat(response.status()).as(response.toString()).isEqualTo(200);

        JsonNode effective = api.get("/api/data-sources/" + id + "/sync-config").json().get("effective");
        assertThat(effective.get("incrementalBy").asText()).isEqualTo("lastSyncField");
        JsonNode settings = effective.get("collectionSettings");
        assertThat(settings).as(effective.toString()).isNotNull();
        assertThat(settings.size()).isEqualTo(3);
        assertThat(settings.get("orders").get("lastSyncField").asText()).isEqualTo("meta.changedAt");
        assertThat(settings.get("orders").get("incrementalBy").asText()).isEqualTo("lastSyncField");
        assertThat(settings.get("clicks").get("incrementalBy").asText()).isEqualTo("objectIdInserts");
        assertThat(settings.get("clicks").get("lastSyncField").asText()).isEqualTo("_id");
        assertThat(settings.get("audit").get("included").asBoolean()).isFalse();
        assertThat(settings.get("orders").get("included").asBoolean()).isTrue();
    }

    @Test
    void shouldLeaveTheStoredConfigUntouchedWhenRejected() {
        put(Map.of("batchSize", 2000, "initialSync", false));

        assertThat(put(Map.of("batchSize", 1)).status()).isEqualTo(400);

        assertThat(api.get("/api/data-sources/" + id + "/sync-config").json().get("syncConfig").get("batchSize").asInt())
                .isEqualTo(2000);
    }

    @Test
    void shouldAnswerMalformedJsonAndUnknownIds() {
        assertThat(api.put("/api/data-sources/" + id + "/sync-config", "{\"batchSize\": ").status()).isEqualTo(400);
        assertThat(api.get("/api/data-sources/999999/sync-config").status()).isEqualTo(404);
        assertThat(api.put("/api/data-sources/999999/sync-config", "{}").status()).isEqualTo(404);
    }

    private void assertBadField(Map<String, Object> config, String field, String messagePart) {
        ApiClient.Response response = put(config);
        assertThat(response.status()).as(config + " -> " + response).isEqualTo(400);
        JsonNode detail = null;
        for (JsonNode d : response.json().get("details")) {
            if (d.get("field").asText().equals(field)) {
                detail = d;
            }
        }
        assertThat(detail).as(field + " named in " + response).isNotNull();
        assertThat(detail.get("message").asText()).contains(messagePart);
    }
}
