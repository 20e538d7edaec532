package io.mongopgsync.source;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.errors.ConflictException;
import io.mongopgsync.errors.NotFoundException;
import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.load.TableRegistry;
import io.mongopgsync.load.TargetTables;
import io.mongopgsync.sync.SyncJobQueue;
import org.springframework.transaction.support.TransactionTemplate;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

/** The data-source registry: validation happens in the API layer, persistence and encryption here. */
@Service
public class DataSourceService {

    private static final Logger log = LoggerFactory.getLogger(DataSourceService.class);

    private final DataSourceRepository repository;
    private final SecretCipher cipher;
    private final MongoConnections connections;
    private final ApplicationEventPublisher events;
    private final ObjectMapper mapper;
    private final SyncJobQueue queue;
    private final TableRegistry registry;
    private final TargetTables tables;
    private final TransactionTemplate transaction;
    private final String targetSchema;

    public DataSourceService(DataSourceRepository repository, SecretCipher cipher, MongoConnections connections,
                             ApplicationEventPublisher events, ObjectMapper mapper, SyncJobQueue queue,
                             TableRegistry registry, TargetTables tables, TransactionTemplate transaction,
                             SyncProperties properties) {
        this.repository = repository;
        this.cipher = cipher;
        this.connections = connections;
        this.events = events;
        this.mapper = mapper;
        this.queue = queue;
        this.registry = registry;
        this.tables = tables;
        this.transaction = transaction;
        this.targetSchema = properties.targetSchema();
    }

    /** What a create or update asks for; null fields of an update keep their stored value. */
    public record Changes(String name, String description, String connectionString, String database,
                          SyncConfig syncConfig) {
    }

    public List<DataSourceRecord> list() {
        return repository.findAll();
    }

    public DataSourceRecord get(long id) {
        return repository.findById(id).orElseThrow(() -> NotFoundException.of("Data source", id));
    }

    public DataSourceRecord create(Changes c) {
        SyncConfig config = c.syncConfig() == null ? SyncConfig.empty() : c.syncConfig();
        DataSourceRecord created;
        try {
            // the row, its schedule trigger (same database) and its initial job: all or nothing
            created = transaction.execute(status -> {
                DataSourceRecord row = repository.insert(c.name(), c.description(), cipher.encrypt(c.connectionString()),
                        c.database(), config.toJson(mapper).toString());
                events.publishEvent(new DataSourceEvents.Created(row, config));
                return row;
            });
        } catch (DuplicateKeyException e) {
            throw duplicateName(c.name());
        }
        log.info("Registered data source {} '{}' ({} / {})", created.id(), created.name(),
                ConnectionStrings.redact(c.connectionString()), created.database());
        return created;
    }

    public DataSourceRecord update(long id, Changes c) {
        DataSourceRecord current = get(id);
        String name = c.name() != null ? c.name() : current.name();
        String description = c.description() != null ? c.description() : current.description();
        String encrypted = c.connectionString() != null ? cipher.encrypt(c.connectionString())
                : current.encryptedConnectionString();
        String database = c.database() != null ? c.database() : current.database();
        SyncConfig config = c.syncConfig() != null ? c.syncConfig() : SyncConfig.fromStored(current.syncConfigJson(), mapper);
        DataSourceRecord updated;
        try {
            // a config change and its schedule trigger change are one unit: both or neither
            updated = transaction.execute(status -> {
                DataSourceRecord row = repository.update(id, name, description, encrypted, database,
                        config.toJson(mapper).toString());
                events.publishEvent(new DataSourceEvents.Updated(row, config));
                return row;
            });
        } catch (DuplicateKeyException e) {
            throw duplicateName(name);
        }
        if (c.connectionString() != null) {
            connections.evict(id);
        }
        return updated;
    }

    /**
     * Deletes a source. Its imported tables stay unless {@code dropTables}; a running sync must be cancelled
     * first. Dropping and deleting happen in one transaction: a table that cannot be dropped keeps everything.
     */
    public void delete(long id, boolean dropTables) {
        DataSourceRecord current = get(id);
        queue.active(id).filter(j -> j.status().equals("running")).ifPresent(j -> {
            throw new ConflictException("sync_in_progress", "A sync of data source " + id + " is running as job "
                    + j.id() + "; cancel it first (POST /api/data-sources/" + id + "/sync/cancel)");
        });
        try {
            transaction.executeWithoutResult(status -> {
                for (TableRegistry.ImportedTable table : registry.tables(id)) {
                    // shadows of syncs that never finished belong to nobody once the source is gone
                    for (String shadow : tables.shadowsOf(targetSchema,
                            TargetTables.shadowSuffix(id, table.collectionName()))) {
                        tables.dropIfExists(targetSchema, shadow);
                    }
                    if (dropTables) {
                        tables.dropIfExists(targetSchema, table.tableName());
                    }
                }
                repository.delete(id);
            });
        } catch (org.springframework.dao.DataAccessException e) {
            throw new ConflictException("tables_in_use", "The imported tables of data source " + id
                    + " cannot be dropped: " + e.getMostSpecificCause().getMessage());
        }
        connections.evict(id);
        log.info("Deleted data source {} '{}'", id, current.name());
        events.publishEvent(new DataSourceEvents.Deleted(id, current.name()));
    }

    public SyncConfig syncConfig(DataSourceRecord source) {
        return SyncConfig.fromStored(source.syncConfigJson(), mapper);
    }

    private static ConflictException duplicateName(String name) {
        return new ConflictException("duplicate_name", "A data source named '" + name + "' already exists");
    }
}
