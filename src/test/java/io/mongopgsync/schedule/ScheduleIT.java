package io.mongopgsync.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

@ServiceIT
class ScheduleIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private long scheduledRuns(long sourceId) {
        return jdbc.sql("SELECT count(*) FROM dra_sync_jobs WHERE data_source_id = ? AND trigger = 'schedule'")
                .param(sourceId).query(Long.class).single();
    }

    private long historyRows(long sourceId) {
        return jdbc.sql("SELECT count(*) FROM dra_mongodb_sync_history h JOIN dra_sync_jobs j ON j.id = h.job_id "
                + "WHERE h.data_source_id = ? AND j.trigger = 'schedule' AND h.status = 'completed'")
                .param(sourceId).query(Long.class).single();
    }

    @Test
    void shouldFireAPerSecondScheduleAndStopWhenItIsRemoved() {
        SyncClient sync = new SyncClient(new ApiClient(port));
        String database = "sched_" + UUID.randomUUID().toString().substring(0, 8);
        TestMongo.get().client().getDatabase(database).getCollection("ticks").insertOne(new Document("_id", 1));
        long id = sync.createSource("sched", TestMongo.get().uri(database), database, Map.of());

        ApiClient.Response put = sync.api().put("/api/data-sources/" + id + "/sync-config",
                ApiClient.json(Map.of("schedule", "* * * * * ?", "initialSync", false)));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        assertThat(put.json().get("effective").get("quartzSchedule").asText()).isEqualTo("* * * * * ?");

        await().atMost(Duration.ofSeconds(30)).until(() -> historyRows(id) >= 2);
        JsonNode jobs = sync.api().get("/api/data-sources/" + id + "/jobs?limit=50").json();
        assertThat(jobs.findValuesAsText("trigger")).contains("schedule");

        assertThat(sync.api().put("/api/data-sources/" + id + "/sync-config",
                ApiClient.json(Map.of("initialSync", false))).status()).isEqualTo(200);
        sync.awaitIdle(id, Duration.ofSeconds(30));
        long afterRemoval = scheduledRuns(id);

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> scheduledRuns(id) == afterRemoval);
        assertThat(jdbc.sql("SELECT count(*) FROM qrtz_triggers WHERE trigger_name = ?").param("source-" + id)
                .query(Long.class).single()).isZero();
    }

    @Test
    void shouldRecordAFiringThatFindsTheSourceBusyAsSkipped() {
        SyncClient sync = new SyncClient(new ApiClient(port));
        String database = "busy_" + UUID.randomUUID().toString().substring(0, 8);
        var collection = TestMongo.get().client().getDatabase(database).getCollection("big");
        java.util.List<Document> docs = new java.util.ArrayList<>();
        for (int i = 0; i < 40_000; i++) {
            docs.add(new Document("_id", i).append("v", "value " + i));
        }
        collection.insertMany(docs);
        long id = sync.createSource("busy", TestMongo.get().uri(database), database, Map.of("batchSize", 100));
        sync.trigger(id, "full");

        sync.api().put("/api/data-sources/" + id + "/sync-config",
                ApiClient.json(Map.of("schedule", "* * * * * ?", "batchSize", 100, "initialSync", false)));

        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql("SELECT count(*) FROM dra_sync_jobs WHERE "
                + "data_source_id = ? AND status = 'skipped' AND trigger = 'schedule'").param(id).query(Long.class).single() >= 1);
        String reason = jdbc.sql("SELECT error_message FROM dra_sync_jobs WHERE data_source_id = ? AND status = 'skipped' "
                + "LIMIT 1").param(id).query(String.class).single();
        assertThat(reason).startsWith("skipped: a sync is already").contains("as job");
        sync.api().put("/api/data-sources/" + id + "/sync-config", ApiClient.json(Map.of("initialSync", false)));
        sync.awaitIdle(id, Duration.ofMinutes(1));
    }

    @Test
    void shouldImportANewlyRegisteredSourceWithoutAnyFurtherCall() {
        SyncClient sync = new SyncClient(new ApiClient(port));
        String database = "auto_" + UUID.randomUUID().toString().substring(0, 8);
        TestMongo.get().client().getDatabase(database).getCollection("customers")
                .insertMany(java.util.List.of(new Document("_id", 1).append("n", "a"), new Document("_id", 2).append("n", "b")));

        ApiClient.Response created = sync.api().post("/api/data-sources", ApiClient.json(Map.of(
                "name", "auto-" + UUID.randomUUID().toString().substring(0, 8),
                "connectionString", TestMongo.get().uri(database), "database", database)));
        long id = created.json().get("id").asLong();

        await().atMost(Duration.ofSeconds(60)).until(() ->
                "completed".equals(sync.api().get("/api/data-sources/" + id).json().get("syncStatus").asText()));
        assertThat(jdbc.sql("SELECT count(*) FROM dra_mongodb.\"" + sync.table(id, "customers") + "\"")
                .query(Long.class).single()).isEqualTo(2);
        assertThat(sync.api().get("/api/data-sources/" + id + "/jobs").json().findValuesAsText("trigger"))
                .containsExactly("registration");
    }

    @Test
    void shouldChangeATriggerWhenTheScheduleChanges() {
        SyncClient sync = new SyncClient(new ApiClient(port));
        long id = sync.createSource("resched", "mongodb://127.0.0.1:1/x", "x", Map.of());

        sync.api().put("/api/data-sources/" + id + "/sync-config",
                ApiClient.json(Map.of("schedule", "0 3 * * *", "initialSync", false)));
        String first = cron(id);
        sync.api().put("/api/data-sources/" + id + "/sync-config",
                ApiClient.json(Map.of("schedule", "30 4 * * 1-5", "scheduleTimeZone", "Europe/Berlin", "initialSync", false)));

        assertThat(first).isEqualTo("0 0 3 * * ?");
        assertThat(cron(id)).isEqualTo("0 30 4 ? * MON,TUE,WED,THU,FRI");
        assertThat(jdbc.sql("SELECT time_zone_id FROM qrtz_cron_triggers WHERE trigger_name = ?").param("source-" + id)
                .query(String.class).single()).isEqualTo("Europe/Berlin");
        assertThat(sync.api().delete("/api/data-sources/" + id).status()).isEqualTo(204);
        assertThat(jdbc.sql("SELECT count(*) FROM qrtz_triggers WHERE trigger_name = ?").param("source-" + id)
                .query(Long.class).single()).isZero();
    }

    private String cron(long id) {
        return jdbc.sql("SELECT cron_expression FROM qrtz_cron_triggers WHERE trigger_name = ?").param("source-" + id)
                .query(String.class).single();
    }
}
