package io.mongopgsync.sync;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

/**
 * Cuts a stream of documents as MongoDB sends them into batches of at most {@code maxDocuments} documents and
 * {@code maxBytes} bytes of BSON; a document larger than {@code maxBytes} makes a batch of its own. Each document
 * is decoded (into the form the steps may change) only when its batch is taken, so one batch is in memory at a time.
 */
final class Batches implements Iterator<List<BsonDocument>> {

    private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

    private final Iterator<RawBsonDocument> documents;
    private final int maxDocuments;
    private final long maxBytes;
    private RawBsonDocument pending;

    Batches(Iterator<RawBsonDocument> documents, int maxDocuments, long maxBytes) {
        this.documents = documents;
        this.maxDocuments = maxDocuments;
        this.maxBytes = maxBytes;
    }

    @Override
    public boolean hasNext() {
        return pending != null || documents.hasNext();
    }

    @Override
    public List<BsonDocument> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        List<BsonDocument> batch = new ArrayList<>(Math.min(maxDocuments, 1024));
        long bytes = 0;
        while (batch.size() < maxDocuments && (pending != null || documents.hasNext())) {
            RawBsonDocument raw = pending != null ? pending : documents.next();
            pending = null;
            int size = size(raw);
            if (!batch.isEmpty() && bytes + size > maxBytes) {
                pending = raw; // starts the next batch
                break;
            }
            bytes += size;
            batch.add(raw.decode(CODEC));
        }
        return batch;
    }

    static int size(RawBsonDocument raw) {
        return raw.getByteBuffer().remaining();
    }

    /** The first documents of a stream, up to {@code maxDocuments} and {@code maxBytes} (at least one document). */
    static List<BsonDocument> first(Iterator<RawBsonDocument> documents, int maxDocuments, long maxBytes) {
        Batches batches = new Batches(documents, maxDocuments, maxBytes);
        return batches.hasNext() ? batches.next() : new ArrayList<>();
    }
}
