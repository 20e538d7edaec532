package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.ConnectionString;
import io.mongopgsync.support.ServiceProcess;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TcpProxy;
import io.mongopgsync.support.TestMongo;
import io.mongopgsync.support.TestPostgres;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Faults of the two systems a sync depends on, while a collection is being copied: the service reaches MongoDB and
 * PostgreSQL through proxies that reset connections (as a firewall or a restarted server does) and refuse new ones
 * for a while (a server that is down). The sync retries, waits for the system to come back, and completes with the
 * exact documents of the collection.
 */
class OutageIT {

    private static final int DOCUMENTS = 20_000;

    static TcpProxy mongoProxy;
    static TcpProxy postgresProxy;
    static ServiceProcess service;
    static String jdbcUrl;
    static String database;

    @BeforeAll
    static void start() throws Exception {
        database = "outage_" + UUID.randomUUID().toString().substring(0, 8);
        var collection = TestMongo.get().client().getDatabase(database).getCollection("items");
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < DOCUMENTS; i++) {
            docs.add(new Document("_id", i).append("v", "value " + i).append("n", i));
        }
        collection.insertMany(docs);

        String mongoHost = new ConnectionString(TestMongo.get().uri()).getHosts().get(0);
        mongoProxy = new TcpProxy(mongoHost.substring(0, mongoHost.lastIndexOf(':')),
                Integer.parseInt(mongoHost.substring(mongoHost.lastIndexOf(':') + 1)));
        jdbcUrl = TestPostgres.get().createExtraDatabase("outage");
        URI pg = URI.create(jdbcUrl.substring("jdbc:".length()));
        postgresProxy = new TcpProxy(pg.getHost(), pg.getPort() == -1 ? 5432 : pg.getPort());
        String proxiedJdbcUrl = jdbcUrl.replace(pg.getHost() + (pg.getPort() == -1 ? "" : ":" + pg.getPort()),
                "127.0.0.1:" + postgresProxy.port());
        Map<String, String> properties = ServiceProcess.baseProperties(proxiedJdbcUrl);
        // as deployed: three attempts with a backoff of one second, doubling
        properties.put("sync.retry.max-attempts", "3");
        properties.put("sync.retry.initial-backoff", "1s");
        properties.put("spring.datasource.hikari.connection-timeout", "2000");
        // a sync waits this long for a system that went away; a job whose instance went silent is taken back after
        // the lease
        properties.put("sync.retry.outage-wait", "15s");
        properties.put("sync.jobs.lease-timeout", "5s");
        service = ServiceProcess.start("outage", List.of("-Xmx512m"), properties);
    }

    /** A test that failed while PostgreSQL was "down" must not leave it so for the next one. */
    @org.junit.jupiter.api.AfterEach
    void backUp() {
        postgresProxy.restore();
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        if (mongoProxy != null) {
            mongoProxy.close();
        }
        if (postgresProxy != null) {
            postgresProxy.close();
        }
    }

    private long source(String name) {
        SyncClient sync = new SyncClient(service.api());
        return sync.createSource(name, "mongodb://127.0.0.1:" + mongoProxy.port() + "/" + database
                + "?directConnection=true", database, Map.of("batchSize", 100));
    }

    /** Waits until the service's log says what a person watching it would wait for. */
    private static void awaitLog(String line) {
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100)).until(() -> service.log().contains(line));
    }

    private long rows(SyncClient sync, long sourceId) throws Exception {
        return TestPostgres.get().queryLong(jdbcUrl,
                "SELECT count(*) FROM dra_mongodb.\"" + sync.table(sourceId, "items") + "\"");
    }

    @Test
    void shouldRetryACollectionWhoseMongoConnectionWasResetMidScan() throws Exception {
        long sourceId = source("mongo-reset");
        SyncClient sync = new SyncClient(service.api());

        long job = sync.trigger(sourceId, "full");
        sync.awaitFirstBatch(sourceId);
        mongoProxy.resetConnections();
        JsonNode status = sync.awaitIdle(sourceId, Duration.ofMinutes(3));

        JsonNode row = assertCompletedWithEveryDocument(sync, sourceId, job, status);
        assertThat(row.get("syncMetadata").get("attempts").asInt()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void shouldWaitForPostgresToComeBackAndCompleteTheSync() throws Exception {
        long sourceId = source("postgres-down");
        SyncClient sync = new SyncClient(service.api());

        long job = sync.trigger(sourceId, "full");
        sync.awaitFirstBatch(sourceId);
        postgresProxy.goDown();
        awaitLog("PostgreSQL does not answer; the sync of postgres-down-");
        // the outage goes on for longer than the remaining backoffs (1 s + 2 s): attempts alone would have run out
        Thread.sleep(4_000);
        postgresProxy.restore();
        JsonNode status = awaitIdleOnceBack(sync, sourceId, Duration.ofMinutes(3));

        assertCompletedWithEveryDocument(sync, sourceId, job, status);
        assertThat(TestPostgres.get().queryLong(jdbcUrl, "SELECT count(*) FROM pg_tables WHERE schemaname = 'dra_mongodb'"
                + " AND tablename LIKE '\\_mps\\_shadow\\_%'")).as("no shadow table left behind").isZero();
    }

    @Test
    void shouldFailInWordsAndDropTheShadowTableWhenPostgresStaysAwayLongerThanTheSyncWaits() throws Exception {
        long sourceId = source("postgres-gone");
        SyncClient sync = new SyncClient(service.api());

        long job = sync.trigger(sourceId, "full");
        sync.awaitFirstBatch(sourceId);
        postgresProxy.goDown();
        // longer than sync.retry.outage-wait (15 s): the sync gives up while PostgreSQL is away, unable to drop its
        // shadow table or record its failure until it is back
        awaitLog("PostgreSQL did not come back within 15 s; the sync of postgres-gone-");
        String shadows = "SELECT count(*) FROM pg_tables WHERE schemaname = 'dra_mongodb' AND tablename LIKE "
                + "'\\_mps\\_shadow\\_" + job + "\\_%'";
        assertThat(TestPostgres.get().queryLong(jdbcUrl, shadows)).as("the shadow table is still there").isEqualTo(1);
        postgresProxy.restore();

        JsonNode status = awaitIdleOnceBack(sync, sourceId, Duration.ofMinutes(1));
        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("failed");
        JsonNode row = sync.historyOfJob(sourceId, job).get("items");
        assertThat(row.get("status").asText()).isEqualTo("failed");
        assertThat(row.get("errorMessage").asText())
                .startsWith("PostgreSQL connection")
                .contains("while copying " + database + ".items into dra_mongodb.")
                .contains("PostgreSQL did not answer again within 15 s");
        assertThat(TestPostgres.get().queryLong(jdbcUrl, shadows)).as("shadow dropped once PostgreSQL was back").isZero();

        // nothing is left half-done: the next sync completes
        sync.trigger(sourceId, "full");
        assertThat(sync.awaitIdle(sourceId, Duration.ofMinutes(3)).get("syncStatus").asText()).isEqualTo("completed");
        assertThat(rows(sync, sourceId)).isEqualTo(DOCUMENTS);
    }

    @Test
    void shouldDropAShadowTableNoRunningJobOwns() throws Exception {
        // what a sync leaves when PostgreSQL goes away for longer than it waits, or its instance is killed
        TestPostgres.get().execute(jdbcUrl, "CREATE SCHEMA IF NOT EXISTS dra_mongodb");
        TestPostgres.get().execute(jdbcUrl, "CREATE TABLE dra_mongodb._mps_shadow_987654_0a1b2c3d (_id text)");
        String left = "SELECT count(*) FROM pg_tables WHERE schemaname = 'dra_mongodb'"
                + " AND tablename = '_mps_shadow_987654_0a1b2c3d'";
        assertThat(TestPostgres.get().queryLong(jdbcUrl, left)).isEqualTo(1);

        // the cluster's housekeeping runs every 10 s
        await().atMost(Duration.ofSeconds(30)).until(() -> TestPostgres.get().queryLong(jdbcUrl, left) == 0);
    }

    /** Once the service answers again (PostgreSQL back), waits until the source's sync has ended. */
    private JsonNode awaitIdleOnceBack(SyncClient sync, long sourceId, Duration atMost) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                service.api().get("/api/data-sources/" + sourceId + "/sync-status").status() == 200);
        return sync.awaitIdle(sourceId, atMost);
    }

    /** The job completed: its history row counts every document, and every one is a row. Returns that row. */
    private JsonNode assertCompletedWithEveryDocument(SyncClient sync, long sourceId, long job, JsonNode status)
            throws Exception {
        assertThat(status.get("syncStatus").asText()).as(status.toString()).isEqualTo("completed");
        JsonNode row = sync.historyOfJob(sourceId, job).get("items");
        assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("completed");
        assertThat(row.get("recordsSynced").asLong()).isEqualTo(DOCUMENTS);
        assertThat(rows(sync, sourceId)).isEqualTo(DOCUMENTS);
        return row;
    }
}
