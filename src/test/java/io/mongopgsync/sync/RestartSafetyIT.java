package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongopgsync.support.ServiceProcess;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import io.mongopgsync.support.TestPostgres;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** What happens to jobs across restarts and crashes of the service process. */
class RestartSafetyIT {

    private static String database(int documents) {
        String database = "restart_" + UUID.randomUUID().toString().substring(0, 8);
        var collection = TestMongo.get().client().getDatabase(database).getCollection("items");
        TestMongo.insertInBatches(collection, 0, documents,
                i -> new Document("_id", i).append("v", "value " + i).append("n", i));
        return database;
    }

    private static long queryLong(String jdbcUrl, String sql) throws Exception {
        return TestPostgres.get().queryLong(jdbcUrl, sql);
    }

    private static void execute(String jdbcUrl, String sql) throws Exception {
        TestPostgres.get().execute(jdbcUrl, sql);
    }

    @Test
    void shouldFailAndRequeueAJobWhoseInstanceCrashed() throws Exception {
        String database = database(60_000);
        String jdbcUrl = TestPostgres.get().createExtraDatabase("crash");
        Map<String, String> properties = ServiceProcess.baseProperties(jdbcUrl);
        long sourceId;
        long crashedJob;
        try (ServiceProcess first = ServiceProcess.start("crash-a", List.of("-Xmx512m"), properties)) {
            SyncClient sync = new SyncClient(first.api());
            sourceId = sync.createSource("crash", TestMongo.get().uri(database), database, Map.of("batchSize", 100));
            crashedJob = sync.trigger(sourceId, "full");
            sync.awaitFirstBatch(sourceId);
            first.kill();
        }
        assertThat(queryLong(jdbcUrl, "SELECT count(*) FROM dra_sync_jobs WHERE status = 'running'")).isEqualTo(1);

        try (ServiceProcess second = ServiceProcess.start("crash-b", List.of("-Xmx512m"), properties)) {
            SyncClient sync = new SyncClient(second.api());
            JsonNode status = sync.awaitIdle(sourceId, Duration.ofMinutes(3));

            assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
            JsonNode crashed = sync.job(sourceId, crashedJob);
            assertThat(crashed.get("status").asText()).isEqualTo("failed");
            assertThat(crashed.get("errorMessage").asText()).contains("interrupted");
            JsonNode retry = second.api().get("/api/data-sources/" + sourceId + "/jobs").json().get(0);
            assertThat(retry.get("retryOf").asLong()).isEqualTo(crashedJob);
            assertThat(retry.get("trigger").asText()).isEqualTo("retry");
            assertThat(retry.get("status").asText()).isEqualTo("completed");
            JsonNode crashedHistory = sync.historyOfJob(sourceId, crashedJob).get("items");
            assertThat(crashedHistory.get("status").asText()).isEqualTo("failed");
            assertThat(crashedHistory.get("errorMessage").asText()).contains("interrupted");
            assertThat(queryLong(jdbcUrl, "SELECT count(*) FROM dra_mongodb.\"" + sync.table(sourceId, "items") + "\""))
                    .isEqualTo(60_000);
        }
    }

    @Test
    void shouldStopAndRequeueRunningJobsOnAGracefulShutdown() throws Exception {
        String database = database(60_000);
        String jdbcUrl = TestPostgres.get().createExtraDatabase("graceful");
        long sourceId;
        long job;
        try (ServiceProcess service = ServiceProcess.start("graceful", List.of("-Xmx512m"),
                ServiceProcess.baseProperties(jdbcUrl))) {
            SyncClient sync = new SyncClient(service.api());
            sourceId = sync.createSource("graceful", TestMongo.get().uri(database), database, Map.of("batchSize", 100));
            job = sync.trigger(sourceId, "full");
            sync.awaitFirstBatch(sourceId);
        }
        assertThat(queryLong(jdbcUrl, "SELECT count(*) FROM dra_sync_jobs WHERE id = " + job
                + " AND status = 'failed' AND error_message LIKE 'interrupted%'")).isEqualTo(1);
        assertThat(queryLong(jdbcUrl, "SELECT count(*) FROM dra_sync_jobs WHERE retry_of = " + job
                + " AND status = 'queued'")).isEqualTo(1);
        assertThat(queryLong(jdbcUrl, "SELECT count(*) FROM dra_mongodb_sync_history WHERE job_id = " + job
                + " AND status = 'in_progress'")).isZero();
        assertThat(queryLong(jdbcUrl, "SELECT count(*) FROM pg_tables WHERE schemaname = 'dra_mongodb'")).isZero();
    }

    @Test
    void shouldRunJobsQueuedBeforeARestartAndImportNeverSyncedSources() throws Exception {
        String database = database(500);
        String jdbcUrl = TestPostgres.get().createExtraDatabase("queued");
        Map<String, String> idle = ServiceProcess.baseProperties(jdbcUrl);
        idle.put("sync.jobs.enabled", "false");
        long queuedSource;
        long queuedJob;
        long legacySource;
        try (ServiceProcess first = ServiceProcess.start("queued-a", List.of(), idle)) {
            SyncClient sync = new SyncClient(first.api());
            queuedSource = sync.createSource("queued", TestMongo.get().uri(database), database, Map.of());
            queuedJob = sync.trigger(queuedSource, "full");
            legacySource = sync.createSource("legacy", TestMongo.get().uri(database), database, Map.of("initialSync", true));
            assertThat(sync.job(queuedSource, queuedJob).get("status").asText()).isEqualTo("queued");
        }
        // a source registered before jobs and schedules existed: no job rows, and a schedule without a trigger
        execute(jdbcUrl, "DELETE FROM dra_sync_jobs WHERE data_source_id = " + legacySource);
        execute(jdbcUrl, "UPDATE dra_data_sources SET sync_config = sync_config || '{\"schedule\": \"0 5 * * *\"}' "
                + "WHERE id = " + legacySource);
        assertThat(queryLong(jdbcUrl, "SELECT count(*) FROM qrtz_triggers WHERE trigger_name = 'source-" + legacySource
                + "'")).isZero();

        try (ServiceProcess second = ServiceProcess.start("queued-b", List.of(), ServiceProcess.baseProperties(jdbcUrl))) {
            SyncClient sync = new SyncClient(second.api());
            sync.awaitIdle(queuedSource, Duration.ofMinutes(1));
            assertThat(sync.job(queuedSource, queuedJob).get("status").asText()).isEqualTo("completed");

            await().atMost(Duration.ofMinutes(1)).until(() ->
                    "completed".equals(second.api().get("/api/data-sources/" + legacySource).json().get("syncStatus").asText()));
            assertThat(second.api().get("/api/data-sources/" + legacySource + "/jobs").json().findValuesAsText("trigger"))
                    .containsExactly("startup");
            assertThat(queryLong(jdbcUrl, "SELECT count(*) FROM qrtz_cron_triggers WHERE trigger_name = 'source-"
                    + legacySource + "' AND cron_expression = '0 0 5 * * ?'")).isEqualTo(1);
        }
    }
}
