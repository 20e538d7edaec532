package io.mongopgsync.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.TestPostgres;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Retention against the service's real tables. Each test works in a schema of its own holding copies of the
 * history, job and reject tables (and, where the test says, an audit table), so that its deletes never touch other
 * tests' rows and the presence of the audit table is the test's choice. The clock is the test's: "now" is fixed.
 */
@ServiceIT
class RetentionIT {

    static final Instant NOW = Instant.parse("2026-06-15T12:00:00Z");

    @Autowired
    JdbcClient service;

    @Autowired
    CamelContext camel;

    String schema;
    JdbcClient jdbc;

    @BeforeEach
    void privateSchema() {
        schema = "retention_" + UUID.randomUUID().toString().substring(0, 8);
        service.sql("CREATE SCHEMA " + schema).update();
        for (String table : List.of("dra_mongodb_sync_history", "dra_sync_jobs", "dra_mongodb_sync_rejects", "dra_audit_log")) {
            service.sql("CREATE TABLE " + schema + "." + table + " (LIKE public." + table + " INCLUDING DEFAULTS)")
                    .update();
        }
        String url = TestPostgres.get().jdbcUrl();
        jdbc = JdbcClient.create(new DriverManagerDataSource(url + (url.contains("?") ? "&" : "?") + "currentSchema="
                + schema, TestPostgres.get().user(), TestPostgres.get().password()));
    }

    @AfterEach
    void dropSchema() {
        service.sql("DROP SCHEMA " + schema + " CASCADE").update();
    }

    private RetentionCleanup cleanup(Duration history, Duration audit) {
        return new RetentionCleanup(jdbc, new RetentionProperties(history, audit, "0 30 3 * * ?", 100),
                clock(NOW));
    }

    private static ObjectProvider<Clock> clock(Instant now) {
        return new StaticListableBeanFactory(java.util.Map.of("clock", Clock.fixed(now, ZoneOffset.UTC)))
                .getBeanProvider(Clock.class);
    }

    private long history(long source, String collection, String status, Instant completedAt) {
        return jdbc.sql("INSERT INTO dra_mongodb_sync_history (data_source_id, collection_name, sync_type, status, "
                        + "started_at, completed_at, sync_metadata) VALUES (:source, :collection, 'incremental', "
                        + ":status, :started, :completed, CAST(:metadata AS jsonb)) RETURNING id")
                .param("source", source).param("collection", collection).param("status", status)
                .param("started", java.sql.Timestamp.from(completedAt.minusSeconds(60)))
                .param("completed", status.equals("in_progress") ? null : java.sql.Timestamp.from(completedAt))
                .param("metadata", "{\"watermark\": {\"field\": \"updatedAt\", \"value\": 1}}")
                .query(Long.class).single();
    }

    private long job(long source, String status, Instant finishedAt) {
        return jdbc.sql("INSERT INTO dra_sync_jobs (data_source_id, sync_type, trigger, status, created_at, "
                        + "finished_at) VALUES (:source, 'full', 'api', :status, :created, :finished) RETURNING id")
                .param("source", source).param("status", status)
                .param("created", java.sql.Timestamp.from(finishedAt.minusSeconds(60)))
                .param("finished", status.equals("queued") || status.equals("running") ? null
                        : java.sql.Timestamp.from(finishedAt))
                .query(Long.class).single();
    }

    private long reject(long source, Instant at) {
        return jdbc.sql("INSERT INTO dra_mongodb_sync_rejects (data_source_id, collection_name, raw_document, reason, "
                        + "rejected_at) VALUES (:source, 'orders', '{}', 'test', :at) RETURNING id")
                .param("source", source).param("at", java.sql.Timestamp.from(at)).query(Long.class).single();
    }

    private List<Long> ids(String table) {
        return jdbc.sql("SELECT id FROM " + table + " ORDER BY id").query(Long.class).list();
    }

    private static Instant daysAgo(int days) {
        return NOW.minus(Duration.ofDays(days));
    }

    @Test
    void shouldDeleteOldHistoryJobsAndRejectsAndKeepRecentOnes() {
        long oldFailed = history(1, "orders", "failed", daysAgo(120));
        long oldCompleted = history(1, "orders", "completed", daysAgo(100));
        long recentCompleted = history(1, "orders", "completed", daysAgo(10));
        long oldJob = job(1, "completed", daysAgo(91));
        long oldCancelled = job(1, "cancelled", daysAgo(200));
        long recentJob = job(1, "failed", daysAgo(89));
        long oldReject = reject(1, daysAgo(95));
        long recentReject = reject(1, daysAgo(5));

        RetentionCleanup.Result result = cleanup(Duration.ofDays(90), Duration.ofDays(365)).run();

        assertThat(ids("dra_mongodb_sync_history")).containsExactly(recentCompleted);
        assertThat(ids("dra_sync_jobs")).containsExactly(recentJob);
        assertThat(ids("dra_mongodb_sync_rejects")).containsExactly(recentReject);
        assertThat(result.historyRows()).isEqualTo(2);
        assertThat(result.jobs()).isEqualTo(2);
        assertThat(result.rejects()).isEqualTo(1);
        assertThat(List.of(oldFailed, oldCompleted, oldJob, oldCancelled, oldReject)).doesNotContainAnyElementsOf(
                ids("dra_mongodb_sync_history"));
    }

    @Test
    void shouldKeepTheNewestCompletedRunOfEachCollectionHoweverOld() {
        // source 1 / orders: last completed run long ago, failed runs after it
        long ordersOlder = history(1, "orders", "completed", daysAgo(300));
        long ordersWatermark = history(1, "orders", "completed", daysAgo(200));
        long ordersFailedAfter = history(1, "orders", "failed", daysAgo(150));
        // source 1 / customers and source 2 / orders: the only completed run each, old
        long customers = history(1, "customers", "completed", daysAgo(400));
        long otherSource = history(2, "orders", "completed", daysAgo(400));
        // a run still in progress is never touched
        long running = history(2, "orders", "in_progress", daysAgo(100));

        RetentionCleanup.Result result = cleanup(Duration.ofDays(90), Duration.ofDays(365)).cleanup(NOW);

        assertThat(ids("dra_mongodb_sync_history"))
                .containsExactlyInAnyOrder(ordersWatermark, customers, otherSource, running)
                .doesNotContain(ordersOlder, ordersFailedAfter);
        assertThat(result.historyRows()).isEqualTo(2);
        // what an incremental sync reads: the newest completed row, with its watermark
        assertThat(jdbc.sql("SELECT id FROM dra_mongodb_sync_history WHERE data_source_id = 1 "
                        + "AND collection_name = 'orders' AND status = 'completed' ORDER BY id DESC LIMIT 1")
                .query(Long.class).single()).isEqualTo(ordersWatermark);
    }

    @Test
    void shouldNeverDeleteQueuedOrRunningJobs() {
        long queued = job(1, "queued", daysAgo(500));
        long runningJob = job(2, "running", daysAgo(500));

        cleanup(Duration.ofDays(90), Duration.ofDays(365)).cleanup(NOW);

        assertThat(ids("dra_sync_jobs")).containsExactlyInAnyOrder(queued, runningJob);
    }

    @Test
    void shouldDeleteInBatchesUntilNothingOldIsLeft() {
        jdbc.sql("INSERT INTO dra_mongodb_sync_rejects (data_source_id, collection_name, raw_document, reason, "
                + "rejected_at) SELECT 1, 'orders', '{}', 'test', :at FROM generate_series(1, 250)")
                .param("at", java.sql.Timestamp.from(daysAgo(100))).update();

        RetentionCleanup.Result result = cleanup(Duration.ofDays(90), Duration.ofDays(365)).cleanup(NOW);

        assertThat(result.rejects()).isEqualTo(250);
        assertThat(ids("dra_mongodb_sync_rejects")).isEmpty();
    }

    @Test
    void shouldDeleteAuditEntriesByTheirOwnRetention() {
        String marker = "retention " + java.util.UUID.randomUUID();
        for (int days : new int[] {400, 366, 364, 100, 1}) {
            jdbc.sql("INSERT INTO dra_audit_log (action, status, occurred_at) VALUES (:action, 200, :at)")
                    .param("action", marker + " " + days + " days ago")
                    .param("at", java.sql.Timestamp.from(daysAgo(days))).update();
        }
        history(1, "orders", "failed", daysAgo(100));

        RetentionCleanup.Result result = cleanup(Duration.ofDays(90), Duration.ofDays(365)).cleanup(NOW);

        assertThat(result.auditEntries()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT action FROM dra_audit_log WHERE action LIKE :marker ORDER BY occurred_at")
                .param("marker", marker + "%").query(String.class).list())
                .containsExactly(marker + " 364 days ago", marker + " 100 days ago", marker + " 1 days ago");
        assertThat(result.historyRows()).isEqualTo(1);
    }

    @Test
    void shouldRunTheCleanupAsAClusteredQuartzRoute() {
        Route route = camel.getRoute("retention-cleanup");

        assertThat(route).as("route retention-cleanup").isNotNull();
        assertThat(route.getEndpoint().getEndpointUri()).startsWith("quartz://maintenance/retention-cleanup")
                .contains("cron=0+30+3+*+*+%3F");
    }
}
