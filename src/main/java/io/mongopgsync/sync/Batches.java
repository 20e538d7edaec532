package io.mongopgsync.sync;

import com.mongodb.client.MongoCursor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.bson.BsonDocument;

/**
 * Cuts a stream of documents as MongoDB sends them into batches of at most {@code maxDocuments} documents and
 * {@code maxBytes} bytes of BSON; a document larger than {@code maxBytes} makes a batch of its own. Documents are
 * taken from the cursor only as their batch is made.
 *
 * <p>{@link #hasNext} answers from the reply at hand. Camel's split asks it before it processes a batch (to know
 * whether the batch is the last); asking the cursor there made the driver fetch and decode MongoDB's next reply
 * while the batch was still loading, so every stream held two decoded batches instead of one. When the reply at
 * hand is used up and the server cursor is still open, the answer is "maybe": the next batch may then be empty.
 */
final class Batches implements Iterator<List<BsonDocument>> {

    private final Iterator<SizedDocument> documents;
    private final int maxDocuments;
    private final long maxBytes;
    private SizedDocument pending;

    Batches(Iterator<SizedDocument> documents, int maxDocuments, long maxBytes) {
        this.documents = documents;
        this.maxDocuments = maxDocuments;
        this.maxBytes = maxBytes;
    }

    @Override
    public boolean hasNext() {
        if (pending != null) {
            return true;
        }
        if (documents instanceof MongoCursor<?> cursor) {
            return cursor.available() > 0 || cursor.getServerCursor() != null;
        }
        return documents.hasNext();
    }

    @Override
    public List<BsonDocument> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        // the cursor is asked from here on: it fetches MongoDB's next reply only when this batch needs it
        List<BsonDocument> batch = new ArrayList<>(Math.min(maxDocuments, 1024));
        long bytes = 0;
        while (batch.size() < maxDocuments && (pending != null || documents.hasNext())) {
            SizedDocument next = pending != null ? pending : documents.next();
            pending = null;
            int size = next.bsonBytes();
            if (!batch.isEmpty() && bytes + size > maxBytes) {
                pending = next; // starts the next batch
                break;
            }
            bytes += size;
            batch.add(next.document());
        }
        return batch;
    }

    /** The first documents of a stream, up to {@code maxDocuments} and {@code maxBytes} (at least one document). */
    static List<BsonDocument> first(Iterator<SizedDocument> documents, int maxDocuments, long maxBytes) {
        Batches batches = new Batches(documents, maxDocuments, maxBytes);
        return batches.hasNext() ? batches.next() : new ArrayList<>();
    }
}
