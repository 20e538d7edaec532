package io.mongopgsync.sync;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.bson.BsonDocument;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

/**
 * Reads a collection from MongoDB: the team's filter and, for incremental runs, the watermark are pushed into
 * the query, so documents they exclude are never read. The cursor is cut into batches of {@code batchSize}, so
 * memory holds one batch at a time.
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
        return parts.isEmpty() ? new BsonDocument() : parts.size() == 1 ? parts.get(0) : Filters.and(parts);
    }

    /** The first documents of the query, to infer column types before loading. */
    public List<BsonDocument> sample(CollectionRun run) {
        int size = run.config.sampleSize();
        return collection(run).find(query(run)).limit(size).batchSize(size).into(new ArrayList<>());
    }

    /** A cursor over the query cut into lists of batchSize documents. */
    public Iterator<List<BsonDocument>> batches(
            @org.apache.camel.ExchangeProperty(CollectionRun.PROPERTY) CollectionRun run) {
        int size = run.config.batchSize();
        run.cursor = collection(run).find(query(run)).batchSize(size).cursor();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return run.cursor != null && run.cursor.hasNext();
            }

            @Override
            public List<BsonDocument> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<BsonDocument> batch = new ArrayList<>(size);
                while (batch.size() < size && run.cursor.hasNext()) {
                    batch.add(run.cursor.next());
                }
                return batch;
            }
        };
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
