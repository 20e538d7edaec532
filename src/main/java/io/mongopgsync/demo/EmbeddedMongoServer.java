package io.mongopgsync.demo;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.mongopgsync.config.SyncProperties;
import jakarta.annotation.PreDestroy;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The embedded MongoDB-compatible server (mongo-java-server, in memory, oplog enabled) that backs the demo
 * when no MongoDB is configured. Its data lives as long as the process.
 */
@Component
@DemoMode
public class EmbeddedMongoServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedMongoServer.class);

    private final MongoServer server;
    private final InetSocketAddress address;

    public EmbeddedMongoServer(SyncProperties properties) {
        int port = properties.demo().port();
        MongoServer candidate = new MongoServer(new MemoryBackend());
        candidate.enableOplog();
        try {
            candidate.bind("127.0.0.1", port);
        } catch (RuntimeException e) {
            candidate.shutdownNow();
            throw new IllegalStateException("The embedded demo MongoDB cannot listen on 127.0.0.1:" + port
                    + " (" + e.getMessage() + "). Set DEMO_MONGO_PORT to a free port, or turn the demo off with "
                    + "sync.demo.enabled=false (SYNC_DEMO_ENABLED=false).", e);
        }
        this.server = candidate;
        this.address = server.getLocalAddress();
        log.info("Embedded demo MongoDB (mongo-java-server, in memory) listens on {}", connectionString());
    }

    public String connectionString() {
        return "mongodb://127.0.0.1:" + address.getPort();
    }

    @PreDestroy
    void stop() {
        server.shutdownNow();
    }
}
