package io.mongopgsync.sync;

import static io.mongopgsync.mapping.Identifiers.qualified;
import static io.mongopgsync.mapping.Identifiers.quote;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.load.CopyLoader;
import io.mongopgsync.load.RejectStore;
import io.mongopgsync.load.TableRegistry;
import io.mongopgsync.load.TargetTables;
import io.mongopgsync.mapping.ExtendedJson;
import io.mongopgsync.mapping.IdEncoder;
import io.mongopgsync.mapping.Identifiers;
import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.source.ConnectionStrings;
import io.mongopgsync.source.MongoConnections;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The steps of one collection's sync, called by the {@code sync-collection} route: begin (schema from a sample,
 * shadow or live table ready), batches (a streaming cursor cut into batches), load (schema evolution, COPY),
 * finish (primary key, indexes, atomic swap or merge, history) and fail.
 */
@Component("collectionSync")
public class CollectionSyncSteps {

    private static final Logger log = LoggerFactory.getLogger(CollectionSyncSteps.class);
    /** btree entries hold at most about 2,700 bytes; longer ids could never be indexed. */
    static final int MAX_ID_BYTES = 2000;
    private static final int SWAP_ATTEMPTS = 3;

    private final MongoConnections connections;
    private final TableRegistry registry;
    private final TargetTables tables;
    private final RejectStore rejects;
    private final SyncHistory history;
    private final DataSource dataSource;
    private final TransactionTemplate transaction;
    private final ObjectMapper json;
    private final SyncMetrics metrics;
    private final SyncJobQueue jobs;
    /** How long DDL and the swap wait for readers' locks before giving up (and retrying). */
    private final Duration lockTimeout;

    public CollectionSyncSteps(MongoConnections connections, TableRegistry registry, TargetTables tables,
                               RejectStore rejects, SyncHistory history, DataSource dataSource,
                               TransactionTemplate transaction, ObjectMapper json, SyncMetrics metrics,
                               SyncJobQueue jobs, SyncProperties properties) {
        this.connections = connections;
        this.registry = registry;
        this.tables = tables;
        this.rejects = rejects;
        this.history = history;
        this.dataSource = dataSource;
        this.transaction = transaction;
        this.json = json;
        this.metrics = metrics;
        this.jobs = jobs;
        this.lockTimeout = properties.lockTimeout();
    }

    // ---------------------------------------------------------------------------------------------- begin

    public void begin(@ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run) {
        run.resetForAttempt();
        run.checkCancelled();
        if (run.historyId == 0) {
            run.startedAt = Instant.now();
            run.metadata = json.createObjectNode();
            run.table = registry.tableFor(run.schema, run.source.id(), run.source.name(), run.collection);
            run.lastSyncField = run.config.lastSyncField(run.collection);
            decideMode(run);
            run.historyId = history.start(run.source.id(), run.job.id(), run.collection, run.table, run.mode,
                    run.metadata.toString());
        } else {
            rejects.clear(run.historyId);
        }
        run.metadata.put("attempts", run.attempts);
        run.metadata.remove(List.of("schemaChanges", "unchangedDocuments"));
        MongoCollection<BsonDocument> collection = collection(run);
        run.estimatedTotal = run.mode == SyncType.FULL ? estimatedCount(collection) : null;
        if (run.estimatedTotal != null) {
            run.metadata.put("estimatedTotal", run.estimatedTotal);
        }
        run.tableSchema = new TableSchema(registry.columns(run.source.id(), run.collection));
        run.mapper = new RowMapper();
        List<BsonDocument> sample = new ArrayList<>();
        collection.find(filter(run)).limit(run.config.sampleSize()).batchSize(run.config.sampleSize()).into(sample);
        List<TableSchema.Change> changes = run.tableSchema.observe(sample);
        run.metadata.put("sampled", sample.size());
        if (run.mode == SyncType.FULL) {
            dropAbandonedShadows(run);
            run.shadow = shadowName(run);
            tables.dropIfExists(run.schema, run.shadow);
            tables.create(run.schema, run.shadow, run.tableSchema.columns(), false);
        } else {
            applyToLive(run, changes);
        }
        history.updateMetadata(run.historyId, run.metadata.toString());
    }

    /** A requested incremental run falls back to full when it cannot be incremental, and says why. */
    private void decideMode(CollectionRun run) {
        var last = history.lastCompleted(run.source.id(), run.collection);
        ObjectNode lastMetadata = last.map(r -> parse(r.syncMetadataJson())).orElse(json.createObjectNode());
        run.incrementalRunsSinceFull = lastMetadata.path("incrementalRunsSinceFull").asLong(0);
        run.mode = SyncType.FULL;
        if (run.job.syncType() == SyncType.FULL) {
            run.modeReason = "full sync requested";
        } else if (!tables.exists(run.schema, run.table)) {
            run.modeReason = "no imported table yet";
        } else if (!lastMetadata.has("watermark")
                || !run.lastSyncField.equals(lastMetadata.path("watermark").path("field").asText())) {
            run.modeReason = "no watermark yet for field '" + run.lastSyncField + "'";
        } else if (run.config.fullSyncEvery() > 0 && run.incrementalRunsSinceFull + 1 >= run.config.fullSyncEvery()) {
            run.modeReason = "periodic full sync (fullSyncEvery " + run.config.fullSyncEvery() + ")";
        } else if (collection(run).find(Filters.exists(run.lastSyncField)).limit(1).first() == null) {
            run.modeReason = "no document has field '" + run.lastSyncField + "'";
        } else {
            run.mode = SyncType.INCREMENTAL;
            run.watermarkFrom = Watermarks.fromJson(lastMetadata.path("watermark").path("value").toString());
            run.modeReason = "changes since watermark";
        }
        run.metadata.put("mode", run.mode.value());
        run.metadata.put("modeReason", run.modeReason);
        run.metadata.put("requestedSyncType", run.job.syncType().value());
        if (run.mode == SyncType.INCREMENTAL) {
            run.metadata.put("watermarkFrom", Watermarks.toJson(run.watermarkFrom));
            run.metadata.put("deletes", "not detected: incremental sync reads changed documents only; "
                    + "documents deleted in MongoDB stay until the next full sync");
        }
    }

    // -------------------------------------------------------------------------------------------- batches

    /** A cursor over the collection cut into lists of batchSize documents; memory stays at one batch. */
    public Iterator<List<BsonDocument>> batches(@ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run) {
        int size = run.config.batchSize();
        run.cursor = collection(run).find(filter(run)).batchSize(size).cursor();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return run.cursor != null && run.cursor.hasNext();
            }

            @Override
            public List<BsonDocument> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<BsonDocument> batch = new ArrayList<>(size);
                while (batch.size() < size && run.cursor.hasNext()) {
                    batch.add(run.cursor.next());
                }
                return batch;
            }
        };
    }

    // ----------------------------------------------------------------------------------------------- load

    public void load(@ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run, @Body List<BsonDocument> batch)
            throws SQLException {
        run.checkCancelled();
        List<BsonDocument> storable = new ArrayList<>(batch.size());
        for (BsonDocument doc : batch) {
            String problem = unstorable(doc);
            if (problem == null) {
                storable.add(doc);
            } else {
                reject(run, doc, problem);
            }
        }
        List<TableSchema.Change> changes = run.tableSchema.observe(storable);
        if (run.mode == SyncType.FULL) {
            changes.forEach(change -> applyAndNote(run, run.shadow, change));
            List<CopyLoader.Row> rows = rows(run, storable);
            CopyLoader.Result result;
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                result = CopyLoader.copy(connection, qualified(run.schema, run.shadow),
                        RowMapper.copyColumns(run.tableSchema.columns()), rows);
                connection.commit();
            }
            account(run, storable, result, result.loaded());
        } else {
            mergeIntoLive(run, storable, changes);
        }
        history.progress(run.historyId, run.synced, run.failed);
    }

    private static String unstorable(BsonDocument doc) {
        BsonValue id = doc.get(TableSchema.ID);
        if (id == null) {
            return "document has no _id";
        }
        int bytes = IdEncoder.encode(id).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_ID_BYTES) {
            return "_id is " + bytes + " bytes as text; PostgreSQL indexes hold at most " + MAX_ID_BYTES;
        }
        if (id.isArray()) {
            return "_id is an array";
        }
        return null;
    }

    private List<CopyLoader.Row> rows(CollectionRun run, List<BsonDocument> docs) {
        List<TableSchema.Column> columns = run.tableSchema.columns();
        List<CopyLoader.Row> rows = new ArrayList<>(docs.size());
        StringBuilder line = new StringBuilder(512);
        for (BsonDocument doc : docs) {
            line.setLength(0);
            run.mapper.appendRow(doc, columns, line);
            rows.add(new CopyLoader.Row(IdEncoder.encode(doc.get(TableSchema.ID)), line.toString(), null));
        }
        return rows;
    }

    /** Counts the loaded rows, records the rejected ones, and moves the watermark over what was stored. */
    private void account(CollectionRun run, List<BsonDocument> docs, CopyLoader.Result result, long changedRows) {
        run.synced += changedRows;
        if (!result.rejected().isEmpty()) {
            Map<String, BsonDocument> byId = new java.util.HashMap<>();
            docs.forEach(d -> byId.put(IdEncoder.encode(d.get(TableSchema.ID)), d));
            for (CopyLoader.Rejected r : result.rejected()) {
                BsonDocument doc = byId.remove(r.row().documentId());
                reject(run, doc, r.reason());
            }
            docs = new ArrayList<>(byId.values());
        }
        for (BsonDocument doc : docs) {
            run.watermarkSeen = Watermarks.max(run.watermarkSeen, Watermarks.extract(doc, run.lastSyncField));
        }
    }

    private void reject(CollectionRun run, BsonDocument doc, String reason) {
        run.failed++;
        BsonValue id = doc == null ? null : doc.get(TableSchema.ID);
        String raw = doc == null ? "{}" : ExtendedJson.relaxed(doc);
        rejects.add(run.source.id(), run.historyId, run.collection, id == null ? null : IdEncoder.encode(id), raw, reason);
        log.warn("Rejected a document of {}.{} (_id {}): {}", run.source.name(), run.collection,
                id == null ? "none" : IdEncoder.encode(id), reason);
    }

    // ------------------------------------------------------------------------------------------ incremental

    private void applyToLive(CollectionRun run, List<TableSchema.Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        transaction.executeWithoutResult(status -> applyLiveChanges(run, changes));
    }

    /**
     * Inside the caller's transaction: proves the job still owns its lease, applies schema changes to the live
     * table (recreating the views that depend on a widened column), and saves the column registry whenever a
     * column changed, so that later runs judge the table by its real contents.
     */
    private void applyLiveChanges(CollectionRun run, List<TableSchema.Change> changes) {
        // A queued ALTER blocks the readers behind it: wait for locks only briefly, the step is retried.
        tables.lockTimeout(lockTimeout);
        fence(run);
        boolean widening = changes.stream().anyMatch(c -> !c.isNewColumn());
        if (widening) {
            tables.serializeDdl(run.schema);
            tables.lockExclusive(run.schema, run.table);
            List<TargetTables.DependentView> views = tables.dependentViews(run.schema, run.table);
            tables.dropViews(views);
            changes.forEach(change -> applyAndNote(run, run.table, change));
            tables.recreateViews(views);
        } else {
            changes.forEach(change -> applyAndNote(run, run.table, change));
        }
        if (run.tableSchema.takeChanged()) {
            registry.saveColumns(run.source.id(), run.collection, run.tableSchema.columns());
        }
    }

    private void applyAndNote(CollectionRun run, String table, TableSchema.Change change) {
        tables.apply(run.schema, table, change);
        noteChange(run, change);
    }

    /** Fencing: only the instance that holds the job's lease may change live tables. */
    private void fence(CollectionRun run) {
        if (!jobs.holds(run.job.id(), run.job.owner())) {
            throw new CancelledException("stopped: this instance no longer holds job " + run.job.id()
                    + " (its lease expired and the job was queued again)");
        }
    }

    /**
     * Per batch: schema changes on the live table in a short transaction of their own, then one transaction with
     * COPY into a temporary staging table and an upsert keeping the last version of each _id; rows whose
     * document did not change are left alone.
     */
    private void mergeIntoLive(CollectionRun run, List<BsonDocument> docs, List<TableSchema.Change> changes) {
        List<CopyLoader.Row> rows = rows(run, docs);
        String live = qualified(run.schema, run.table);
        String staging = quote("_mps_staging");
        String columns = RowMapper.copyColumns(run.tableSchema.columns());
        StringBuilder updates = new StringBuilder();
        for (TableSchema.Column c : run.tableSchema.columns()) {
            updates.append(quote(c.name())).append(" = EXCLUDED.").append(quote(c.name())).append(", ");
        }
        updates.append(quote(TableSchema.SOURCE_DOCUMENT)).append(" = EXCLUDED.").append(quote(TableSchema.SOURCE_DOCUMENT))
                .append(", ").append(quote(TableSchema.IMPORTED_AT)).append(" = now()");
        long[] changed = new long[1];
        // Schema changes commit on their own, so readers wait for the DDL only, not for the batch behind it.
        applyToLive(run, changes);
        CopyLoader.Result result = transaction.execute(status -> {
            fence(run);
            if (run.tableSchema.takeChanged()) {
                registry.saveColumns(run.source.id(), run.collection, run.tableSchema.columns());
            }
            Connection connection = DataSourceUtils.getConnection(dataSource);
            try (var statement = connection.createStatement()) {
                statement.execute("CREATE TEMP TABLE " + staging + " (LIKE " + live + " INCLUDING DEFAULTS) ON COMMIT DROP");
                CopyLoader.Result copied = CopyLoader.copy(connection, staging, columns, rows);
                changed[0] = statement.executeUpdate("INSERT INTO " + live + " (" + columns + ") SELECT DISTINCT ON ("
                        + quote(TableSchema.ID) + ") " + columns + " FROM " + staging + " ORDER BY "
                        + quote(TableSchema.ID) + ", ctid DESC ON CONFLICT (" + quote(TableSchema.ID) + ") DO UPDATE SET "
                        + updates + " WHERE " + live + "." + quote(TableSchema.SOURCE_DOCUMENT)
                        + " IS DISTINCT FROM EXCLUDED." + quote(TableSchema.SOURCE_DOCUMENT));
                return copied;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        long unchanged = result.loaded() - changed[0];
        run.metadata.put("unchangedDocuments", run.metadata.path("unchangedDocuments").asLong(0) + Math.max(0, unchanged));
        account(run, docs, result, changed[0]);
    }

    // --------------------------------------------------------------------------------------------- finish

    public void finish(@ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run) {
        run.closeCursor();
        run.checkCancelled();
        ObjectNode metadata = run.metadata;
        metadata.put("documentsRead", run.synced + run.failed);
        recordSchemaFacts(run);
        if (run.mode == SyncType.FULL) {
            finishFull(run);
        } else {
            storeWatermark(run);
            transaction.executeWithoutResult(status -> {
                fence(run);
                registry.saveColumns(run.source.id(), run.collection, run.tableSchema.columns());
                history.finish(run.historyId, "completed", run.synced, run.failed, null, finalMetadata(run).toString());
            });
        }
        run.status = "completed";
        metrics.collectionFinished(run.source.name(), run.collection, run.mode, run.status, run.synced, run.failed,
                Duration.between(run.startedAt, Instant.now()));
        log.info("Synced {}.{} into {}.{}: {} rows ({}), {} rejected", run.source.name(), run.collection, run.schema,
                run.table, run.synced, run.mode.value(), run.failed);
    }

    private void finishFull(CollectionRun run) {
        long duplicates = tables.addPrimaryKey(run.schema, run.shadow, run.shadow + "_pkey");
        if (duplicates > 0) {
            run.synced -= duplicates;
            run.metadata.put("duplicatesRemoved", duplicates);
        }
        List<String[]> indexes = createIndexes(run);
        storeWatermark(run);
        Exception last = null;
        for (int attempt = 1; attempt <= SWAP_ATTEMPTS; attempt++) {
            try {
                swap(run, indexes);
                return;
            } catch (DataAccessException e) {
                last = e;
                if (!SyncErrorClassifier.isLockTimeout(e) || attempt == SWAP_ATTEMPTS) {
                    break;
                }
                log.warn("Swap of {}.{} waited too long for readers (attempt {}), trying again", run.schema, run.table,
                        attempt);
            }
        }
        throw new IllegalStateException("could not swap the new table in: " + last.getMessage(), last);
    }

    /** Indexes on the shadow table under temporary names: {temporary name, final name}. */
    private List<String[]> createIndexes(CollectionRun run) {
        List<String[]> names = new ArrayList<>();
        names.add(new String[] {run.shadow + "_pkey", Identifiers.fit(run.table + "_pkey", run.table + "/pkey")});
        ArrayNode created = run.metadata.putArray("indexesCreated");
        ArrayNode skipped = run.metadata.putArray("indexesSkipped");
        String importedTemp = run.shadow + "_i0";
        tables.createIndex(run.schema, run.shadow, importedTemp, TableSchema.IMPORTED_AT, "btree", false);
        names.add(new String[] {importedTemp, Identifiers.fit(run.table + "__imported_at_idx", run.table + "/_imported_at")});
        created.add(TableSchema.IMPORTED_AT);
        int n = 1;
        for (BsonDocument index : mongoIndexes(run, skipped)) {
            BsonDocument key = index.getDocument("key", new BsonDocument());
            String name = index.getString("name", new org.bson.BsonString("")).getValue();
            if (key.size() != 1) {
                skipped.addObject().put("index", name).put("field", String.join(", ", key.keySet()))
                        .put("reason", "compound indexes are not copied");
                continue;
            }
            String field = key.getFirstKey();
            BsonValue kind = key.get(field);
            if (field.equals(TableSchema.ID)) {
                continue;
            }
            TableSchema.Column column = run.tableSchema.column(field);
            String reason = null;
            String method = null;
            boolean descending = false;
            if (field.contains(".")) {
                reason = "indexes a nested field";
            } else if (column == null) {
                reason = "no document has the field";
            } else if (kind.isNumber()) {
                method = TargetTables.indexMethod(column.type());
                descending = kind.asNumber().doubleValue() < 0 && method.equals("btree");
            } else if (kind.isString() && kind.asString().getValue().equals("hashed")) {
                method = column.type() == io.mongopgsync.mapping.ColumnType.JSONB ? "gin" : "hash";
            } else {
                reason = "index type " + kind + " has no PostgreSQL equivalent";
            }
            if (method != null) {
                String temp = run.shadow + "_i" + n++;
                try {
                    tables.createIndex(run.schema, run.shadow, temp, column.name(), method, descending);
                    names.add(new String[] {temp, Identifiers.fit(run.table + "_" + column.name() + "_idx",
                            run.table + "/" + column.name())});
                    created.add(column.name());
                    continue;
                } catch (DataAccessException e) {
                    reason = "PostgreSQL could not build it: " + rootMessage(e);
                }
            }
            skipped.addObject().put("index", name).put("field", field).put("reason", reason);
        }
        return names;
    }

    /** A MongoDB view has neither a count estimate nor indexes: both answer with an error there. */
    private static Long estimatedCount(MongoCollection<BsonDocument> collection) {
        try {
            return collection.estimatedDocumentCount();
        } catch (com.mongodb.MongoCommandException e) {
            return null;
        }
    }

    private List<BsonDocument> mongoIndexes(CollectionRun run, ArrayNode skipped) {
        try {
            return collection(run).listIndexes(BsonDocument.class).into(new ArrayList<>());
        } catch (com.mongodb.MongoCommandException e) {
            skipped.addObject().put("index", "*").put("reason", "MongoDB does not list indexes here ("
                    + e.getErrorMessage() + "), for example because the collection is a view");
            return List.of();
        }
    }

    /**
     * Replaces the live table by the shadow in one transaction: readers see the old table or the new one.
     * Views built on the table are recreated on the new one, and grants are carried over.
     */
    private void swap(CollectionRun run, List<String[]> indexNames) {
        transaction.executeWithoutResult(status -> {
            tables.lockTimeout(lockTimeout);
            fence(run);
            // Swaps of tables that share a view would otherwise deadlock on each other's locks.
            tables.serializeDdl(run.schema);
            List<TargetTables.DependentView> views = List.of();
            if (tables.exists(run.schema, run.table)) {
                tables.lockExclusive(run.schema, run.table);
                tables.applyGrants(run.schema, run.shadow, tables.grants(run.schema, run.table));
                views = tables.dependentViews(run.schema, run.table);
                tables.dropViews(views);
                tables.drop(run.schema, run.table);
            }
            tables.rename(run.schema, run.shadow, run.table);
            for (String[] index : indexNames) {
                tables.renameIndex(run.schema, index[0], tables.freeIndexName(run.schema, index[1], index[0]));
            }
            tables.recreateViews(views);
            if (!views.isEmpty()) {
                ArrayNode recreated = run.metadata.putArray("viewsRecreated");
                views.forEach(v -> recreated.add(v.schema() + "." + v.name()));
            }
            registry.saveColumns(run.source.id(), run.collection, run.tableSchema.columns());
            history.finish(run.historyId, "completed", run.synced, run.failed, null, finalMetadata(run).toString());
        });
        run.shadow = null;
    }

    private void storeWatermark(CollectionRun run) {
        BsonValue stored = Watermarks.toStore(run.watermarkSeen, run.startedAt);
        if (stored == null && run.mode == SyncType.INCREMENTAL) {
            stored = run.watermarkFrom; // nothing new: keep the old one
        }
        if (stored != null) {
            ObjectNode watermark = run.metadata.putObject("watermark");
            watermark.put("field", run.lastSyncField);
            watermark.set("value", parseNode(Watermarks.toJson(stored)));
        }
        run.metadata.put("incrementalRunsSinceFull",
                run.mode == SyncType.FULL ? 0 : run.incrementalRunsSinceFull + 1);
    }

    private void recordSchemaFacts(CollectionRun run) {
        ArrayNode conflicts = run.metadata.putArray("typeConflicts");
        run.tableSchema.conflicts().values().forEach(c -> {
            ObjectNode conflict = conflicts.addObject().put("field", c.field()).put("column", c.name())
                    .put("columnType", c.type().sql());
            ArrayNode types = conflict.putArray("bsonTypes");
            c.bsonTypes().forEach(types::add);
        });
        if (!run.tableSchema.overflowFields().isEmpty()) {
            ObjectNode overflow = run.metadata.putObject("fieldsOnlyInSourceDocument");
            overflow.put("count", run.tableSchema.overflowFields().size());
            overflow.put("reason", "the table reached " + TableSchema.DEFAULT_MAX_COLUMNS + " columns");
            ArrayNode names = overflow.putArray("first");
            run.tableSchema.overflowFields().stream().limit(20).forEach(names::add);
        }
        ObjectNode renamed = run.metadata.putObject("renamedFields");
        run.tableSchema.columns().stream().filter(c -> !c.name().equals(c.field()))
                .forEach(c -> renamed.put(c.field(), c.name()));
        ObjectNode rules = run.metadata.putObject("valueRules");
        rules.put("nulCharactersReplaced", run.mapper.renderer().nulCharactersReplaced());
        rules.put("datesOutOfRange", run.mapper.renderer().datesOutOfRange());
    }

    private ObjectNode finalMetadata(CollectionRun run) {
        run.metadata.put("durationMs", Duration.between(run.startedAt, Instant.now()).toMillis());
        return run.metadata;
    }

    private void noteChange(CollectionRun run, TableSchema.Change change) {
        ArrayNode changes = run.metadata.has("schemaChanges") ? (ArrayNode) run.metadata.get("schemaChanges")
                : run.metadata.putArray("schemaChanges");
        ObjectNode entry = changes.addObject().put("field", change.column().field()).put("column", change.column().name());
        if (change.isNewColumn()) {
            entry.put("change", "added").put("type", change.column().type().sql());
        } else {
            entry.put("change", "widened").put("from", change.previous().sql()).put("to", change.column().type().sql());
        }
    }

    // ----------------------------------------------------------------------------------------------- fail

    /** The collection failed for good: drop the shadow (the live table stays as it was) and record why. */
    public void fail(@ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run,
                     @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable failure) {
        run.closeCursor();
        String message = describe(run, failure);
        if (run.shadow != null) {
            try {
                tables.dropIfExists(run.schema, run.shadow);
            } catch (RuntimeException e) {
                log.warn("Could not drop shadow table {}.{}: {}", run.schema, run.shadow, e.getMessage());
            }
        }
        if (run.historyId != 0) {
            if (run.metadata != null) {
                run.metadata.put("attempts", run.attempts);
            }
            history.finish(run.historyId, "failed", run.synced, run.failed, message,
                    run.metadata == null ? "{}" : finalMetadata(run).toString());
        }
        run.status = "failed";
        run.error = message;
        if (run.startedAt != null) {
            metrics.collectionFinished(run.source.name(), run.collection, run.mode, run.status, run.synced, run.failed,
                    Duration.between(run.startedAt, Instant.now()));
        }
        if (cancellation(failure) != null) {
            log.info("Sync of {}.{} stopped: {}", run.source.name(), run.collection, message);
        } else {
            log.warn("Sync of {}.{} failed after {} attempt(s): {}", run.source.name(), run.collection, run.attempts,
                    message, failure);
        }
    }

    private static CancelledException cancellation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CancelledException c) {
                return c;
            }
        }
        return null;
    }

    private String describe(CollectionRun run, Throwable failure) {
        CancelledException cancelled = cancellation(failure);
        if (cancelled != null) {
            return cancelled.getMessage();
        }
        String message = rootMessage(failure);
        try {
            return ConnectionStrings.redactIn(message, connections.connectionString(run.source));
        } catch (RuntimeException e) {
            return message;
        }
    }

    /**
     * The message that says what went wrong: wrappers (Camel's, executors') are skipped, a Spring data-access
     * error gives its driver's message, and the service's own exceptions speak for themselves.
     */
    static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t && (t instanceof org.apache.camel.CamelException
                || t instanceof org.apache.camel.RuntimeCamelException
                || t instanceof java.util.concurrent.ExecutionException || t.getMessage() == null)) {
            t = t.getCause();
        }
        if (t instanceof DataAccessException dataAccess) {
            Throwable specific = dataAccess.getMostSpecificCause();
            return specific.getMessage() == null ? specific.getClass().getSimpleName() : specific.getMessage();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private MongoCollection<BsonDocument> collection(CollectionRun run) {
        return run.mongo.getDatabase(run.source.database())
                .getCollection(run.collection, BsonDocument.class);
    }

    private static Bson filter(CollectionRun run) {
        return run.mode == SyncType.INCREMENTAL ? Filters.gte(run.lastSyncField, run.watermarkFrom) : new BsonDocument();
    }

    /**
     * {@code _mps_shadow_<job>_<hash of source and collection>}: a job never touches another job's shadow, and a
     * shadow a dead job left behind is recognised by its collection and dropped.
     */
    static String shadowName(CollectionRun run) {
        return "_mps_shadow_" + run.job.id() + "_" + shadowSuffix(run);
    }

    private static String shadowSuffix(CollectionRun run) {
        return TargetTables.shadowSuffix(run.source.id(), run.collection);
    }

    private void dropAbandonedShadows(CollectionRun run) {
        for (String shadow : tables.shadowsOf(run.schema, shadowSuffix(run))) {
            long owningJob = Long.parseLong(shadow.substring("_mps_shadow_".length(), shadow.lastIndexOf('_')));
            if (owningJob != run.job.id() && !jobs.isRunning(owningJob)) {
                tables.dropIfExists(run.schema, shadow);
                log.info("Dropped shadow table {}.{} left by job {}", run.schema, shadow, owningJob);
            }
        }
    }

    private com.fasterxml.jackson.databind.JsonNode parseNode(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("watermark is not JSON: " + text, e);
        }
    }

    private ObjectNode parse(String text) {
        try {
            return text == null ? json.createObjectNode() : (ObjectNode) json.readTree(text);
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }
}
