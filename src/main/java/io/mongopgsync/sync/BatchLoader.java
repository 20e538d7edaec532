package io.mongopgsync.sync;

import static io.mongopgsync.mapping.Identifiers.qualified;

import io.mongopgsync.load.CopyLoader;
import io.mongopgsync.load.CopyStream;
import io.mongopgsync.load.RejectStore;
import io.mongopgsync.mapping.CopyText;
import io.mongopgsync.mapping.ExtendedJson;
import io.mongopgsync.mapping.IdEncoder;
import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The last step of a batch: documents that can never be rows go to the rejects table, the table grows the
 * columns the batch needs, and the rows are mapped straight into the COPY that stays open on the shadow table
 * (full) or merged into the live table (incremental). Rows PostgreSQL refuses are rejected one by one with the
 * reason.
 */
@Component("batchLoader")
public class BatchLoader {

    private static final Logger log = LoggerFactory.getLogger(BatchLoader.class);
    /** btree entries hold at most about 2,700 bytes; longer ids could never be indexed. */
    static final int MAX_ID_BYTES = 2000;
    /** Rows are sent to PostgreSQL in pieces of about this size while a batch is mapped. */
    private static final int SEND_BYTES = 256 * 1024;
    /** A collection's history row shows its progress at most this old (the dashboard reads it every 500 ms). */
    static final long PROGRESS_INTERVAL_NANOS = 250_000_000L;

    private final DataSource dataSource;
    private final RejectStore rejects;
    private final SyncHistory history;
    private final LiveMerge liveMerge;

    public BatchLoader(DataSource dataSource, RejectStore rejects, SyncHistory history, LiveMerge liveMerge) {
        this.dataSource = dataSource;
        this.rejects = rejects;
        this.history = history;
        this.liveMerge = liveMerge;
    }

    public void load(@ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run, @Body List<BsonDocument> batch)
            throws SQLException, InterruptedException {
        try {
            loadBatch(run, batch);
        } catch (SQLException | InterruptedException | RuntimeException e) {
            run.splitFailed(e);
            throw e;
        }
    }

    private void loadBatch(CollectionRun run, List<BsonDocument> batch) throws SQLException, InterruptedException {
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
        if (run.mode == SyncType.FULL) {
            stream(run, storable);
        } else {
            List<TableSchema.Change> changes = run.tableSchema.observe(storable);
            CopyText rows = new CopyText(storable.size() * 1024);
            List<TableSchema.Column> columns = run.tableSchema.columns();
            storable.forEach(doc -> run.mapper.appendRow(doc, columns, rows));
            LiveMerge.Merged merged = liveMerge.merge(run, rows, changes);
            long unchanged = merged.copied().loaded() - merged.changedRows();
            run.metadata.put("unchangedDocuments",
                    run.metadata.path("unchangedDocuments").asLong(0) + Math.max(0, unchanged));
            account(run, merged.copied(), merged.changedRows());
        }
        reportProgress(run, false);
    }

    /**
     * Writes the collection's progress to its history row (where every instance's API reads it): after its first
     * batch, then at most every {@link #PROGRESS_INTERVAL_NANOS} across its splits, and at the end ({@code last}).
     * A write per batch cost as much as a fifth of a full sync.
     */
    private void reportProgress(CollectionRun run, boolean last) {
        CollectionRun whole = run.parent == null ? run : run.parent;
        long now = System.nanoTime();
        synchronized (whole) {
            if (!last && whole.progressWrittenAt != 0 && now - whole.progressWrittenAt < PROGRESS_INTERVAL_NANOS) {
                return;
            }
            whole.progressWrittenAt = now;
        }
        long[] progress = run.progress();
        history.progress(run.historyId, progress[0], progress[1]);
    }

    /**
     * Full sync: the rows go into the COPY that stays open on the shadow table. Columns the batch adds or widens are
     * applied while no split of the collection loads a batch, with this split's open chunk committed first.
     */
    private void stream(CollectionRun run, List<BsonDocument> docs) throws SQLException, InterruptedException {
        if (run.stream == null) {
            run.stream = new CopyStream(dataSource, qualified(run.schema, run.shadow), run.memory.chunkBytes());
        }
        CopyStream stream = run.stream;
        var shared = run.tableLock.readLock();
        if (!shared.tryLock(0, TimeUnit.SECONDS)) {
            // another split is changing the table: its ALTER waits for this split's open COPY
            account(run, stream.commit());
            shared.lockInterruptibly();
        }
        try {
            boolean changing;
            synchronized (run.tableSchema) {
                changing = run.tableSchema.needsChange(docs);
            }
            if (changing) {
                shared.unlock();
                try {
                    changeTable(run, docs);
                } finally {
                    shared.lockInterruptibly();
                }
            }
            List<TableSchema.Column> columns;
            synchronized (run.tableSchema) {
                columns = run.tableSchema.columns();
            }
            account(run, stream.columns(RowMapper.copyColumns(columns)));
            CopyText out = stream.rows();
            int unsent = out.length();
            for (BsonDocument doc : docs) {
                run.mapper.appendRow(doc, columns, out);
                stream.rowAdded();
                if (out.length() - unsent >= SEND_BYTES) {
                    // PostgreSQL stores these while the rest of the batch is mapped
                    account(run, stream.send());
                    unsent = out.length();
                }
            }
            account(run, stream.send());
            account(run, stream.commitIfFull());
        } finally {
            shared.unlock();
        }
    }

    /** New or wider columns on the shadow table, made while no other split of the collection loads a batch. */
    private void changeTable(CollectionRun run, List<BsonDocument> docs) throws SQLException, InterruptedException {
        account(run, run.stream.commit());
        var exclusive = run.tableLock.writeLock();
        exclusive.lockInterruptibly();
        try {
            List<TableSchema.Change> changes;
            synchronized (run.tableSchema) {
                changes = run.tableSchema.observe(docs);
            }
            changes.forEach(change -> liveMerge.applyAndNote(run, run.shadow, change));
        } finally {
            exclusive.unlock();
        }
    }

    /** The end of a full sync's rows: the last chunk is committed before the primary key and the swap. */
    public void flush(@ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run) throws SQLException {
        if (run.stream != null) {
            account(run, run.stream.commit());
            run.stream.close();
            run.stream = null;
            reportProgress(run, true);
        }
    }

    public static String unstorable(BsonDocument doc) {
        BsonValue id = io.mongopgsync.mapping.RawFields.field(doc, TableSchema.ID);
        if (id == null) {
            return "document has no _id";
        }
        if (id.isArray()) {
            return "_id is an array";
        }
        int bytes = IdEncoder.encode(id).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_ID_BYTES) {
            return "_id is " + bytes + " bytes as text; PostgreSQL indexes hold at most " + MAX_ID_BYTES;
        }
        return null;
    }

    /** Counts the loaded rows and records the rejected ones (their id and document as the row held them). */
    private void account(CollectionRun run, CopyLoader.Result result) {
        if (result != null) {
            account(run, result, result.loaded());
        }
    }

    private void account(CollectionRun run, CopyLoader.Result result, long changedRows) {
        run.synced += changedRows;
        for (CopyLoader.Rejected r : result.rejected()) {
            reject(run, r.documentId(), r.rawDocument(), r.reason());
        }
    }

    /** Keeps the document (as the transforms left it, so masked values stay masked) with the reason. */
    void reject(CollectionRun run, BsonDocument doc, String reason) {
        BsonValue id = doc.get(TableSchema.ID);
        reject(run, id == null ? null : IdEncoder.encode(id), ExtendedJson.relaxed(doc), reason);
    }

    private void reject(CollectionRun run, String encodedId, String raw, String reason) {
        run.failed++;
        rejects.add(run.source.id(), run.historyId, run.collection, encodedId, raw, reason);
        log.warn("Rejected a document of {}.{} (_id {}): {}", run.source.name(), run.collection,
                encodedId == null ? "none" : encodedId, reason);
    }
}
