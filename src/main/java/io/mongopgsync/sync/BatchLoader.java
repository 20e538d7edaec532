package io.mongopgsync.sync;

import static io.mongopgsync.mapping.Identifiers.qualified;

import io.mongopgsync.load.CopyLoader;
import io.mongopgsync.load.RejectStore;
import io.mongopgsync.mapping.ExtendedJson;
import io.mongopgsync.mapping.IdEncoder;
import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * columns the batch needs, and the rows are COPY-loaded into the shadow table (full) or merged into the live
 * table (incremental). Rows PostgreSQL refuses are rejected one by one with the reason.
 */
@Component("batchLoader")
public class BatchLoader {

    private static final Logger log = LoggerFactory.getLogger(BatchLoader.class);
    /** btree entries hold at most about 2,700 bytes; longer ids could never be indexed. */
    static final int MAX_ID_BYTES = 2000;

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
        List<CopyLoader.Row> rows = rows(run, storable);
        if (run.mode == SyncType.FULL) {
            changes.forEach(change -> liveMerge.applyAndNote(run, run.shadow, change));
            CopyLoader.Result result;
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(false);
                result = CopyLoader.copy(connection, qualified(run.schema, run.shadow),
                        RowMapper.copyColumns(run.tableSchema.columns()), rows);
                connection.commit();
            }
            account(run, storable, result, result.loaded());
        } else {
            LiveMerge.Merged merged = liveMerge.merge(run, rows, changes);
            long unchanged = merged.copied().loaded() - merged.changedRows();
            run.metadata.put("unchangedDocuments",
                    run.metadata.path("unchangedDocuments").asLong(0) + Math.max(0, unchanged));
            account(run, storable, merged.copied(), merged.changedRows());
        }
        history.progress(run.historyId, run.synced, run.failed);
    }

    public static String unstorable(BsonDocument doc) {
        BsonValue id = doc.get(TableSchema.ID);
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

    private static List<CopyLoader.Row> rows(CollectionRun run, List<BsonDocument> docs) {
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

    /** Counts the loaded rows and records the rejected ones. */
    private void account(CollectionRun run, List<BsonDocument> docs, CopyLoader.Result result, long changedRows) {
        run.synced += changedRows;
        if (!result.rejected().isEmpty()) {
            Map<String, BsonDocument> byId = new HashMap<>();
            docs.forEach(d -> byId.put(IdEncoder.encode(d.get(TableSchema.ID)), d));
            for (CopyLoader.Rejected r : result.rejected()) {
                reject(run, byId.remove(r.row().documentId()), r.reason());
            }
        }
    }

    /** Keeps the document (as the transforms left it, so masked values stay masked) with the reason. */
    void reject(CollectionRun run, BsonDocument doc, String reason) {
        run.failed++;
        BsonValue id = doc == null ? null : doc.get(TableSchema.ID);
        String raw = doc == null ? "{}" : ExtendedJson.relaxed(doc);
        String encodedId = id == null ? null : IdEncoder.encode(id);
        rejects.add(run.source.id(), run.historyId, run.collection, encodedId, raw, reason);
        log.warn("Rejected a document of {}.{} (_id {}): {}", run.source.name(), run.collection,
                encodedId == null ? "none" : encodedId, reason);
    }
}
