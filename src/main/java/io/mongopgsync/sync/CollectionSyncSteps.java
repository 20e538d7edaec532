package io.mongopgsync.sync;

import io.mongopgsync.load.RejectStore;
import io.mongopgsync.load.TableRegistry;
import io.mongopgsync.load.TargetTables;
import io.mongopgsync.mapping.RowMapper;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.transform.TransformCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.bson.BsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Where a collection's run begins and ends, called by the {@code sync-collection} route: begin (mode, table,
 * schema from a sample, shadow or live table ready), finish (swap or watermark, history) and fail.
 */
@Component("collectionSync")
public class CollectionSyncSteps {

    private static final Logger log = LoggerFactory.getLogger(CollectionSyncSteps.class);

    private final TableRegistry registry;
    private final TargetTables tables;
    private final RejectStore rejects;
    private final SyncHistory history;
    private final TransactionTemplate transaction;
    private final SyncMetrics metrics;
    private final SyncJobQueue jobs;
    private final CollectionReader reader;
    private final ModeDecision modes;
    private final LiveMerge liveMerge;
    private final TableSwap swap;
    private final RunReport report;
    private final JobFence fence;
    private final TransformCatalog transforms;
    private final SyncEvents events;
    private final com.fasterxml.jackson.databind.ObjectMapper json;
    private final SystemRecovery recovery;
    private final io.mongopgsync.stream.StreamStore streams;

    public CollectionSyncSteps(TableRegistry registry, TargetTables tables, RejectStore rejects, SyncHistory history,
                               TransactionTemplate transaction, SyncMetrics metrics, SyncJobQueue jobs,
                               CollectionReader reader, ModeDecision modes, LiveMerge liveMerge, TableSwap swap,
                               RunReport report, JobFence fence, TransformCatalog transforms, SyncEvents events,
                               com.fasterxml.jackson.databind.ObjectMapper json, SystemRecovery recovery,
                               io.mongopgsync.stream.StreamStore streams) {
        this.registry = registry;
        this.tables = tables;
        this.rejects = rejects;
        this.history = history;
        this.transaction = transaction;
        this.metrics = metrics;
        this.jobs = jobs;
        this.reader = reader;
        this.modes = modes;
        this.liveMerge = liveMerge;
        this.swap = swap;
        this.report = report;
        this.fence = fence;
        this.transforms = transforms;
        this.events = events;
        this.json = json;
        this.recovery = recovery;
        this.streams = streams;
    }

    public void begin(@ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run) {
        run.resetForAttempt();
        run.checkCancelled();
        if (run.historyId == 0) {
            run.startedAt = Instant.now();
            run.metadata = json.createObjectNode();
            run.transforms = transforms.forCollection(run.source.name(), run.collection);
            run.table = tableOf(run);
            run.insertsOnly = run.config.insertsOnly(run.collection);
            run.lastSyncField = run.insertsOnly ? "_id" : run.config.lastSyncField(run.collection);
            modes.decide(run);
            report.recordTransforms(run);
            run.historyId = history.start(run.source.id(), run.job.id(), run.collection, run.table, run.mode,
                    run.metadata.toString());
            events.collectionStarted(run);
        } else {
            rejects.clear(run.historyId);
        }
        // a live collection's change stream waits while the sync reads (its batch in flight commits first) and
        // applies what arrived meanwhile on the table this sync leaves
        if (streams.hold(run.source.id(), run.collection, run.job.id())) {
            run.metadata.put("changeStreamHeld", true);
        }
        run.metadata.put("attempts", run.attempts);
        run.metadata.remove(List.of("schemaChanges", "unchangedDocuments", "documentsDroppedBySteps"));
        run.estimatedTotal = run.mode == SyncType.FULL && run.transforms.filter() == null ? reader.estimatedCount(run) : null;
        if (run.estimatedTotal != null) {
            run.metadata.put("estimatedTotal", run.estimatedTotal);
        }
        run.tableSchema = new TableSchema(registry.columns(run.source.id(), run.collection));
        run.mapper = new RowMapper();
        List<BsonDocument> sample = reader.sample(run);
        // the columns follow the documents as the steps leave them (a team's routes run on the batches only)
        sample.forEach(doc -> run.transforms.steps().stream()
                .filter(s -> s instanceof io.mongopgsync.transform.TransformStep.Action)
                .forEach(s -> ((io.mongopgsync.transform.TransformStep.Action) s).action().apply(doc)));
        List<TableSchema.Change> changes = run.tableSchema.observe(sample);
        run.metadata.put("sampled", sample.size());
        if (run.mode == SyncType.FULL) {
            dropAbandonedShadows(run);
            run.shadow = shadowName(run);
            tables.dropIfExists(run.schema, run.shadow);
            tables.create(run.schema, run.shadow, run.tableSchema.columns(), false);
        } else {
            liveMerge.applySchemaChanges(run, changes);
        }
        history.updateMetadata(run.historyId, run.metadata.toString());
        run.stage = CollectionRun.Stage.LOADING;
    }

    /**
     * The collection's table: the name its transforms ask for, or the one it has. When the transforms name another
     * table than the collection has, the imported table is renamed (views on it follow) before the run.
     */
    private String tableOf(CollectionRun run) {
        String wanted = run.transforms.table();
        String current = registry.find(run.source.id(), run.collection).orElse(null);
        if (wanted == null) {
            return registry.tableFor(run.schema, run.source.id(), run.source.name(), run.collection);
        }
        if (wanted.equals(current)) {
            return current;
        }
        transaction.executeWithoutResult(status -> {
            fence.check(run);
            tables.serializeDdl(run.schema);
            registry.claim(run.schema, run.source.id(), run.collection, wanted, current);
            if (current != null && tables.exists(run.schema, current)) {
                tables.rename(run.schema, current, wanted);
            }
        });
        if (current != null) {
            run.metadata.put("tableRenamed", current + " -> " + wanted);
        }
        return wanted;
    }

    public void finish(@ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run) {
        run.closeCursor();
        run.joinSplits();
        run.checkCancelled();
        run.stage = CollectionRun.Stage.FINISHING;
        report.recordSchemaFacts(run);
        if (run.mode == SyncType.FULL) {
            swap.finishFull(run);
        } else {
            report.storeWatermark(run);
            transaction.executeWithoutResult(status -> {
                fence.check(run);
                registry.saveColumns(run.source.id(), run.collection, run.tableSchema.columns());
                streams.release(run.source.id(), run.collection, run.job.id(), false);
                history.finish(run.historyId, "completed", run.synced, run.failed, null,
                        report.finalMetadata(run).toString());
            });
        }
        run.status = "completed";
        metrics.collectionFinished(run.source.name(), run.collection, run.mode, run.status, run.synced, run.failed,
                Duration.between(run.startedAt, Instant.now()));
        events.collectionEnded(run);
        log.info("Synced {}.{} into {}.{}: {} rows ({}), {} rejected{}", run.source.name(), run.collection, run.schema,
                run.table, run.synced, run.mode.value(), run.failed,
                run.droppedByStep > 0 ? ", " + run.droppedByStep + " dropped by steps" : "");
    }

    /**
     * The collection failed for good, or was cancelled: drop the shadow (the live table stays as it was) and
     * record why.
     */
    public void fail(@ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run,
                     @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Throwable failure) {
        run.closeCursor();
        // what the run had sent into its shadow table (committed chunks and the open one), for its history row
        long loadedSoFar = run.mode == SyncType.FULL ? run.progress()[0] : 0;
        // an open COPY holds a lock on the shadow: end every part's before the shadow is dropped
        run.abortStream();
        run.splits.forEach(split -> {
            split.aborted = true;
            split.closeCursor();
            split.abortStream();
        });
        run.joinSplits();
        if (run.splitFailure != null && failure instanceof CollectionRun.SplitStoppedException) {
            failure = run.splitFailure;
        }
        run.synced = Math.max(run.synced, loadedSoFar);
        CancelledException stop = RunReport.cancellation(failure);
        boolean cancelled = stop != null && stop.byRequest();
        if (!cancelled) {
            recovery.awaitPostgresBeforeRecording(run, failure);
        }
        String message = cancelled ? cancelMessage(run) : report.describe(run, failure);
        String outcome = cancelled ? "cancelled" : "failed";
        try {
            streams.release(run.source.id(), run.collection, run.job.id(), false);
        } catch (RuntimeException e) {
            log.warn("Could not let the change stream of {}.{} go on: {}", run.source.name(), run.collection,
                    e.getMessage());
        }
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
            history.finish(run.historyId, outcome, run.synced, run.failed, message,
                    run.metadata == null ? "{}" : report.finalMetadata(run).toString());
        }
        run.status = outcome;
        run.error = message;
        if (run.startedAt != null) {
            metrics.collectionFinished(run.source.name(), run.collection, run.mode, run.status, run.synced, run.failed,
                    Duration.between(run.startedAt, Instant.now()));
            events.collectionEnded(run);
        }
        if (stop != null) {
            log.info("Sync of {}.{} stopped: {}", run.source.name(), run.collection, message);
        } else {
            log.warn("Sync of {}.{} failed after {} attempt(s): {}", run.source.name(), run.collection, run.attempts,
                    message, failure);
        }
    }

    /** What a cancel left of the collection's table, in the history row. */
    static String cancelMessage(CollectionRun run) {
        if (run.mode == SyncType.INCREMENTAL) {
            return "Cancelled by request; the " + run.synced + " changed rows merged before the cancel stay in the "
                    + "table, the watermark stays where it was, so the next run reads them again";
        }
        return "Cancelled by request; the " + run.synced + " rows loaded so far were discarded with the shadow "
                + "table; any table an earlier run imported stays as it was";
    }

    /**
     * {@code _mps_shadow_<job>_<hash of source and collection>}: a job never touches another job's shadow, and a
     * shadow a dead job left behind is recognised by its collection and dropped.
     */
    static String shadowName(CollectionRun run) {
        return "_mps_shadow_" + run.job.id() + "_" + TargetTables.shadowSuffix(run.source.id(), run.collection);
    }

    private void dropAbandonedShadows(CollectionRun run) {
        for (String shadow : tables.shadowsOf(run.schema, TargetTables.shadowSuffix(run.source.id(), run.collection))) {
            long owningJob = Long.parseLong(shadow.substring("_mps_shadow_".length(), shadow.lastIndexOf('_')));
            if (owningJob != run.job.id() && !jobs.isRunning(owningJob)) {
                tables.dropIfExists(run.schema, shadow);
                log.info("Dropped shadow table {}.{} left by job {}", run.schema, shadow, owningJob);
            }
        }
    }
}
