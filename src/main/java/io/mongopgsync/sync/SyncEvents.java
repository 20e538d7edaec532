package io.mongopgsync.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Publishes sync lifecycle events ({@code sync.started}, {@code sync.completed}, {@code sync.failed}, per job and
 * per collection) as JSON to the {@code direct:sync-events} route, where teams attach their own routes (the
 * packaged webhook route is one). A failing listener is logged and never fails a sync.
 */
@Component
public class SyncEvents {

    public static final String ENDPOINT = "direct:sync-events";
    public static final String HEADER_TYPE = "MpsEventType";
    private static final Logger log = LoggerFactory.getLogger(SyncEvents.class);

    private final ProducerTemplate producer;
    private final ObjectMapper json;

    public SyncEvents(ProducerTemplate producer, ObjectMapper json) {
        this.producer = producer;
        this.json = json;
    }

    public void jobStarted(SyncJob job, String sourceName) {
        ObjectNode event = base("sync.started", "job", job, sourceName);
        publish(event);
    }

    /** {@code status} is completed, failed, cancelled or interrupted; only completed is {@code sync.completed}. */
    public void jobEnded(SyncJob job, String sourceName, String status, long recordsSynced, String error) {
        ObjectNode event = base("completed".equals(status) ? "sync.completed" : "sync.failed", "job", job, sourceName);
        event.put("status", status);
        event.put("recordsSynced", recordsSynced);
        event.put("error", error);
        publish(event);
    }

    public void collectionStarted(CollectionRun run) {
        ObjectNode event = base("sync.started", "collection", run.job, run.source.name());
        collection(event, run);
        publish(event);
    }

    public void collectionEnded(CollectionRun run) {
        ObjectNode event = base("completed".equals(run.status) ? "sync.completed" : "sync.failed", "collection",
                run.job, run.source.name());
        collection(event, run);
        event.put("status", run.status);
        event.put("recordsSynced", run.synced);
        event.put("recordsFailed", run.failed);
        event.put("documentsDroppedBySteps", run.droppedByStep);
        event.put("error", run.error);
        publish(event);
    }

    private ObjectNode base(String type, String scope, SyncJob job, String sourceName) {
        ObjectNode event = json.createObjectNode();
        event.put("type", type);
        event.put("scope", scope);
        event.put("dataSourceId", job.dataSourceId());
        event.put("dataSource", sourceName);
        event.put("jobId", job.id());
        event.put("syncType", job.syncType().value());
        event.put("at", Instant.now().toString());
        return event;
    }

    private static void collection(ObjectNode event, CollectionRun run) {
        event.put("collection", run.collection);
        event.put("table", run.table);
        event.put("mode", run.mode == null ? null : run.mode.value());
        event.put("historyId", run.historyId);
    }

    private void publish(ObjectNode event) {
        try {
            producer.sendBodyAndHeader(ENDPOINT, event.toString(), HEADER_TYPE, event.path("type").asText());
        } catch (RuntimeException e) {
            log.warn("A listener of sync events failed on {} of {}: {}", event.path("type").asText(),
                    event.path("dataSource").asText(), RunReport.rootMessage(e));
        }
    }
}
