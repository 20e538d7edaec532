package io.mongopgsync.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.load.TableRegistry;
import io.mongopgsync.load.TargetTables;
import io.mongopgsync.source.ConnectionCheck;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.DataSourceRepository;
import io.mongopgsync.source.MongoConnections;
import io.mongopgsync.source.SyncConfig;
import io.mongopgsync.sync.CancelledException;
import io.mongopgsync.sync.EffectiveConfig;
import io.mongopgsync.sync.Interruptions;
import io.mongopgsync.sync.JobWorker;
import io.mongopgsync.sync.Retries;
import io.mongopgsync.sync.RunReport;
import io.mongopgsync.sync.SyncHistory;
import io.mongopgsync.sync.SyncJob;
import io.mongopgsync.sync.SyncJobQueue;
import io.mongopgsync.sync.SyncType;
import io.mongopgsync.transform.TransformCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs one verification job (called by the {@code sync-job} route for jobs of type {@code verify}): each
 * collection in turn is compared (quick or full), optionally repaired, and its report stored as a history row.
 * The source's sync status is left alone: a verification is not a sync.
 */
@Component("verificationRunner")
public class VerificationRunner {

    private static final Logger log = LoggerFactory.getLogger(VerificationRunner.class);

    private final DataSourceRepository sources;
    private final MongoConnections connections;
    private final SyncJobQueue queue;
    private final SyncHistory history;
    private final TableRegistry registry;
    private final TargetTables tables;
    private final TransformCatalog transforms;
    private final SyncProperties properties;
    private final ObjectMapper json;
    private final JobWorker worker;
    private final FullComparison full;
    private final QuickComparison quick;
    private final DriftRepair repair;
    private final VerificationMetrics metrics;
    private final Interruptions interruptions;

    public VerificationRunner(DataSourceRepository sources, MongoConnections connections, SyncJobQueue queue,
                              SyncHistory history, TableRegistry registry, TargetTables tables,
                              TransformCatalog transforms, SyncProperties properties, ObjectMapper json,
                              JobWorker worker, FullComparison full, QuickComparison quick, DriftRepair repair,
                              VerificationMetrics metrics, Interruptions interruptions) {
        this.sources = sources;
        this.connections = connections;
        this.queue = queue;
        this.history = history;
        this.registry = registry;
        this.tables = tables;
        this.transforms = transforms;
        this.properties = properties;
        this.json = json;
        this.worker = worker;
        this.full = full;
        this.quick = quick;
        this.repair = repair;
        this.metrics = metrics;
        this.interruptions = interruptions;
    }

    public void run(SyncJob job) {
        Optional<DataSourceRecord> found = sources.findById(job.dataSourceId());
        if (found.isEmpty()) {
            queue.finish(job.id(), "failed", "the data source was deleted");
            return;
        }
        DataSourceRecord source = found.get();
        VerificationRequest request = VerificationRequest.fromDetails(job.detailsJson(), json);
        EffectiveConfig config = EffectiveConfig.of(SyncConfig.fromStored(source.syncConfigJson(), json),
                properties.defaults());
        Supplier<String> stopReason = () -> worker.stopReason(job.id());
        List<String> failures = new ArrayList<>();
        int verified = 0;
        int drifting = 0;
        String stopped = null;
        try (MongoConnections.Lease mongo = connections.lease(source)) {
            java.util.Set<String> inMongo;
            try {
                inMongo = Retries.withBackoff("Listing the collections of " + source.name(), properties.retry(),
                        () -> collectionsInMongo(mongo.client(), source));
            } catch (RuntimeException e) {
                String message = "MongoDB unreachable while listing the collections to verify: "
                        + ConnectionCheck.classify(e, connections.connectionString(source)).getMessage();
                queue.finish(job.id(), "failed", message);
                log.warn("Verification job {} of '{}' failed: {}", job.id(), source.name(), message);
                return;
            }
            for (String collection : toVerify(inMongo, source, config, request)) {
                if (stopReason.get() != null) {
                    stopped = stopReason.get();
                    break;
                }
                VerificationTarget target = new VerificationTarget(job, source, config, collection,
                        properties.targetSchema(), existingTable(source, collection),
                        transforms.forCollection(source.name(), collection), mongo.client(), stopReason);
                if (target.table() == null && !inMongo.contains(collection)) {
                    failures.add(collection + " (neither a collection of MongoDB database '" + source.database()
                            + "' nor an imported table)");
                    continue;
                }
                try {
                    verified++;
                    if (verifyCollection(target, request)) {
                        drifting++;
                    }
                } catch (CancelledException e) {
                    stopped = e.getMessage();
                    break;
                } catch (RuntimeException e) {
                    failures.add(collection + " (" + RunReport.rootMessage(e) + ")");
                }
            }
        }
        finish(job, source, collections(verified, drifting), failures, stopped);
    }

    private static String collections(int verified, int drifting) {
        return verified + " collection(s) verified, " + drifting + " with drift";
    }

    private void finish(SyncJob job, DataSourceRecord source, String summary, List<String> failures, String stopped) {
        if (worker.hasLostLease(job.id())) {
            log.warn("Verification job {} of '{}' stopped: its lease was taken over", job.id(), source.name());
        } else if (stopped != null && worker.isStopping()) {
            interruptions.interrupt(job, job.owner(), Duration.ZERO,
                    "interrupted: the service shut down while the verification ran", 0);
        } else if (stopped != null) {
            queue.finish(job.id(), worker.isCancelled(job.id()) ? "cancelled" : "failed",
                    "Verification stopped (" + stopped + "); " + summary);
        } else if (!failures.isEmpty()) {
            queue.finish(job.id(), "failed", "Verification failed for " + failures.size() + " collection(s): "
                    + String.join("; ", failures) + "; " + summary);
        } else {
            queue.finish(job.id(), "completed", null);
        }
        log.info("Verification job {} of '{}' ended: {}{}", job.id(), source.name(), summary,
                failures.isEmpty() ? "" : ", " + failures.size() + " failed");
    }

    /** Compares one collection, repairs it if asked, records the report; true when drift was found. */
    private boolean verifyCollection(VerificationTarget target, VerificationRequest request) {
        Instant started = Instant.now();
        CollectionReport report = new CollectionReport(request.mode());
        long historyId = history.start(target.source().id(), target.job().id(), target.collection(), target.table(),
                SyncType.VERIFY, "{}");
        try (DriftIds drift = new DriftIds()) {
            if (request.mode() == VerificationRequest.Mode.FULL) {
                full.compare(target, report, drift);
            } else {
                quick.compare(target, report, drift);
            }
            if (request.repair() && (drift.toUpsert() > 0 || drift.toDelete() > 0)) {
                report.repair = repair.repair(target, drift, historyId);
            }
            report.durationMs = Duration.between(started, Instant.now()).toMillis();
            ObjectNode metadata = report.toJson(json, target.table());
            history.finish(historyId, "completed", report.repair == null ? 0 : report.repair.upserted()
                    + report.repair.deleted(), report.repair == null ? 0 : report.repair.rejected(), null,
                    metadata.toString());
            metrics.verified(target.source().name(), target.collection(), request.mode().value(),
                    report.unresolved(), Duration.between(started, Instant.now()));
            log.info("Verified {} ({}): {} documents, {} rows, {} missing, {} extra, {} differing, {} transformed{}",
                    target.describe(), request.mode().value(), report.documentsInMongo, report.rowsInPostgres,
                    report.missing, report.extra, report.differing, report.transformed,
                    report.repair == null ? "" : "; repaired " + report.repair.upserted() + " upserted, "
                            + report.repair.deleted() + " deleted");
            return report.drift();
        } catch (RuntimeException e) {
            String message = e instanceof CancelledException ? e.getMessage()
                    : "Verification of " + target.describe() + " failed: " + RunReport.rootMessage(e);
            report.durationMs = Duration.between(started, Instant.now()).toMillis();
            history.finish(historyId, "failed", 0, 0, message, report.toJson(json, target.table()).toString());
            if (!(e instanceof CancelledException)) {
                log.warn("{}", message, e);
            }
            throw e;
        }
    }

    /** The table of a collection, when it was imported and still exists. */
    private String existingTable(DataSourceRecord source, String collection) {
        return registry.find(source.id(), collection)
                .filter(table -> tables.exists(properties.targetSchema(), table)).orElse(null);
    }

    private static java.util.Set<String> collectionsInMongo(com.mongodb.client.MongoClient client,
                                                            DataSourceRecord source) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Document info : client.getDatabase(source.database()).listCollections()) {
            names.add(info.getString("name"));
        }
        return names;
    }

    /**
     * The collections to verify: those asked for, else every collection the source syncs and every collection
     * with an imported table (a collection dropped in MongoDB leaves a table whose rows are all extra).
     */
    private List<String> toVerify(java.util.Set<String> inMongo, DataSourceRecord source, EffectiveConfig config,
                                  VerificationRequest request) {
        if (!request.collections().isEmpty()) {
            return request.collections();
        }
        TreeSet<String> names = new TreeSet<>();
        inMongo.stream().filter(config::wants).forEach(names::add);
        registry.tables(source.id()).forEach(t -> names.add(t.collectionName()));
        return List.copyOf(names);
    }
}
