package io.mongopgsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import io.mongopgsync.support.SyncClient;
import io.mongopgsync.support.TestMongo;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Passwords of connection strings appear in no log line, whatever happens to the source. */
@ServiceIT
@ExtendWith(OutputCaptureExtension.class)
class SecretsInLogsIT {

    static final String PASSWORD = "Zebra-Secret.42";

    @LocalServerPort
    int port;

    @Test
    void shouldNeverLogAPassword(CapturedOutput output) throws Exception {
        ApiClient api = new ApiClient(port);
        SyncClient sync = new SyncClient(api);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String database = "logs_" + UUID.randomUUID().toString().substring(0, 8);
        TestMongo.get().client().getDatabase(database).getCollection("c").insertOne(new org.bson.Document("n", 1));
        String reachable = TestMongo.get().uri(database).replace("mongodb://", "mongodb://reader:" + PASSWORD + "@");
        long unreachable = sync.createSource("logs-down", "mongodb://reader:" + PASSWORD + "@127.0.0.1:" + closedPort
                + "/" + database, database, Map.of());
        long rejected = sync.createSource("logs-auth", reachable, database, Map.of());

        api.post("/api/data-sources/" + unreachable + "/test-connection", null);
        api.post("/api/data-sources/" + rejected + "/test-connection", null);
        sync.syncAndWait(unreachable, "full");
        sync.syncAndWait(rejected, "full");
        api.put("/api/data-sources/" + rejected, ApiClient.json(Map.of("connectionString",
                reachable.replace(PASSWORD, PASSWORD + "-2"))));
        sync.awaitIdle(rejected, Duration.ofSeconds(30));

        assertThat(output.getAll()).contains("Registered data source").contains("reader:****@")
                .doesNotContain(PASSWORD);
    }
}
