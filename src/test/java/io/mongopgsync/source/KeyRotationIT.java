package io.mongopgsync.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongopgsync.SyncApplication;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestEnvironment;
import io.mongopgsync.support.TestMongo;
import io.mongopgsync.support.TestPostgres;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Key rotation as an operator does it, with the service restarted between the steps: sources registered under the
 * old key (in the current and in the older v1 format) still sync once the new key is primary, are re-encrypted
 * over the admin API, and sync without the old key afterwards.
 */
class KeyRotationIT {

    static final byte[] OLD_BYTES = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final String OLD_KEY = Base64.getEncoder().encodeToString(OLD_BYTES);
    static final String NEW_KEY = Base64.getEncoder().encodeToString(
            "rotated-key-rotated-key-rotated!".getBytes(StandardCharsets.US_ASCII));

    /** The service, as a restart with this key configuration brings it up, on its own database. */
    private static ConfigurableApplicationContext start(String jdbcUrl, String key, String previousKeys) {
        Map<String, Object> properties = new java.util.HashMap<>(TestEnvironment.properties());
        properties.put("spring.datasource.url", jdbcUrl);
        properties.put("spring.datasource.hikari.maximum-pool-size", "4");
        properties.put("server.port", "0");
        // Quartz keeps one JVM-wide connection provider per scheduler name: under the shared name this context
        // would take over the provider of the other tests' context and close it with its own pool.
        properties.put("spring.quartz.properties.org.quartz.scheduler.instanceName", "mongo-pg-sync-rotation");
        properties.put("sync.secret-key", key);
        properties.put("sync.previous-secret-keys", previousKeys);
        List<String> args = new ArrayList<>();
        properties.forEach((k, v) -> args.add("--" + k + "=" + v));
        return new SpringApplicationBuilder(SyncApplication.class).run(args.toArray(String[]::new));
    }

    private static SyncClient client(ConfigurableApplicationContext context) {
        return new SyncClient(new ApiClient(Integer.parseInt(context.getEnvironment().getProperty("local.server.port"))));
    }

    private static void assertSyncs(SyncClient sync, long sourceId) {
        JsonNode status = sync.syncAndWait(sourceId, "full");
        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
        assertThat(status.get("syncErrorMessage").isNull()).as(status.toString()).isTrue();
    }

    @Test
    void shouldKeepSyncingSourcesOfTheOldKeyAfterRotationAndReEncryption() throws Exception {
        String database = "rotation_" + UUID.randomUUID().toString().substring(0, 8);
        TestMongo.get().client().getDatabase(database).getCollection("orders")
                .insertMany(List.of(new Document("_id", 1).append("total", 10), new Document("_id", 2).append("total", 20)));
        String jdbcUrl = TestPostgres.get().createExtraDatabase("rotation");
        JdbcClient db = JdbcClient.create(new org.springframework.jdbc.datasource.DriverManagerDataSource(jdbcUrl,
                TestPostgres.get().user(), TestPostgres.get().password()));
        String oldId = SecretCipher.fromBase64(OLD_KEY).primaryKeyId();
        String newId = SecretCipher.fromBase64(NEW_KEY).primaryKeyId();

        long current;
        long legacy;
        try (ConfigurableApplicationContext before = start(jdbcUrl, OLD_KEY, "")) {
            SyncClient sync = client(before);
            current = sync.createSource("rotation", TestMongo.get().uri(database), database, Map.of());
            legacy = sync.createSource("rotation-v1", TestMongo.get().uri(database), database, Map.of());
            // a source stored before key ids existed
            db.sql("UPDATE dra_data_sources SET connection_string_encrypted = :v1 WHERE id = :id")
                    .param("v1", SecretCipherTest.v1(OLD_BYTES, TestMongo.get().uri(database))).param("id", legacy)
                    .update();
            assertSyncs(sync, current);
        }
        assertThat(stored(db, current)).startsWith("v2:" + oldId + ":");

        try (ConfigurableApplicationContext rotated = start(jdbcUrl, NEW_KEY, OLD_KEY)) {
            SyncClient sync = client(rotated);
            assertSyncs(sync, current);
            assertSyncs(sync, legacy);

            ApiClient.Response first = sync.api().post("/api/admin/re-encrypt", "");
            assertThat(first.status()).as(first.toString()).isEqualTo(200);
            assertThat(first.json().get("primaryKeyId").asText()).isEqualTo(newId);
            assertThat(first.json().get("dataSources").asInt()).isEqualTo(2);
            assertThat(first.json().get("reEncrypted").asInt()).isEqualTo(2);
            assertThat(first.json().get("failed")).isEmpty();
            assertThat(first.body()).doesNotContain("mongodb://");

            ApiClient.Response again = sync.api().post("/api/admin/re-encrypt", "");
            assertThat(again.json().get("reEncrypted").asInt()).isZero();
            assertThat(again.json().get("alreadyCurrent").asInt()).isEqualTo(2);
        }
        assertThat(stored(db, current)).startsWith("v2:" + newId + ":");
        assertThat(stored(db, legacy)).startsWith("v2:" + newId + ":");

        try (ConfigurableApplicationContext withoutOldKey = start(jdbcUrl, NEW_KEY, "")) {
            SyncClient sync = client(withoutOldKey);
            assertSyncs(sync, current);
            assertSyncs(sync, legacy);
            String table = sync.table(legacy, "orders");
            assertThat(db.sql("SELECT count(*) FROM dra_mongodb.\"" + table + "\"").query(Long.class).single())
                    .isEqualTo(2);
            ApiClient.Response shown = sync.api().get("/api/data-sources/" + legacy);
            assertThat(shown.json().get("connectionString").asText()).startsWith("mongodb://");
        }
    }

    @Test
    void shouldReportSourcesThatNoConfiguredKeyDecrypts() throws Exception {
        String jdbcUrl = TestPostgres.get().createExtraDatabase("rotation_lost");
        JdbcClient db = JdbcClient.create(new org.springframework.jdbc.datasource.DriverManagerDataSource(jdbcUrl,
                TestPostgres.get().user(), TestPostgres.get().password()));
        try (ConfigurableApplicationContext service = start(jdbcUrl, NEW_KEY, "")) {
            SyncClient sync = client(service);
            long lost = sync.createSource("lost-key", "mongodb://127.0.0.1:1/x", "x", Map.of());
            String orphan = SecretCipher.fromBase64(OLD_KEY).encrypt("mongodb://u:pw@127.0.0.1:1/x");
            db.sql("UPDATE dra_data_sources SET connection_string_encrypted = :c WHERE id = :id")
                    .param("c", orphan).param("id", lost).update();

            ApiClient.Response response = sync.api().post("/api/admin/re-encrypt", "");

            assertThat(response.status()).isEqualTo(200);
            JsonNode failed = response.json().get("failed");
            assertThat(failed).hasSize(1);
            assertThat(failed.get(0).get("id").asLong()).isEqualTo(lost);
            assertThat(failed.get(0).get("message").asText())
                    .contains(SecretCipher.fromBase64(OLD_KEY).primaryKeyId()).contains("SYNC_PREVIOUS_SECRET_KEYS");
            assertThat(response.body()).doesNotContain("pw@");
            assertThat(stored(db, lost)).isEqualTo(orphan);
        }
    }

    private static String stored(JdbcClient db, long id) {
        return db.sql("SELECT connection_string_encrypted FROM dra_data_sources WHERE id = :id").param("id", id)
                .query(String.class).single();
    }
}
