package io.mongopgsync.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/** What a user's script does with the API: register a source, run a sync, wait for it, find its tables. */
public final class SyncClient {

    private final ApiClient api;

    public SyncClient(ApiClient api) {
        this.api = api;
    }

    public ApiClient api() {
        return api;
    }

    /** Registers a source for {@code connectionString}; no initial sync unless the config asks for one. */
    public long createSource(String namePrefix, String connectionString, String database, Map<String, Object> syncConfig) {
        Map<String, Object> config = new HashMap<>(syncConfig);
        config.putIfAbsent("initialSync", false);
        ApiClient.Response created = api.post("/api/data-sources", ApiClient.json(Map.of(
                "name", namePrefix + "-" + UUID.randomUUID().toString().substring(0, 8),
                "connectionString", connectionString, "database", database, "syncConfig", config)));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json().get("id").asLong();
    }

    /** POST /sync; returns the job id. */
    public long trigger(long sourceId, String syncType) {
        ApiClient.Response response = api.post("/api/data-sources/" + sourceId + "/sync",
                ApiClient.json(Map.of("syncType", syncType)));
        assertThat(response.status()).as(response.toString()).isEqualTo(202);
        return response.json().get("jobId").asLong();
    }

    /** Waits until the source has no queued or running job; returns the final sync-status. */
    public JsonNode awaitIdle(long sourceId, Duration timeout) {
        return awaitIdle(sourceId, timeout, Duration.ofMillis(100));
    }

    /** As {@link #awaitIdle(long, Duration)}, asking every {@code poll} (benchmarks ask seldom, not to slow the sync). */
    public JsonNode awaitIdle(long sourceId, Duration timeout, Duration poll) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(timeout).pollInterval(poll).until(() -> {
            last[0] = api.get("/api/data-sources/" + sourceId + "/sync-status").json();
            return last[0].get("job").isNull();
        });
        return last[0];
    }

    /** Waits until the running sync of the source has loaded its first batch. */
    public void awaitFirstBatch(long sourceId) {
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(20)).until(() -> {
            JsonNode current = api.get("/api/data-sources/" + sourceId + "/sync-status").json().get("current");
            return current.size() > 0 && current.get(0).get("processed").asLong() > 0;
        });
    }

    public JsonNode syncAndWait(long sourceId, String syncType) {
        trigger(sourceId, syncType);
        return awaitIdle(sourceId, Duration.ofMinutes(3));
    }

    public JsonNode job(long sourceId, long jobId) {
        for (JsonNode job : api.get("/api/data-sources/" + sourceId + "/jobs?limit=500").json()) {
            if (job.get("id").asLong() == jobId) {
                return job;
            }
        }
        throw new AssertionError("no job " + jobId);
    }

    /** The imported table of a collection, as the tables API reports it. */
    public String table(long sourceId, String collection) {
        for (JsonNode t : api.get("/api/data-sources/" + sourceId + "/tables").json()) {
            if (t.get("collection").asText().equals(collection)) {
                return t.get("table").asText();
            }
        }
        throw new AssertionError("no table for collection " + collection);
    }

    public Map<String, String> columns(long sourceId, String collection) {
        Map<String, String> fieldToColumn = new HashMap<>();
        for (JsonNode t : api.get("/api/data-sources/" + sourceId + "/tables").json()) {
            if (t.get("collection").asText().equals(collection)) {
                t.get("columns").forEach(c -> fieldToColumn.put(c.get("field").asText(), c.get("column").asText()));
            }
        }
        return fieldToColumn;
    }

    /** History rows of one job, keyed by collection. */
    public Map<String, JsonNode> historyOfJob(long sourceId, long jobId) {
        Map<String, JsonNode> rows = new HashMap<>();
        for (JsonNode row : api.get("/api/data-sources/" + sourceId + "/history?limit=500").json().get("items")) {
            if (row.get("jobId").asLong() == jobId) {
                rows.put(row.get("collectionName").asText(), row);
            }
        }
        return rows;
    }
}
