package io.mongopgsync.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.SyncConfig;
import io.mongopgsync.sync.DocumentSteps;
import io.mongopgsync.sync.EffectiveConfig;
import io.mongopgsync.sync.SyncMetrics;
import io.mongopgsync.sync.SyncService;
import io.mongopgsync.sync.SyncType;
import io.mongopgsync.transform.CollectionTransforms;
import io.mongopgsync.transform.TransformCatalog;
import java.util.List;
import org.bson.BsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/** What a consumer session uses of the service, in one place. */
@Component
class StreamServices {

    private static final Logger log = LoggerFactory.getLogger(StreamServices.class);

    private final StreamStore store;
    private final StreamWriter writer;
    private final StreamHistory history;
    private final StreamProperties properties;
    private final SyncProperties syncProperties;
    private final TransformCatalog transforms;
    private final DocumentSteps steps;
    private final SyncService syncs;
    private final SyncMetrics metrics;
    private final ObjectMapper json;
    private final TransactionTemplate transaction;
    private final io.mongopgsync.sync.SyncJobQueue jobs;

    StreamServices(StreamStore store, StreamWriter writer, StreamHistory history, StreamProperties properties,
                   SyncProperties syncProperties, TransformCatalog transforms, DocumentSteps steps, SyncService syncs,
                   SyncMetrics metrics, ObjectMapper json, TransactionTemplate transaction,
                   io.mongopgsync.sync.SyncJobQueue jobs) {
        this.store = store;
        this.writer = writer;
        this.history = history;
        this.properties = properties;
        this.syncProperties = syncProperties;
        this.transforms = transforms;
        this.steps = steps;
        this.syncs = syncs;
        this.metrics = metrics;
        this.json = json;
        this.transaction = transaction;
        this.jobs = jobs;
    }

    StreamStore store() {
        return store;
    }

    StreamWriter writer() {
        return writer;
    }

    StreamHistory history() {
        return history;
    }

    StreamProperties properties() {
        return properties;
    }

    DocumentSteps steps() {
        return steps;
    }

    SyncMetrics metrics() {
        return metrics;
    }

    ObjectMapper json() {
        return json;
    }

    String schema() {
        return syncProperties.targetSchema();
    }

    CollectionTransforms transforms(String source, String collection) {
        return transforms.forCollection(source, collection);
    }

    /** The source's include/exclude lists decide which collections stream, as they decide which sync. */
    boolean wants(DataSourceRecord source, String collection) {
        return EffectiveConfig.of(SyncConfig.fromStored(source.syncConfigJson(), json), syncProperties.defaults())
                .wants(collection);
    }

    /** Queues a full sync of these collections unless a sync of the source is queued or running already. */
    void requestSnapshot(DataSourceRecord source, List<String> collections) {
        if (jobs.active(source.id()).isPresent()) {
            return; // one job per source: the snapshot is queued when it ends (a full sync of it may complete it)
        }
        var details = json.createObjectNode();
        var names = details.putArray("collections");
        collections.forEach(names::add);
        details.put("reason", "change stream snapshot");
        syncs.triggerIfIdle(source.id(), SyncType.FULL, "stream", details.toString()).ifPresent(job ->
                log.info("Queued a snapshot of {}.{} for its change stream as job {}", source.name(), collections,
                        job.id()));
    }

    /** A position the server reported without an event (MongoDB's post-batch resume token), under the lease. */
    void saveIdlePosition(StreamSession session, String collection, BsonDocument token) {
        transaction.executeWithoutResult(status -> {
            if (!store.holds(session.sourceId(), session.owner())) {
                throw new StreamWriter.LeaseLostException("this instance no longer holds the change stream of "
                        + session.sourceName());
            }
            StreamStore.Position position = store.lockPosition(session.sourceId(), collection).orElse(null);
            if (position != null && position.applicable()) {
                store.savePosition(session.sourceId(), collection, token, null);
            }
        });
    }
}
