package io.mongopgsync.source;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.mongopgsync.config.SyncProperties;
import jakarta.annotation.PreDestroy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * One MongoClient per data source, created with bounded timeouts and replaced when the source's connection
 * string changes. Clients are thread-safe and pooled, so every sync of a source shares one.
 */
@Component
public class MongoConnections {

    private final SecretCipher cipher;
    private final SyncProperties.Mongo settings;
    private final MongoHostPolicy hostPolicy;
    private final Map<Long, Shared> clients = new ConcurrentHashMap<>();

    /** A pooled client and how many running syncs use it; a replaced one closes when the last lets go. */
    private static final class Shared {
        final String encrypted;
        final MongoClient client;
        int users;
        boolean retired;

        Shared(String encrypted, MongoClient client) {
            this.encrypted = encrypted;
            this.client = client;
        }
    }

    /** A sync's hold on its source's client: the client stays open until the lease is closed. */
    public final class Lease implements AutoCloseable {
        private final Shared shared;
        private boolean closed;

        private Lease(Shared shared) {
            this.shared = shared;
        }

        public MongoClient client() {
            return shared.client;
        }

        @Override
        public void close() {
            synchronized (MongoConnections.this) {
                if (closed) {
                    return;
                }
                closed = true;
                shared.users--;
                if (shared.retired && shared.users == 0) {
                    shared.client.close();
                }
            }
        }
    }

    public MongoConnections(SecretCipher cipher, SyncProperties properties, MongoHostPolicy hostPolicy) {
        this.cipher = cipher;
        this.settings = properties.mongo();
        this.hostPolicy = hostPolicy;
    }

    /**
     * The shared client of a source for the length of a sync. A source whose connection string changed gets a
     * new client; the old one serves the syncs that hold it and closes after them.
     */
    public synchronized Lease lease(DataSourceRecord source) {
        Shared current = clients.get(source.id());
        if (current == null || !current.encrypted.equals(source.encryptedConnectionString())) {
            if (current != null) {
                retire(current);
            }
            current = new Shared(source.encryptedConnectionString(), create(connectionString(source)));
            clients.put(source.id(), current);
        }
        current.users++;
        return new Lease(current);
    }

    /** The decrypted connection string; never log it, use {@link ConnectionStrings#redact}. */
    public String connectionString(DataSourceRecord source) {
        return cipher.decrypt(source.encryptedConnectionString());
    }

    /** A short-lived client for a one-off check; the caller closes it. */
    public MongoClient createUnshared(String uri) {
        return create(uri);
    }

    /** The source changed or went: its client closes as soon as no running sync holds it. */
    public synchronized void evict(long sourceId) {
        Shared shared = clients.remove(sourceId);
        if (shared != null) {
            retire(shared);
        }
    }

    private void retire(Shared shared) {
        shared.retired = true;
        if (shared.users == 0) {
            shared.client.close();
        }
    }

    private MongoClient create(String uri) {
        // a source registered before the allow-list was set, or tightened, is refused here
        hostPolicy.check(uri);
        ConnectionString cs = new ConnectionString(uri);
        MongoClientSettings.Builder builder = MongoClientSettings.builder().applyConnectionString(cs)
                .applicationName("mongo-pg-sync");
        hostPolicy.apply(builder);
        if (cs.getServerSelectionTimeout() == null) {
            builder.applyToClusterSettings(c -> c.serverSelectionTimeout(
                    settings.serverSelectionTimeout().toMillis(), TimeUnit.MILLISECONDS));
        }
        if (cs.getConnectTimeout() == null) {
            builder.applyToSocketSettings(s -> s.connectTimeout(
                    (int) settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS));
        }
        if (cs.getSocketTimeout() == null && !settings.socketTimeout().isZero()) {
            builder.applyToSocketSettings(s -> s.readTimeout(
                    (int) settings.socketTimeout().toMillis(), TimeUnit.MILLISECONDS));
        }
        return MongoClients.create(builder.build());
    }

    @PreDestroy
    synchronized void closeAll() {
        clients.values().forEach(c -> c.client.close());
        clients.clear();
    }
}
