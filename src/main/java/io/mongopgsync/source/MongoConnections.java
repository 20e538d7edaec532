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
    private final Map<Long, Cached> clients = new ConcurrentHashMap<>();

    private record Cached(String encrypted, MongoClient client) {
    }

    public MongoConnections(SecretCipher cipher, SyncProperties properties) {
        this.cipher = cipher;
        this.settings = properties.mongo();
    }

    /** The shared client for a source; callers must not close it. */
    public MongoClient client(DataSourceRecord source) {
        Cached cached = clients.compute(source.id(), (id, current) -> {
            if (current != null && current.encrypted().equals(source.encryptedConnectionString())) {
                return current;
            }
            if (current != null) {
                current.client().close();
            }
            return new Cached(source.encryptedConnectionString(), create(connectionString(source)));
        });
        return cached.client();
    }

    /** The decrypted connection string; never log it, use {@link ConnectionStrings#redact}. */
    public String connectionString(DataSourceRecord source) {
        return cipher.decrypt(source.encryptedConnectionString());
    }

    /** A short-lived client for a one-off check; the caller closes it. */
    public MongoClient createUnshared(String uri) {
        return create(uri);
    }

    public void evict(long sourceId) {
        Cached cached = clients.remove(sourceId);
        if (cached != null) {
            cached.client().close();
        }
    }

    private MongoClient create(String uri) {
        ConnectionString cs = new ConnectionString(uri);
        MongoClientSettings.Builder builder = MongoClientSettings.builder().applyConnectionString(cs)
                .applicationName("mongo-pg-sync");
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
    void closeAll() {
        clients.values().forEach(c -> c.client().close());
        clients.clear();
    }
}
