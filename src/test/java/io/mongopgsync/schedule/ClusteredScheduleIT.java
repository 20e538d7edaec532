package io.mongopgsync.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceProcess;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import io.mongopgsync.support.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** Two service instances on one database: clustered Quartz runs each firing of a schedule once. */
class ClusteredScheduleIT {

    record Firing(String scheduledFireTime, String instance, String status) {
    }

    private static List<Firing> firings(String jdbcUrl, long sourceId) throws Exception {
        List<Firing> firings = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, TestPostgres.get().user(), TestPostgres.get().password());
             ResultSet rs = c.createStatement().executeQuery("SELECT details ->> 'scheduledFireTime', "
                     + "details ->> 'schedulerInstance', status FROM dra_sync_jobs WHERE trigger = 'schedule' "
                     + "AND data_source_id = " + sourceId)) {
            while (rs.next()) {
                firings.add(new Firing(rs.getString(1), rs.getString(2), rs.getString(3)));
            }
        }
        return firings;
    }

    @Test
    void shouldRunEachFiringOnceAcrossTwoInstances() throws Exception {
        String database = "cluster_" + UUID.randomUUID().toString().substring(0, 8);
        TestMongo.get().client().getDatabase(database).getCollection("pings").insertOne(new Document("_id", 1));
        String jdbcUrl = TestPostgres.get().createExtraDatabase("cluster");
        Map<String, String> properties = ServiceProcess.baseProperties(jdbcUrl);
        try (ServiceProcess a = ServiceProcess.start("cluster-a", List.of("-Xmx384m"), properties);
             ServiceProcess b = ServiceProcess.start("cluster-b", List.of("-Xmx384m"), properties)) {
            SyncClient sync = new SyncClient(a.api());
            long id = sync.createSource("cluster", TestMongo.get().uri(database), database, Map.of());
            ApiClient.Response put = b.api().put("/api/data-sources/" + id + "/sync-config",
                    ApiClient.json(Map.of("schedule", "* * * * * ?", "initialSync", false)));
            assertThat(put.status()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(60)).until(() -> firings(jdbcUrl, id).size() >= 5);

            // The instance that has been firing crashes: the other one takes the schedule over.
            String firing = firings(jdbcUrl, id).get(0).instance();
            ServiceProcess crashed = a.log().contains("(instance " + firing + ")") ? a : b;
            ServiceProcess survivor = crashed == a ? b : a;
            crashed.kill();
            int before = firings(jdbcUrl, id).size();
            // the survivor fires, and once the dead instance's job is re-queued its firings sync again
            await().atMost(Duration.ofSeconds(90)).until(() -> firings(jdbcUrl, id).stream()
                    .filter(f -> !f.instance().equals(firing) && f.status().equals("completed")).count() >= 2);
            survivor.api().put("/api/data-sources/" + id + "/sync-config", ApiClient.json(Map.of("initialSync", false)));

            List<Firing> firings = firings(jdbcUrl, id);
            assertThat(firings.size()).isGreaterThan(before);
            Set<String> fireTimes = new HashSet<>();
            for (Firing f : firings) {
                assertThat(fireTimes.add(f.scheduledFireTime())).as("fired twice at " + f.scheduledFireTime()).isTrue();
            }
            assertThat(firings).filteredOn(f -> !f.instance().equals(firing)).extracting(Firing::status)
                    .contains("completed");
            Set<String> instances = new HashSet<>();
            firings.forEach(f -> instances.add(f.instance()));
            System.out.printf("[figures] %d firings of a per-second schedule, run by %d scheduler instance(s): %s%n",
                    firings.size(), instances.size(), instances);
            assertThat(instances).hasSize(2);
            assertThat(survivor.isAlive()).isTrue();
        }
    }
}
