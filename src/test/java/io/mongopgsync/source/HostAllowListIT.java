package io.mongopgsync.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import io.mongopgsync.SyncApplication;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestEnvironment;
import io.mongopgsync.support.TestMongo;
import io.mongopgsync.support.TestPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The service with sync.mongo.allowed-hosts set to this run's MongoDB and *.corp.example: registration, update,
 * test-connection and syncs of any other host are refused, and no connection to that host is ever made (a listener
 * on the refused port counts the connections it gets). The service runs on a database of its own, so that no other
 * instance (without the allow-list) claims its sync jobs.
 */
class HostAllowListIT {

    static ConfigurableApplicationContext service;
    static int port;

    @BeforeAll
    static void start() {
        Map<String, Object> properties = new HashMap<>(TestEnvironment.properties());
        properties.put("spring.datasource.url", TestPostgres.get().createExtraDatabase("allow_list"));
        properties.put("spring.datasource.hikari.maximum-pool-size", "4");
        properties.put("server.port", "0");
        properties.put("sync.mongo.allowed-hosts", new ConnectionString(TestMongo.get().uri()).getHosts().get(0)
                + ",*.corp.example");
        // Quartz keeps one JVM-wide connection provider per scheduler name: under the shared name this context
        // would take over the provider of the other tests' context and close it with its own pool.
        properties.put("spring.quartz.properties.org.quartz.scheduler.instanceName", "mongo-pg-sync-allow-list");
        List<String> args = new ArrayList<>();
        properties.forEach((k, v) -> args.add("--" + k + "=" + v));
        service = new SpringApplicationBuilder(SyncApplication.class).run(args.toArray(String[]::new));
        port = Integer.parseInt(service.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    JdbcClient jdbc;
    SecretCipher cipher;
    ApiClient api;
    SyncClient sync;
    ServerSocket probe;
    final AtomicInteger probed = new AtomicInteger();
    String database;

    @BeforeEach
    void setUp() throws IOException {
        jdbc = service.getBean(JdbcClient.class);
        cipher = service.getBean(SecretCipher.class);
        api = new ApiClient(port);
        sync = new SyncClient(api);
        database = "allow_" + UUID.randomUUID().toString().substring(0, 8);
        TestMongo.get().client().getDatabase(database).getCollection("items").insertOne(new Document("_id", 1));
        probe = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!probe.isClosed()) {
                try (Socket ignored = probe.accept()) {
                    probed.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "allow-list-probe");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        probe.close();
    }

    private String refusedUri() {
        return "mongodb://127.0.0.1:" + probe.getLocalPort() + "/" + database;
    }

    private static void assertRefused(ApiClient.Response response, String host) {
        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.json().get("error").asText()).isEqualTo("host_not_allowed");
        assertThat(response.json().get("message").asText()).contains(host).contains("sync.mongo.allowed-hosts")
                .contains("SYNC_MONGO_ALLOWED_HOSTS");
    }

    @Test
    void shouldRefuseRegisteringAHostOffTheListWithoutConnecting() {
        ApiClient.Response response = api.post("/api/data-sources", ApiClient.json(Map.of(
                "name", "probe-" + database, "connectionString", refusedUri(), "database", database)));

        assertRefused(response, "127.0.0.1:" + probe.getLocalPort());
        assertThat(response.json().get("details").get(0).get("field").asText()).isEqualTo("connectionString");
        assertThat(jdbc.sql("SELECT count(*) FROM dra_data_sources WHERE name = :n").param("n", "probe-" + database)
                .query(Long.class).single()).isZero();

        ApiClient.Response details = api.post("/api/data-sources", ApiClient.json(Map.of(
                "name", "probe2-" + database, "database", database,
                "connectionDetails", Map.of("host", "10.0.0.1", "port", 22))));
        assertRefused(details, "10.0.0.1:22");
        assertThat(details.json().get("details").get(0).get("field").asText()).isEqualTo("connectionDetails.host");
        assertThat(probed.get()).isZero();
    }

    @Test
    void shouldAcceptAllowedHostsAndSyncThem() {
        long id = sync.createSource("allowed", TestMongo.get().uri(database), database, Map.of());
        assertThat(api.post("/api/data-sources/" + id + "/test-connection", "").status()).isEqualTo(200);
        assertThat(sync.syncAndWait(id, "full").get("syncStatus").asText()).isEqualTo("completed");

        ApiClient.Response wildcard = api.post("/api/data-sources", ApiClient.json(Map.of("name", "corp-" + database,
                "connectionString", "mongodb://db1.corp.example:27017/x", "database", "x",
                "syncConfig", Map.of("initialSync", false))));
        assertThat(wildcard.status()).as(wildcard.toString()).isEqualTo(201);
    }

    @Test
    void shouldRefuseUpdatingASourceToAHostOffTheList() {
        long id = sync.createSource("update", TestMongo.get().uri(database), database, Map.of());
        String before = jdbc.sql("SELECT connection_string_encrypted FROM dra_data_sources WHERE id = :id")
                .param("id", id).query(String.class).single();

        ApiClient.Response response = api.put("/api/data-sources/" + id,
                ApiClient.json(Map.of("connectionString", refusedUri())));

        assertRefused(response, "127.0.0.1:" + probe.getLocalPort());
        assertThat(jdbc.sql("SELECT connection_string_encrypted FROM dra_data_sources WHERE id = :id")
                .param("id", id).query(String.class).single()).isEqualTo(before);
        assertThat(probed.get()).isZero();
    }

    @Test
    void shouldRefuseTestingOrSyncingASourceRegisteredBeforeTheListWasSet() {
        long id = sync.createSource("earlier", TestMongo.get().uri(database), database, Map.of());
        // as if registered before the allow-list was configured
        jdbc.sql("UPDATE dra_data_sources SET connection_string_encrypted = :c WHERE id = :id")
                .param("c", cipher.encrypt(refusedUri())).param("id", id).update();

        ApiClient.Response test = api.post("/api/data-sources/" + id + "/test-connection", "");
        assertRefused(test, "127.0.0.1:" + probe.getLocalPort());

        var status = sync.syncAndWait(id, "full");
        assertThat(status.get("syncStatus").asText()).isEqualTo("failed");
        assertThat(status.get("syncErrorMessage").asText()).contains("sync.mongo.allowed-hosts");
        assertThat(probed.get()).isZero();
    }
}
