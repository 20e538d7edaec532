package io.mongopgsync.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

/** {@code syncConfig.verify}: verifications on a schedule of their own, on the clustered scheduler. */
@ServiceIT
class VerificationScheduleIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private long scheduledVerifications(long sourceId) {
        return jdbc.sql("SELECT count(*) FROM dra_sync_jobs WHERE data_source_id = ? AND trigger = 'schedule' "
                + "AND sync_type = 'verify' AND status = 'completed'").param(sourceId).query(Long.class).single();
    }

    @Test
    void shouldVerifyOnItsScheduleInTheConfiguredModeAndStopWhenItIsRemoved() {
        SyncClient sync = new SyncClient(new ApiClient(port));
        String database = "verify_sched_" + UUID.randomUUID().toString().substring(0, 8);
        TestMongo.get().client().getDatabase(database).getCollection("ticks").insertOne(new Document("_id", 1));
        long id = sync.createSource("verify-sched", TestMongo.get().uri(database), database, Map.of());
        sync.syncAndWait(id, "full");

        ApiClient.Response put = sync.api().put("/api/data-sources/" + id + "/sync-config", ApiClient.json(Map.of(
                "initialSync", false, "verify", Map.of("schedule", "* * * * * ?", "mode", "full"))));
        assertThat(put.status()).as(put.toString()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> scheduledVerifications(id) >= 2);
        assertThat(jdbc.sql("SELECT DISTINCT h.sync_metadata ->> 'verification' FROM dra_mongodb_sync_history h "
                + "JOIN dra_sync_jobs j ON j.id = h.job_id WHERE j.data_source_id = ? AND j.trigger = 'schedule'")
                .param(id).query(String.class).list()).containsExactly("full");

        assertThat(sync.api().put("/api/data-sources/" + id + "/sync-config",
                ApiClient.json(Map.of("initialSync", false))).status()).isEqualTo(200);
        sync.awaitIdle(id, Duration.ofSeconds(30));
        long afterRemoval = scheduledVerifications(id);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> scheduledVerifications(id) == afterRemoval);
        assertThat(jdbc.sql("SELECT count(*) FROM qrtz_triggers WHERE trigger_name = ?").param("verify-" + id)
                .query(Long.class).single()).isZero();
    }

    @Test
    void shouldRefuseAVerifyScheduleWithoutACronOrWithAnUnknownMode() {
        SyncClient sync = new SyncClient(new ApiClient(port));
        String database = "verify_bad_" + UUID.randomUUID().toString().substring(0, 8);
        long id = sync.createSource("verify-bad", TestMongo.get().uri(database), database, Map.of());
        ApiClient.Response bad = sync.api().put("/api/data-sources/" + id + "/sync-config",
                ApiClient.json(Map.of("verify", Map.of("mode", "deep"))));
        assertThat(bad.status()).as(bad.toString()).isEqualTo(400);
        assertThat(bad.body()).contains("verify.schedule").contains("verify.mode");
    }
}
