package io.mongopgsync.demo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.source.DataSourceService;
import io.mongopgsync.source.MongoConnections;
import io.mongopgsync.source.SyncConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/** Fills the embedded server with demo data and registers it as data source "demo" (once). */
@Component
@DemoMode
@Order(0)
public class DemoSetup implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoSetup.class);
    static final String DATABASE = "demo";

    private final EmbeddedMongoServer server;
    private final DataSourceService sources;
    private final MongoConnections connections;
    private final SyncProperties.Demo demo;

    public DemoSetup(EmbeddedMongoServer server, DataSourceService sources, MongoConnections connections,
                     SyncProperties properties) {
        this.server = server;
        this.sources = sources;
        this.connections = connections;
        this.demo = properties.demo();
    }

    /** The stored connection string, or null when it was encrypted under another key (an earlier SYNC_SECRET_KEY). */
    private String decryptable(io.mongopgsync.source.DataSourceRecord source) {
        try {
            return connections.connectionString(source);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    @Override
    public void run(ApplicationArguments args) {
        String uri = server.connectionString() + "/" + DATABASE;
        try (MongoClient client = MongoClients.create(uri)) {
            long written = new DemoDataGenerator(demo.scale()).seed(client.getDatabase(DATABASE));
            log.info("Demo data: wrote {} documents into database '{}' (customers, products, orders, events)",
                    written, DATABASE);
        }
        sources.list().stream().filter(s -> s.name().equals(demo.sourceName())).findFirst().ifPresentOrElse(existing -> {
            if (!uri.equals(decryptable(existing))) {
                sources.update(existing.id(), new DataSourceService.Changes(null, null, uri, DATABASE, null));
                log.info("Demo data source '{}' (id {}) now points at {}", existing.name(), existing.id(), uri);
            } else {
                log.info("Demo data source '{}' is registered as id {}", existing.name(), existing.id());
            }
        }, () -> {
            var created = sources.create(new DataSourceService.Changes(demo.sourceName(),
                    "Generated demo data in the embedded MongoDB", uri, DATABASE, SyncConfig.empty()));
            log.info("Registered the embedded demo MongoDB as data source '{}' (id {})", created.name(), created.id());
        });
    }
}
