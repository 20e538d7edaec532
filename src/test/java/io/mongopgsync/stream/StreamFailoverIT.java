package io.mongopgsync.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoCollection;
import io.mongopgsync.support.ServiceProcess;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import io.mongopgsync.support.TestPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/**
 * Two service instances on one database: exactly one consumes a source's change stream; when it is killed the
 * other takes the stream over within the lease and the table ends equal to the collection.
 */
class StreamFailoverIT {

    private static final Duration LEASE = Duration.ofSeconds(4);

    @Test
    void shouldHaveOneConsumerAndTakeOverWithinTheLeaseWhenItDies() throws Exception {
        String database = "failover_" + UUID.randomUUID().toString().substring(0, 8);
        MongoCollection<Document> orders = TestMongo.get().client().getDatabase(database).getCollection("orders");
        insert(orders, 0, 100);
        String jdbcUrl = TestPostgres.get().createExtraDatabase("streamfailover");
        Map<String, String> properties = ServiceProcess.baseProperties(jdbcUrl);
        properties.put("sync.stream.lease-timeout", LEASE.toSeconds() + "s");
        properties.put("sync.stream.poll-interval", "500ms");
        properties.put("sync.stream.retry-backoff", "1s");
        try (ServiceProcess a = ServiceProcess.start("stream-a", List.of("-Xmx384m"), properties);
             ServiceProcess b = ServiceProcess.start("stream-b", List.of("-Xmx384m"), properties)) {
            SyncClient sync = new SyncClient(a.api());
            long id = sync.createSource("failover", TestMongo.get().uri(database), database, Map.of("realtime", true));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> stream(sync, id).get("state").asText().equals("streaming"));
            insert(orders, 100, 200);
            await().atMost(Duration.ofSeconds(20)).until(() -> rows(jdbcUrl, id) == 200);

            String holder = stream(sync, id).get("instance").asText();
            long running = TestPostgres.get().queryLong(jdbcUrl, "SELECT count(*) FROM dra_stream_consumers "
                    + "WHERE owner IS NOT NULL AND lease_until > now()");
            assertThat(running).isEqualTo(1);
            String pidA = String.valueOf(pid(a));
            ServiceProcess consumer = holder.contains("|" + pidA + "|") ? a : b;
            ServiceProcess survivor = consumer == a ? b : a;
            assertThat(consumer.log()).contains("Change stream of '");
            assertThat(survivor.log()).doesNotContain("started on this instance");

            consumer.kill();
            long killedAt = System.nanoTime();
            insert(orders, 200, 300);
            SyncClient other = new SyncClient(survivor.api());
            await().atMost(LEASE.plusSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> rows(jdbcUrl, id) == 300);
            Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
            System.out.printf("[figures] change stream taken over and caught up %d ms after the holder was killed "
                    + "(lease %d s)%n", takeover.toMillis(), LEASE.toSeconds());

            assertThat(stream(other, id).get("instance").asText()).isNotEqualTo(holder);
            assertThat(TestPostgres.get().queryLong(jdbcUrl, "SELECT count(DISTINCT _id) FROM dra_mongodb.orders"))
                    .isEqualTo(300);
            assertThat(survivor.log()).contains("started on this instance");
        }
    }

    private static JsonNode stream(SyncClient sync, long id) {
        return sync.api().get("/api/data-sources/" + id + "/stream").json();
    }

    private static long rows(String jdbcUrl, long id) throws Exception {
        try {
            return TestPostgres.get().queryLong(jdbcUrl, "SELECT count(*) FROM dra_mongodb.orders");
        } catch (java.sql.SQLException noTableYet) {
            return -1;
        }
    }

    private static long pid(ServiceProcess process) throws Exception {
        String log = process.log();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("with PID (\\d+)").matcher(log);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static void insert(MongoCollection<Document> c, int from, int to) {
        List<Document> docs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            docs.add(new Document("_id", i).append("n", i));
        }
        c.insertMany(docs);
    }
}
