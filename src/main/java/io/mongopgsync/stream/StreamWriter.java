package io.mongopgsync.stream;

import static io.mongopgsync.mapping.Identifiers.qualified;
import static io.mongopgsync.mapping.Identifiers.quote;

import io.mongopgsync.load.CopyLoader;
import io.mongopgsync.load.RejectStore;
import io.mongopgsync.load.TableRegistry;
import io.mongopgsync.mapping.CopyText;
import io.mongopgsync.mapping.ExtendedJson;
import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.sync.LiveMerge;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.bson.BsonDocument;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Applies a consumer's batch in one PostgreSQL transaction: the rows of every collection whose events may be
 * applied now, their row versions, and each collection's resume token, so that a crash replays at most the
 * uncommitted batch and never skips an event. Schema changes go first, in short transactions of their own.
 */
@Component
public class StreamWriter {

    private final StreamStore store;
    private final TransactionTemplate transaction;
    private final DataSource dataSource;
    private final TableRegistry registry;
    private final LiveMerge liveMerge;
    private final RejectStore rejects;

    public StreamWriter(StreamStore store, TransactionTemplate transaction, DataSource dataSource,
                        TableRegistry registry, LiveMerge liveMerge, RejectStore rejects) {
        this.store = store;
        this.transaction = transaction;
        this.dataSource = dataSource;
        this.registry = registry;
        this.liveMerge = liveMerge;
        this.rejects = rejects;
    }

    /** Another instance holds the source's lease now: this consumer must stop. */
    public static class LeaseLostException extends RuntimeException {
        public LeaseLostException(String message) {
            super(message);
        }
    }

    /** What a batch did, per collection. */
    public record Result(Map<String, BatchPlan> plans, long applied, long refused, long lastClusterTime) {
    }

    /**
     * Widens the table for the documents about to be written (new fields, type changes), as the batch syncs do.
     * Returns false, changing nothing, when a sync holds the collection or swapped its table since its columns
     * were read (the caller reads them again first).
     */
    public boolean evolve(StreamSession session, CollectionStream stream, List<BsonDocument> documents) {
        List<TableSchema.Change> changes = stream.tableSchema.observe(documents);
        if (changes.isEmpty()) {
            return true;
        }
        try {
            liveMerge.evolveLiveTable(session.schema(), stream.table, session.sourceId(), stream.collection,
                    stream.tableSchema, changes, () -> {
                        fence(session);
                        StreamStore.Position p = store.lockPosition(session.sourceId(), stream.collection).orElse(null);
                        if (p == null || !p.applicable() || p.generation() != stream.generation) {
                            throw new TableMoved();
                        }
                    }, change -> { });
            return true;
        } catch (TableMoved moved) {
            stream.applicable = false;
            stream.generation = -1; // columns are read again at the next refresh
            return false;
        }
    }

    /** The collection's table changed hands since its columns were read. */
    private static final class TableMoved extends RuntimeException {
        TableMoved() {
            super(null, null, false, false);
        }
    }

    /**
     * Writes the pending events of {@code streams} (in one transaction) and moves their positions. Collections
     * that turned out to be held, or whose table was swapped since their schema was read, are left for later
     * (their events stay pending); the caller sees them by their missing plan.
     */
    public Result apply(StreamSession session, List<CollectionStream> streams) {
        return transaction.execute(status -> {
            fence(session);
            Map<String, StreamStore.Position> positions = store.lockPositions(session.sourceId(),
                    streams.stream().map(s -> s.collection).toList());
            Map<String, BatchPlan> plans = new LinkedHashMap<>();
            long applied = 0;
            long refused = 0;
            long lastClusterTime = 0;
            int staged = 0;
            for (CollectionStream stream : streams) {
                StreamStore.Position position = positions.get(stream.collection);
                if (position == null || !position.applicable() || position.generation() != stream.generation) {
                    stream.applicable = false;
                    continue;
                }
                List<String> ids = stream.pending.stream().map(ChangeEvent::documentId)
                        .filter(java.util.Objects::nonNull).distinct().toList();
                BatchPlan plan = BatchPlan.of(stream.pending,
                        store.versions(session.sourceId(), stream.collection, ids));
                write(session, stream, plan, staged++);
                store.writeVersions(session.sourceId(), stream.collection, plan.versions());
                if (plan.last() != null) {
                    store.savePosition(session.sourceId(), stream.collection, plan.last().resumeToken(),
                            plan.last().clusterTime());
                    lastClusterTime = Math.max(lastClusterTime, plan.last().clusterTime());
                }
                plans.put(stream.collection, plan);
                applied += plan.planned();
                refused += plan.refused();
            }
            if (applied > 0) {
                store.applied(session.sourceId(), applied, lastClusterTime);
            }
            return new Result(plans, applied, refused, lastClusterTime);
        });
    }

    private void write(StreamSession session, CollectionStream stream, BatchPlan plan, int ordinal) {
        String live = qualified(session.schema(), stream.table);
        Connection connection = DataSourceUtils.getConnection(dataSource);
        try {
            if (!plan.deletes().isEmpty()) {
                try (PreparedStatement delete = connection.prepareStatement(StreamSql.delete(live))) {
                    delete.setArray(1, connection.createArrayOf("text", plan.deletes().toArray()));
                    delete.executeUpdate();
                }
            }
            if (plan.upserts().isEmpty()) {
                return;
            }
            List<TableSchema.Column> columns = stream.tableSchema.columns();
            CopyText rows = new CopyText(plan.upserts().size() * 1024);
            Map<String, BsonDocument> byId = new HashMap<>();
            for (Map.Entry<String, BsonDocument> e : plan.upserts().entrySet()) {
                stream.mapper.appendRow(e.getValue(), columns, rows);
                byId.put(e.getKey(), e.getValue());
            }
            // one staging table per collection of the batch, dropped at commit
            String staging = quote("_mps_stream_staging_" + ordinal);
            try (var statement = connection.createStatement()) {
                statement.execute(StreamSql.createStaging(live, staging));
                CopyLoader.Result copied = CopyLoader.copy(connection, staging, RowMapper.copyColumns(columns), rows);
                statement.executeUpdate(StreamSql.upsert(live, staging, columns));
                for (CopyLoader.Rejected r : copied.rejected()) {
                    BsonDocument doc = byId.get(r.documentId());
                    rejects.add(session.sourceId(), session.historyId(), stream.collection, r.documentId(),
                            doc == null ? r.rawDocument() : ExtendedJson.relaxed(doc),
                            r.reason() + " (a streamed change; the row keeps its previous version)");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused the changes streamed into " + live + ": "
                    + e.getMessage(), e);
        }
    }

    /** Re-reads the collection's table and columns (at start and after a sync swapped the table in). */
    public void refreshTable(StreamSession session, CollectionStream stream, int generation) {
        stream.table = registry.find(session.sourceId(), stream.collection).orElse(null);
        stream.tableSchema = new TableSchema(registry.columns(session.sourceId(), stream.collection));
        stream.generation = generation;
    }

    private void fence(StreamSession session) {
        if (!store.holds(session.sourceId(), session.owner())) {
            throw new LeaseLostException("this instance no longer holds the change stream of data source "
                    + session.sourceName() + " (its lease lapsed and another instance took it over)");
        }
    }
}
