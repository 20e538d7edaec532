package io.mongopgsync.sync;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.codecs.configuration.CodecRegistries;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

/**
 * Reads a collection from MongoDB: the team's filter and, for incremental runs, the watermark are pushed into
 * the query, so documents they exclude are never read. The cursor is cut into batches of {@code batchSize}
 * documents and at most the run's batch bytes, so memory holds one bounded batch at a time.
 */
@Component("collectionReader")
public class CollectionReader {

    public MongoCollection<BsonDocument> collection(CollectionRun run) {
        return run.mongo.getDatabase(run.source.database()).getCollection(run.collection, BsonDocument.class);
    }

    /** The query of this run: the team's filter, and the watermark of an incremental run. */
    public Bson query(CollectionRun run) {
        List<Bson> parts = new ArrayList<>(2);
        if (run.transforms.filter() != null) {
            parts.add(run.transforms.filter());
        }
        if (run.mode == SyncType.INCREMENTAL) {
            parts.add(Filters.gte(run.lastSyncField, run.watermarkFrom));
        }
        if (run.range != null) {
            parts.add(run.range);
        }
        return parts.isEmpty() ? new BsonDocument() : parts.size() == 1 ? parts.get(0) : Filters.and(parts);
    }

    /** The query's documents decoded from MongoDB's replies with their BSON size (what batches are bounded by). */
    MongoCollection<SizedDocument> sizedCollection(CollectionRun run) {
        MongoCollection<SizedDocument> collection = run.mongo.getDatabase(run.source.database())
                .getCollection(run.collection, SizedDocument.class);
        return collection.withCodecRegistry(CodecRegistries.fromRegistries(
                CodecRegistries.fromCodecs(SIZED), collection.getCodecRegistry()));
    }

    private static final SizedDocument.Codec SIZED = new SizedDocument.Codec();

    /**
     * The first documents of the query, to infer column types before loading: {@code sampleSize} of them, and no
     * more than a batch's bytes.
     */
    public List<BsonDocument> sample(CollectionRun run) {
        int size = run.config.sampleSize();
        try (MongoCursor<SizedDocument> cursor = sizedCollection(run).find(query(run)).limit(size)
                .batchSize(Math.min(size, 1000)).cursor()) {
            List<BsonDocument> sample = Batches.first(cursor, size, run.memory.batchBytes());
            // the sample goes through the steps' field actions, which change documents in place
            sample.replaceAll(io.mongopgsync.mapping.RawFields::changeable);
            return sample;
        }
    }

    /** A cursor over the query cut into batches of batchSize documents and at most the run's batch bytes. */
    public Iterator<List<BsonDocument>> batches(
            @org.apache.camel.ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run) {
        int size = run.config.batchSize();
        run.cursor = sizedCollection(run).find(query(run)).batchSize(size).cursor();
        Batches batches = new Batches(run.cursor, size, run.memory.batchBytes());
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return guarded(run, batches::hasNext);
            }

            @Override
            public List<BsonDocument> next() {
                return guarded(run, batches::next);
            }
        };
    }

    /** A read failure of one part stops the collection's other parts at their next batch. */
    private static <T> T guarded(CollectionRun run, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            run.splitFailed(e);
            throw e;
        }
    }

    /**
     * The parts this attempt reads, each by its own cursor into its own COPY: {@code _id} ranges when a full sync
     * of a large enough collection may use several streams (see {@link IdRanges}), otherwise the whole collection.
     */
    public List<CollectionRun> splits(@org.apache.camel.ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run) {
        int count = 1;
        if (run.mode == SyncType.FULL && run.splitsAllowed > 1 && run.estimatedTotal != null) {
            count = (int) Math.min(run.splitsAllowed, run.estimatedTotal / Math.max(1, run.splitMinDocuments));
        }
        List<org.bson.conversions.Bson> ranges = count > 1 ? IdRanges.of(collection(run), query(run), count) : List.of();
        if (ranges.isEmpty()) {
            return List.of(run.split(null));
        }
        run.metadata.put("splits", ranges.size());
        return ranges.stream().map(run::split).toList();
    }

    /** A MongoDB view has no count estimate: it answers with an error there. */
    public Long estimatedCount(CollectionRun run) {
        try {
            return collection(run).estimatedDocumentCount();
        } catch (com.mongodb.MongoCommandException e) {
            return null;
        }
    }
}
