package io.mongopgsync.sync;

import io.mongopgsync.mapping.IdEncoder;
import io.mongopgsync.transform.CollectionTransforms;
import io.mongopgsync.transform.TeamDocuments;
import io.mongopgsync.transform.TransformStep;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.bson.BsonDocument;
import org.springframework.stereotype.Component;

/**
 * Applies a collection's declared steps to a batch, in the order they are written: the service's field actions
 * in Java, the team's routes through Camel (each document as JSON, or the whole batch as a JSON array). A route
 * drops a document by leaving no body or by {@code stop}; the run counts what was dropped.
 */
@Component("documentSteps")
public class DocumentSteps {

    public static final String HEADER_SOURCE = "MpsDataSource";
    public static final String HEADER_COLLECTION = "MpsCollection";
    public static final String HEADER_SYNC_TYPE = "MpsSyncType";
    /** Set on a preview: the team's route may skip side effects (the preview writes nothing). */
    public static final String HEADER_PREVIEW = "MpsPreview";

    private final CamelContext camel;
    private final ProducerTemplate producer;

    public DocumentSteps(CamelContext camel, ProducerTemplate producer) {
        this.camel = camel;
        this.producer = producer;
    }

    /** The route step: notes the batch's watermark (before transforms may move the field), then applies them. */
    public List<BsonDocument> apply(@ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run,
                                    @Body List<BsonDocument> batch) {
        String[] lastSyncField = Watermarks.path(run.lastSyncField); // cut once: its parts' hashes are kept
        for (BsonDocument doc : batch) {
            run.watermarkSeen = Watermarks.max(run.watermarkSeen, Watermarks.extract(doc, lastSyncField));
        }
        if (run.transforms.steps().isEmpty()) {
            return batch;
        }
        Outcome outcome;
        try {
            outcome = apply(run.transforms, batch, new Context(run.source.name(), run.collection, run.mode.value(),
                    false));
        } catch (RuntimeException e) {
            run.splitFailed(e); // the collection's other parts stop too
            throw e;
        }
        run.droppedByStep += outcome.dropped().size();
        return outcome.kept();
    }

    /** Who the documents belong to, passed to the team's routes as headers. */
    public record Context(String source, String collection, String syncType, boolean preview) {
    }

    /** The documents that came through, and the ids of those a team's route dropped. */
    public record Outcome(List<BsonDocument> kept, List<String> dropped) {
    }

    public Outcome apply(CollectionTransforms transforms, List<BsonDocument> batch, Context context) {
        // steps change documents in place: documents read as their bytes are decoded first
        List<BsonDocument> docs = transforms.steps().isEmpty() ? batch
                : new ArrayList<>(batch.stream().map(io.mongopgsync.mapping.RawFields::changeable).toList());
        List<String> dropped = new ArrayList<>();
        for (TransformStep step : transforms.steps()) {
            if (step instanceof TransformStep.Action action) {
                docs.forEach(action.action()::apply);
            } else if (step instanceof TransformStep.Route route) {
                docs = route.perBatch() ? throughBatchRoute(route, docs, context, dropped)
                        : throughDocumentRoute(route, docs, context, dropped);
            }
        }
        return new Outcome(docs, dropped);
    }

    private List<BsonDocument> throughDocumentRoute(TransformStep.Route route, List<BsonDocument> docs, Context context,
                                                    List<String> dropped) {
        List<BsonDocument> out = new ArrayList<>(docs.size());
        for (BsonDocument doc : docs) {
            Exchange exchange = exchange(context, TeamDocuments.toJson(doc));
            producer.send(route.uri(), exchange);
            String id = IdEncoder.encode(doc.get("_id"));
            if (exchange.getException() != null) {
                throw new TeamStepException("The step " + route.uri() + " of " + context.source() + "."
                        + context.collection() + " failed on the document with _id " + id + ": "
                        + RunReport.rootMessage(exchange.getException()), exchange.getException());
            }
            BsonDocument result = exchange.isRouteStop() ? null
                    : fromStep(route, context, () -> TeamDocuments.fromBody(exchange.getMessage().getBody(), doc));
            if (result == null) {
                dropped.add(id);
            } else {
                if (!doc.get("_id").equals(result.get("_id"))) {
                    throw new TeamStepException("The step " + route.uri() + " of " + context.source() + "."
                            + context.collection() + " changed or removed the _id of document " + id
                            + "; _id identifies the row and must stay as it is");
                }
                out.add(result);
            }
        }
        return out;
    }

    private List<BsonDocument> throughBatchRoute(TransformStep.Route route, List<BsonDocument> docs, Context context,
                                                 List<String> dropped) {
        Exchange exchange = exchange(context, TeamDocuments.toJsonArray(docs));
        producer.send(route.uri(), exchange);
        if (exchange.getException() != null) {
            throw new TeamStepException("The batch step " + route.uri() + " of " + context.source() + "."
                    + context.collection() + " failed: " + RunReport.rootMessage(exchange.getException()),
                    exchange.getException());
        }
        List<BsonDocument> out = exchange.isRouteStop() ? List.of()
                : fromStep(route, context, () -> TeamDocuments.fromBatchBody(exchange.getMessage().getBody(), docs));
        java.util.Set<String> kept = new java.util.HashSet<>();
        out.forEach(d -> kept.add(d.get("_id") == null ? "" : IdEncoder.encode(d.get("_id"))));
        docs.stream().map(d -> IdEncoder.encode(d.get("_id"))).filter(id -> !kept.contains(id)).forEach(dropped::add);
        return out;
    }

    private static <T> T fromStep(TransformStep.Route route, Context context, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            throw new TeamStepException("The step " + route.uri() + " of " + context.source() + "."
                    + context.collection() + " answered something that is not a JSON document: " + e.getMessage(), e);
        }
    }

    private Exchange exchange(Context context, String json) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(json);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setHeader(HEADER_SOURCE, context.source());
        exchange.getMessage().setHeader(HEADER_COLLECTION, context.collection());
        exchange.getMessage().setHeader(HEADER_SYNC_TYPE, context.syncType());
        exchange.getMessage().setHeader(HEADER_PREVIEW, context.preview());
        return exchange;
    }

    /** A team's route failed or answered something that is not a document. */
    public static class TeamStepException extends RuntimeException {
        public TeamStepException(String message) {
            super(message);
        }

        public TeamStepException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
