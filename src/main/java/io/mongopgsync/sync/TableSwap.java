package io.mongopgsync.sync;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.load.TableRegistry;
import io.mongopgsync.load.TargetTables;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Ends a full sync: primary key and indexes on the shadow table, then the shadow replaces the live table in one
 * transaction (readers see the old table or the new one); views built on the table are recreated on the new
 * one and grants are carried over. The column mapping and the history row commit in the same transaction.
 */
@Component
public class TableSwap {

    private static final Logger log = LoggerFactory.getLogger(TableSwap.class);
    private static final int SWAP_ATTEMPTS = 3;

    private final TargetTables tables;
    private final TableRegistry registry;
    private final SyncHistory history;
    private final TransactionTemplate transaction;
    private final JobFence fence;
    private final IndexTranslation indexes;
    private final RunReport report;
    private final Duration lockTimeout;
    private final io.mongopgsync.stream.StreamStore streams;

    public TableSwap(TargetTables tables, TableRegistry registry, SyncHistory history, TransactionTemplate transaction,
                     JobFence fence, IndexTranslation indexes, RunReport report, SyncProperties properties,
                     io.mongopgsync.stream.StreamStore streams) {
        this.tables = tables;
        this.registry = registry;
        this.history = history;
        this.transaction = transaction;
        this.fence = fence;
        this.indexes = indexes;
        this.report = report;
        this.lockTimeout = properties.lockTimeout();
        this.streams = streams;
    }

    public void finishFull(CollectionRun run) {
        long duplicates = tables.addPrimaryKey(run.schema, run.shadow, run.shadow + "_pkey");
        if (duplicates > 0) {
            run.synced -= duplicates;
            run.metadata.put("duplicatesRemoved", duplicates);
        }
        List<String[]> indexNames = indexes.createIndexes(run);
        report.storeWatermark(run);
        Exception last = null;
        for (int attempt = 1; attempt <= SWAP_ATTEMPTS; attempt++) {
            try {
                swap(run, indexNames);
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

    private void swap(CollectionRun run, List<String[]> indexNames) {
        transaction.executeWithoutResult(status -> {
            tables.lockTimeout(lockTimeout);
            fence.check(run);
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
            // the change stream goes on from where it stood when this sync began, on the new table
            streams.release(run.source.id(), run.collection, run.job.id(), true);
            history.finish(run.historyId, "completed", run.synced, run.failed, null, report.finalMetadata(run).toString());
        });
        run.shadow = null;
    }
}
