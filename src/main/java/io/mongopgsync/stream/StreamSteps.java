package io.mongopgsync.stream;

import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import io.mongopgsync.mapping.IdEncoder;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.sync.DocumentSteps;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * A consumer's batch preparation: the collection's filter and steps (field actions, team routes) run on the
 * documents of its pending events, as they do in the batch syncs, and the table is widened for what remains.
 */
final class StreamSteps {

    private final StreamServices services;
    private final DataSourceRecord source;
    private final StreamSession session;
    private final MongoClient client;

    StreamSteps(StreamServices services, DataSourceRecord source, StreamSession session, MongoClient client) {
        this.services = services;
        this.source = source;
        this.session = session;
        this.client = client;
    }

    /**
     * The collection's steps (field actions, team routes) on the documents to write; a document a step drops, or
     * that the collection's filter no longer keeps, leaves the table as it would at the next full sync.
     */
    boolean prepare(CollectionStream stream) {
        int from = stream.prepared;
        stream.prepared = stream.pending.size();
        List<BsonDocument> documents = new ArrayList<>();
        for (ChangeEvent e : stream.pending.subList(from, stream.pending.size())) {
            if (e.kind() == ChangeEvent.Kind.GAP) {
                break;
            }
            if (e.kind() == ChangeEvent.Kind.UPSERT) {
                documents.add(e.document());
            }
        }
        if (documents.isEmpty()) {
            return true;
        }
        Set<String> removed = new HashSet<>();
        if (stream.transforms.filter() != null) {
            removed.addAll(outsideFilter(stream, documents));
        }
        if (!stream.transforms.steps().isEmpty()) {
            DocumentSteps.Outcome outcome = services.steps().apply(stream.transforms, documents,
                    new DocumentSteps.Context(source.name(), stream.collection, "stream", false));
            removed.addAll(outcome.dropped());
            Map<String, BsonDocument> kept = new LinkedHashMap<>();
            outcome.kept().forEach(d -> kept.put(IdEncoder.encode(d.get(TableSchema.ID)), d));
            documents = new ArrayList<>(kept.values());
            for (int i = from; i < stream.pending.size(); i++) {
                ChangeEvent e = stream.pending.get(i);
                if (e.kind() == ChangeEvent.Kind.UPSERT && kept.containsKey(e.documentId())) {
                    stream.pending.set(i, new ChangeEvent(e.kind(), e.collection(), e.operation(), e.documentId(),
                            kept.get(e.documentId()), e.clusterTime(), e.resumeToken(), null));
                }
            }
        }
        if (!removed.isEmpty()) {
            for (int i = from; i < stream.pending.size(); i++) {
                ChangeEvent e = stream.pending.get(i);
                if (e.kind() == ChangeEvent.Kind.UPSERT && removed.contains(e.documentId())) {
                    stream.pending.set(i, new ChangeEvent(ChangeEvent.Kind.DELETE, e.collection(), e.operation(),
                            e.documentId(), null, e.clusterTime(), e.resumeToken(), null));
                }
            }
            documents.removeIf(d -> removed.contains(IdEncoder.encode(d.get(TableSchema.ID))));
        }
        return services.writer().evolve(session, stream, documents);
    }

    /** Ids of documents the collection's filter does not keep (asked of MongoDB, as the batch syncs do). */
    private Set<String> outsideFilter(CollectionStream stream, List<BsonDocument> documents) {
        List<BsonValue> ids = documents.stream().map(d -> d.get(TableSchema.ID)).toList();
        Set<String> kept = new HashSet<>();
        client.getDatabase(source.database()).getCollection(stream.collection, BsonDocument.class)
                .find(Filters.and(Filters.in(TableSchema.ID, ids), stream.transforms.filter()))
                .projection(Projections.include(TableSchema.ID))
                .forEach(d -> kept.add(IdEncoder.encode(d.get(TableSchema.ID))));
        Set<String> outside = new HashSet<>();
        ids.forEach(id -> {
            String encoded = IdEncoder.encode(id);
            if (!kept.contains(encoded)) {
                outside.add(encoded);
            }
        });
        return outside;
    }

}
