package io.mongopgsync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.source.ConnectionStrings;
import io.mongopgsync.source.MongoConnections;
import java.time.Duration;
import java.time.Instant;
import org.bson.BsonValue;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * What a collection's history row says about its run ({@code sync_metadata}): schema facts, transforms,
 * watermark, timings, and failure messages in words a user understands.
 */
@Component
public class RunReport {

    private final ObjectMapper json;
    private final MongoConnections connections;

    public RunReport(ObjectMapper json, MongoConnections connections) {
        this.json = json;
        this.connections = connections;
    }

    /** The team's transforms of this run, so that a later run can tell when they changed. */
    public void recordTransforms(CollectionRun run) {
        if (run.transforms.isEmpty()) {
            return;
        }
        ObjectNode transforms = run.metadata.putObject("transforms");
        transforms.put("fingerprint", run.transforms.fingerprint());
        if (run.transforms.filter() != null) {
            transforms.put("filter", run.transforms.filter().toJson());
        }
        ArrayNode steps = transforms.putArray("steps");
        run.transforms.describeSteps().forEach(steps::add);
        ArrayNode from = transforms.putArray("declaredIn");
        run.transforms.origins().forEach(from::add);
    }

    public void recordSchemaFacts(CollectionRun run) {
        ObjectNode metadata = run.metadata;
        metadata.put("documentsRead", run.synced + run.failed + run.droppedByStep);
        if (run.droppedByStep > 0) {
            metadata.put("documentsDroppedBySteps", run.droppedByStep);
        }
        ArrayNode conflicts = metadata.putArray("typeConflicts");
        run.tableSchema.conflicts().values().forEach(c -> {
            ObjectNode conflict = conflicts.addObject().put("field", c.field()).put("column", c.name())
                    .put("columnType", c.type().sql());
            ArrayNode types = conflict.putArray("bsonTypes");
            c.bsonTypes().forEach(types::add);
        });
        if (!run.tableSchema.overflowFields().isEmpty()) {
            ObjectNode overflow = metadata.putObject("fieldsOnlyInSourceDocument");
            overflow.put("count", run.tableSchema.overflowFields().size());
            overflow.put("reason", "the table reached " + TableSchema.DEFAULT_MAX_COLUMNS + " columns");
            ArrayNode names = overflow.putArray("first");
            run.tableSchema.overflowFields().stream().limit(20).forEach(names::add);
        }
        ObjectNode renamed = metadata.putObject("renamedFields");
        run.tableSchema.columns().stream().filter(c -> !c.name().equals(c.field()))
                .forEach(c -> renamed.put(c.field(), c.name()));
        ObjectNode rules = metadata.putObject("valueRules");
        rules.put("nulCharactersReplaced", run.mapper.renderer().nulCharactersReplaced());
        rules.put("datesOutOfRange", run.mapper.renderer().datesOutOfRange());
    }

    public void noteChange(CollectionRun run, TableSchema.Change change) {
        ArrayNode changes = run.metadata.has("schemaChanges") ? (ArrayNode) run.metadata.get("schemaChanges")
                : run.metadata.putArray("schemaChanges");
        ObjectNode entry = changes.addObject().put("field", change.column().field()).put("column", change.column().name());
        if (change.isNewColumn()) {
            entry.put("change", "added").put("type", change.column().type().sql());
        } else {
            entry.put("change", "widened").put("from", change.previous().sql()).put("to", change.column().type().sql());
        }
    }

    /** The watermark the next incremental run starts from: the highest value loaded, never past the run's start. */
    public void storeWatermark(CollectionRun run) {
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

    public ObjectNode finalMetadata(CollectionRun run) {
        run.metadata.put("durationMs", Duration.between(run.startedAt, Instant.now()).toMillis());
        return run.metadata;
    }

    /** Why a collection failed, in words, with any connection string in it redacted. */
    public String describe(CollectionRun run, Throwable failure) {
        CancelledException cancelled = cancellation(failure);
        if (cancelled != null) {
            return cancelled.getMessage();
        }
        String worded = FailureMessages.describe(run, failure);
        String message = worded == null ? rootMessage(failure)
                : worded + (run.outage != null ? "; " + run.outage
                        : run.attempts > 1 ? " (gave up after " + run.attempts + " attempts)" : "");
        try {
            return ConnectionStrings.redactIn(message, connections.connectionString(run.source));
        } catch (RuntimeException e) {
            return message;
        }
    }

    static CancelledException cancellation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CancelledException c) {
                return c;
            }
        }
        return null;
    }

    /**
     * The message that says what went wrong: wrappers (Camel's, executors') are skipped, a Spring data-access
     * error gives its driver's message, and the service's own exceptions speak for themselves.
     */
    public static String rootMessage(Throwable failure) {
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

    private JsonNode parseNode(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("watermark is not JSON: " + text, e);
        }
    }

    static ObjectNode parse(ObjectMapper json, String text) {
        try {
            return text == null ? json.createObjectNode() : (ObjectNode) json.readTree(text);
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }
}
