package io.mongopgsync.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.load.TableRegistry;
import io.mongopgsync.source.ConnectionCheck;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.DataSourceRepository;
import io.mongopgsync.source.MongoConnections;
import io.mongopgsync.source.SyncConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs one sync job: lists the source's collections, syncs them with bounded parallelism through the
 * {@code sync-collection-attempts} route, and records the outcome on the job and the data source.
 */
@Component("syncJobRunner")
public class SyncJobRunner {

    private static final Logger log = LoggerFactory.getLogger(SyncJobRunner.class);

    private final DataSourceRepository sources;
    private final MongoConnections connections;
    private final SyncJobQueue queue;
    private final SyncHistory history;
    private final TableRegistry registry;
    private final ProducerTemplate producer;
    private final CamelContext camel;
    private final SyncProperties properties;
    private final ObjectMapper json;
    private final JobWorker worker;
    private final Interruptions interruptions;
    private final JobOutcomes outcomes;
    private final io.mongopgsync.load.TargetTables tables;
    private final SyncEvents events;

    public SyncJobRunner(DataSourceRepository sources, MongoConnections connections, SyncJobQueue queue,
                         SyncHistory history, TableRegistry registry, ProducerTemplate producer, CamelContext camel,
                         SyncProperties properties, ObjectMapper json, JobWorker worker, Interruptions interruptions,
                         JobOutcomes outcomes, io.mongopgsync.load.TargetTables tables, SyncEvents events) {
        this.sources = sources;
        this.connections = connections;
        this.queue = queue;
        this.history = history;
        this.registry = registry;
        this.producer = producer;
        this.camel = camel;
        this.properties = properties;
        this.json = json;
        this.worker = worker;
        this.interruptions = interruptions;
        this.outcomes = outcomes;
        this.tables = tables;
        this.events = events;
    }

    /** Runs the job to its end (called by the sync-job route). */
    public void run(SyncJob job) {
        Supplier<String> stopReason = () -> worker.stopReason(job.id());
        Optional<DataSourceRecord> found = sources.findById(job.dataSourceId());
        if (found.isEmpty()) {
            queue.finish(job.id(), "failed", "the data source was deleted");
            return;
        }
        DataSourceRecord source = found.get();
        sources.markInProgress(source.id());
        events.jobStarted(job, source.name());
        tables.ensureSchema(properties.targetSchema());
        EffectiveConfig config = EffectiveConfig.of(SyncConfig.fromStored(source.syncConfigJson(), json),
                properties.defaults());
        try (MongoConnections.Lease mongo = connections.lease(source)) {
            List<String> collections;
            try {
                collections = Retries.withBackoff("Listing the collections of " + source.name(), properties.retry(),
                        () -> listCollections(mongo.client(), source, config));
                collections = onlyRequested(job, collections);
            } catch (RuntimeException e) {
                String uri = connections.connectionString(source);
                String message = "MongoDB unreachable: " + ConnectionCheck.classify(e, uri).getMessage();
                failWithoutCollections(job, source, job.syncType(), message);
                return;
            }
            List<CollectionRun> runs = new ArrayList<>();
            MemoryBudget memory = MemoryBudget.of(properties.memory(), config.parallelism() + 1); // + the rest of a split collection
            for (String name : collections) {
                CollectionRun run = new CollectionRun(job, source, config, name, properties.targetSchema(), stopReason,
                        mongo.client());
                run.memory = memory;
                // the job's streams are shared by its collections: a lone large collection gets them all
                run.splitsAllowed = Math.max(1, config.parallelism() / collections.size());
                run.splitMinDocuments = properties.splits().minDocuments();
                runs.add(run);
            }
            runCollections(runs, config.parallelism());
            finish(job, source, runs);
        }
    }

    private List<String> listCollections(com.mongodb.client.MongoClient client, DataSourceRecord source,
                                         EffectiveConfig config) {
        List<String> names = new ArrayList<>();
        for (Document info : client.getDatabase(source.database()).listCollections()) {
            String name = info.getString("name");
            if (config.wants(name)) {
                names.add(name);
            }
        }
        names.sort(String::compareTo);
        return names;
    }

    /** A job may name the collections it is for (a change stream's snapshot); others run every collection. */
    private List<String> onlyRequested(SyncJob job, List<String> collections) {
        try {
            com.fasterxml.jackson.databind.JsonNode wanted = json.readTree(job.detailsJson() == null ? "{}" : job.detailsJson())
                    .path("collections");
            if (!wanted.isArray()) {
                return collections;
            }
            java.util.Set<String> names = new java.util.HashSet<>();
            wanted.forEach(n -> names.add(n.asText()));
            return collections.stream().filter(names::contains).toList();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return collections;
        }
    }

    /** Runs every collection and waits for all of them, so that nothing of this job outlives it. */
    private void runCollections(List<CollectionRun> runs, int parallelism) {
        if (runs.isEmpty()) {
            return;
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, runs.size()), r -> {
            Thread thread = new Thread(r, "sync-collection-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (CollectionRun run : runs) {
                futures.add(pool.submit(() -> runCollection(run)));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    log.error("A collection sync failed unexpectedly", e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdown();
        }
    }

    private void runCollection(CollectionRun run) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(CollectionRun.PROPERTY, run);
        producer.send("direct:sync-collection-attempts", exchange);
        if (run.status == null && !run.stopped()) {
            // the route ended without recording an outcome: never leave the history row open
            run.status = "failed";
            run.error = exchange.getException() == null ? "sync ended unexpectedly"
                    : RunReport.rootMessage(exchange.getException());
            if (run.historyId != 0) {
                history.finish(run.historyId, "failed", run.synced, run.failed, run.error, "{}");
            }
        }
    }

    /**
     * The job's outcome follows its collections: all completed means completed (even if a cancel came late);
     * stopped by shutdown means interrupted and queued again; a lost lease leaves the job to its new owner;
     * otherwise cancelled or failed, naming the collections that failed. The source's total counts only rows that
     * reached a live table.
     */
    private void finish(SyncJob job, DataSourceRecord source, List<CollectionRun> runs) {
        long synced = runs.stream().mapToLong(CollectionRun::syncedIntoLiveTable).sum();
        List<CollectionRun> failed = runs.stream().filter(r -> !"completed".equals(r.status)).toList();
        if (failed.isEmpty()) {
            outcomes.end(job, "completed", "completed", null, synced);
            events.jobEnded(job, source.name(), "completed", synced, null);
        } else if (worker.hasLostLease(job.id())) {
            log.warn("Sync job {} of '{}' stopped: its lease was taken over", job.id(), source.name());
            return;
        } else if (worker.isStopping() || Thread.currentThread().isInterrupted()) {
            interruptions.interrupt(job, job.owner(), java.time.Duration.ZERO,
                    "interrupted: the service shut down while the sync ran", synced);
            events.jobEnded(job, source.name(), "interrupted", synced, "the service shut down while the sync ran");
        } else if (worker.isCancelled(job.id())) {
            String message = cancelMessage(runs, failed);
            outcomes.end(job, "cancelled", "cancelled", message, synced);
            events.jobEnded(job, source.name(), "cancelled", synced, message);
        } else {
            String message = "Sync failed for " + failed.size() + " of " + runs.size() + " collections: "
                    + failed.stream().map(r -> r.collection() + " (" + r.error() + ")").collect(Collectors.joining("; "));
            outcomes.end(job, "failed", "failed", message, synced);
            events.jobEnded(job, source.name(), "failed", synced, message);
        }
        log.info("Sync job {} of '{}' ended: {} collections, {} rows, {} not completed", job.id(), source.name(),
                runs.size(), synced, failed.size());
    }

    /** What a cancel left: which collections were swapped in before it, which were stopped, which had failed. */
    static String cancelMessage(List<CollectionRun> runs, List<CollectionRun> notCompleted) {
        StringBuilder message = new StringBuilder("Sync cancelled by request; ")
                .append(runs.size() - notCompleted.size()).append(" of ").append(runs.size())
                .append(" collections had completed and are in their tables");
        List<String> failed = notCompleted.stream().filter(r -> "failed".equals(r.status()))
                .map(r -> r.collection() + " (" + r.error() + ")").toList();
        List<String> kept = notCompleted.stream().filter(r -> !"failed".equals(r.status()))
                .map(CollectionRun::collection).toList();
        if (!kept.isEmpty()) {
            message.append("; stopped before completing (their history rows say what stayed): ")
                    .append(String.join(", ", kept));
        }
        if (!failed.isEmpty()) {
            message.append("; failed before the cancel: ").append(String.join("; ", failed));
        }
        return message.toString();
    }

    /** MongoDB could not even be listed: every collection imported before gets a failed history row. */
    private void failWithoutCollections(SyncJob job, DataSourceRecord source, SyncType type, String message) {
        for (TableRegistry.ImportedTable table : registry.tables(source.id())) {
            long id = history.start(source.id(), job.id(), table.collectionName(), table.tableName(), type, "{}");
            history.finish(id, "failed", 0, 0, message, "{\"previousTableKept\": true}");
        }
        outcomes.end(job, "failed", "failed", message, 0);
        events.jobEnded(job, source.name(), "failed", 0, message);
        log.warn("Sync job {} of '{}' failed: {}", job.id(), source.name(), message);
    }
}
