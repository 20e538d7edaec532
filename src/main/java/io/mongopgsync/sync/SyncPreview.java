package io.mongopgsync.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import io.mongopgsync.load.TableRegistry;
import io.mongopgsync.mapping.ExtendedJson;
import io.mongopgsync.mapping.IdEncoder;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.mapping.ValueRenderer;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.MongoConnections;
import io.mongopgsync.transform.CollectionTransforms;
import io.mongopgsync.transform.TransformCatalog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.springframework.stereotype.Component;

/**
 * What the next run would write for the first documents of a collection: the columns and values after the
 * collection's filter and steps, and which documents the filter or a step drops. It writes nothing; the team's
 * routes see header {@value DocumentSteps#HEADER_PREVIEW} = true so they can skip side effects.
 */
@Component
public class SyncPreview {

    public static final int MAX_LIMIT = 100;

    private final MongoConnections connections;
    private final TransformCatalog catalog;
    private final DocumentSteps steps;
    private final TableRegistry registry;
    private final ObjectMapper json;

    public SyncPreview(MongoConnections connections, TransformCatalog catalog, DocumentSteps steps,
                       TableRegistry registry, ObjectMapper json) {
        this.connections = connections;
        this.catalog = catalog;
        this.steps = steps;
        this.registry = registry;
        this.json = json;
    }

    public ObjectNode preview(DataSourceRecord source, String collectionName, int limit) {
        CollectionTransforms transforms = catalog.forCollection(source.name(), collectionName);
        try (MongoConnections.Lease lease = connections.lease(source)) {
            var database = lease.client().getDatabase(source.database());
            if (!database.listCollectionNames().into(new ArrayList<>()).contains(collectionName)) {
                throw new io.mongopgsync.errors.NotFoundException("Collection '" + collectionName + "' does not exist in MongoDB "
                        + "database '" + source.database() + "' of data source " + source.id());
            }
            MongoCollection<BsonDocument> collection = database.getCollection(collectionName, BsonDocument.class);
            List<BsonDocument> read = collection.find().limit(limit).into(new ArrayList<>());
            ObjectNode answer = json.createObjectNode();
            answer.put("dataSourceId", source.id());
            answer.put("collection", collectionName);
            answer.put("table", transforms.table() != null ? transforms.table()
                    : registry.find(source.id(), collectionName).orElse(null));
            answer.put("filter", transforms.filter() == null ? null : transforms.filter().toJson());
            ArrayNode stepList = answer.putArray("steps");
            transforms.describeSteps().forEach(stepList::add);
            answer.put("documentsRead", read.size());
            ArrayNode dropped = answer.putArray("dropped");

            List<BsonDocument> passing = passFilter(collection, transforms, read, dropped);
            DocumentSteps.Outcome outcome = steps.apply(transforms, passing,
                    new DocumentSteps.Context(source.name(), collectionName, "preview", true));
            outcome.dropped().forEach(id -> dropped.addObject().put("_id", id).put("droppedBy", "step"));

            TableSchema schema = new TableSchema(registry.columns(source.id(), collectionName));
            Set<String> existing = new HashSet<>();
            schema.columns().forEach(c -> existing.add(c.field()));
            List<TableSchema.Change> changes = schema.observe(outcome.kept());
            ArrayNode columns = answer.putArray("columns");
            for (TableSchema.Column c : schema.columns()) {
                ObjectNode column = columns.addObject().put("field", c.field()).put("column", c.name())
                        .put("type", c.type().sql()).put("newColumn", !existing.contains(c.field()));
                changes.stream().filter(ch -> !ch.isNewColumn() && ch.column().field().equals(c.field())).findFirst()
                        .ifPresent(ch -> column.put("widenedFrom", ch.previous().sql()));
            }
            ValueRenderer renderer = new ValueRenderer();
            ArrayNode rows = answer.putArray("rows");
            for (BsonDocument doc : outcome.kept()) {
                ObjectNode row = rows.addObject();
                row.put("_id", IdEncoder.encode(doc.get("_id")));
                ObjectNode values = row.putObject("values");
                for (TableSchema.Column c : schema.columns()) {
                    BsonValue value = doc.get(c.field());
                    values.put(c.name(), value == null ? null : renderer.render(value, c.type()));
                }
                row.set("sourceDocument", parse(ExtendedJson.relaxed(doc)));
            }
            return answer;
        }
    }

    /** The documents the filter keeps, asked of MongoDB itself so that its query semantics hold exactly. */
    private static List<BsonDocument> passFilter(MongoCollection<BsonDocument> collection, CollectionTransforms transforms,
                                                 List<BsonDocument> read, ArrayNode dropped) {
        if (transforms.filter() == null || read.isEmpty()) {
            return read;
        }
        List<BsonValue> ids = read.stream().map(d -> d.get("_id")).toList();
        Set<BsonValue> kept = new HashSet<>();
        collection.find(Filters.and(Filters.in("_id", ids), transforms.filter()))
                .projection(Projections.include("_id")).forEach(d -> kept.add(d.get("_id")));
        List<BsonDocument> out = new ArrayList<>();
        for (BsonDocument doc : read) {
            if (kept.contains(doc.get("_id"))) {
                out.add(doc);
            } else {
                dropped.addObject().put("_id", IdEncoder.encode(doc.get("_id"))).put("droppedBy", "filter");
            }
        }
        return out;
    }

    private com.fasterxml.jackson.databind.JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("a document did not render as JSON", e);
        }
    }
}
