package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.junit.jupiter.api.Test;

/** Batches are bounded by documents and by bytes; a document over the byte budget still goes, alone. */
class BatchesTest {

    @Test
    void shouldEndABatchAtTheByteBudgetAndPutAnOversizedDocumentInABatchOfItsOwn() {
        List<SizedDocument> docs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            docs.add(doc(i, 1_000));
        }
        docs.add(doc(10, 50_000)); // over the 10 KB budget
        for (int i = 11; i < 14; i++) {
            docs.add(doc(i, 1_000));
        }

        List<List<BsonDocument>> batches = new ArrayList<>();
        new Batches(docs.iterator(), 1000, 10_000).forEachRemaining(batches::add);

        List<Integer> ids = batches.stream().flatMap(List::stream).map(d -> d.getInt32("_id").getValue()).toList();
        assertThat(ids).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
        for (List<BsonDocument> batch : batches) {
            long bytes = batch.stream().mapToLong(BatchesTest::size).sum();
            assertThat(bytes <= 10_000 || batch.size() == 1).as("batch of %d bytes", bytes).isTrue();
        }
        assertThat(batches.stream().filter(b -> b.size() == 1 && b.get(0).getInt32("_id").getValue() == 10)).hasSize(1);
        assertThat(batches).hasSize(4); // 0-8 (9 KB), 9, 10 alone, 11-13
    }

    @Test
    void shouldEndABatchAtTheDocumentCount() {
        List<SizedDocument> docs = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            docs.add(doc(i, 10));
        }
        List<Integer> sizes = new ArrayList<>();
        new Batches(docs.iterator(), 10, 1 << 20).forEachRemaining(b -> sizes.add(b.size()));
        assertThat(sizes).containsExactly(10, 10, 5);
    }

    @Test
    void shouldBoundTheSampleByBytesButTakeAtLeastOneDocument() {
        List<SizedDocument> docs = List.of(doc(0, 5_000), doc(1, 5_000), doc(2, 5_000));
        assertThat(Batches.first(docs.iterator(), 100, 8_000)).hasSize(1);
        assertThat(Batches.first(docs.iterator(), 100, 1_000)).hasSize(1);
        assertThat(Batches.first(docs.iterator(), 2, 1 << 20)).hasSize(2);
    }

    @Test
    void shouldShareTheJobBudgetBetweenParallelStreams() {
        var memory = new io.mongopgsync.config.SyncProperties.Memory(
                org.springframework.util.unit.DataSize.ofMegabytes(8), org.springframework.util.unit.DataSize.ofMegabytes(48));
        assertThat(MemoryBudget.of(memory, 1).batchBytes()).isEqualTo(8L << 20);
        assertThat(MemoryBudget.of(memory, 6).batchBytes()).isEqualTo(4L << 20); // 48 MB / (2 x 6)
    }

    @Test
    void shouldMeasureEachDocumentOfACursorReplyAsItsBsonSize() {
        List<BsonDocument> docs = List.of(BsonDocument.parse("{_id: 1, a: 'x', n: {b: [1, 2, {c: null}]}}"),
                BsonDocument.parse("{_id: 'two', pad: '" + "y".repeat(3_000) + "'}"), new BsonDocument("_id", new BsonInt32(3)));
        // a reply holds the documents in an array, as the driver reads them
        BsonDocument reply = new BsonDocument("cursor", new BsonDocument("nextBatch", new org.bson.BsonArray(docs)));
        RawBsonDocument raw = new RawBsonDocument(reply, new BsonDocumentCodec());
        List<SizedDocument> read = new ArrayList<>();
        try (org.bson.BsonBinaryReader reader = new org.bson.BsonBinaryReader(raw.getByteBuffer().asNIO())) {
            reader.readStartDocument();
            reader.readName("cursor");
            reader.readStartDocument();
            reader.readName("nextBatch");
            reader.readStartArray();
            while (reader.readBsonType() != org.bson.BsonType.END_OF_DOCUMENT) {
                read.add(new SizedDocument.Codec().decode(reader, org.bson.codecs.DecoderContext.builder().build()));
            }
        }
        assertThat(read).extracting(SizedDocument::document).containsExactlyElementsOf(docs);
        assertThat(read).extracting(SizedDocument::bsonBytes)
                .containsExactlyElementsOf(docs.stream().map(d -> (int) size(d)).toList());
    }

    /**
     * Camel's split asks hasNext() before it processes a batch. Answered by the cursor, that fetched and decoded
     * MongoDB's next reply while the batch loaded: two decoded batches per stream.
     */
    @Test
    void shouldNotFetchTheNextReplyWhileABatchIsStillLoading() {
        ReplyCursor cursor = new ReplyCursor(List.of(replyOf(0, 3), replyOf(3, 3), replyOf(6, 2)));
        Batches batches = new Batches(cursor, 3, 1 << 20);

        assertThat(batches.hasNext()).isTrue();
        assertThat(batches.next()).extracting(d -> d.getInt32("_id").getValue()).containsExactly(0, 1, 2);
        assertThat(batches.hasNext()).isTrue();
        assertThat(cursor.repliesFetched).as("replies fetched while the first batch loads").isEqualTo(1);
        assertThat(batches.next()).extracting(d -> d.getInt32("_id").getValue()).containsExactly(3, 4, 5);
        assertThat(cursor.repliesFetched).isEqualTo(2);
        assertThat(batches.hasNext()).isTrue();
        assertThat(batches.next()).extracting(d -> d.getInt32("_id").getValue()).containsExactly(6, 7);
        // the last reply closed the server cursor: nothing more, and nothing was fetched to know it
        assertThat(batches.hasNext()).isFalse();
        assertThat(cursor.repliesFetched).isEqualTo(3);
    }

    @Test
    void shouldEndWithAnEmptyBatchWhenTheLastReplyIsEmpty() {
        // a real MongoDB may close a cursor with an empty getMore reply
        ReplyCursor cursor = new ReplyCursor(List.of(replyOf(0, 2), List.of()));
        Batches batches = new Batches(cursor, 2, 1 << 20);
        List<Integer> sizes = new ArrayList<>();
        batches.forEachRemaining(b -> sizes.add(b.size()));
        assertThat(sizes).containsExactly(2, 0);
    }

    private static List<SizedDocument> replyOf(int from, int count) {
        List<SizedDocument> reply = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            reply.add(doc(i, 10));
        }
        return reply;
    }

    /** A cursor over MongoDB replies: the first at hand when it opens, the others fetched by hasNext/next. */
    private static final class ReplyCursor implements com.mongodb.client.MongoCursor<SizedDocument> {
        private final java.util.Deque<List<SizedDocument>> replies;
        private java.util.Iterator<SizedDocument> atHand;
        int repliesFetched;

        ReplyCursor(List<List<SizedDocument>> replies) {
            this.replies = new java.util.ArrayDeque<>(replies);
            fetch();
        }

        private void fetch() {
            atHand = replies.removeFirst().iterator();
            repliesFetched++;
        }

        @Override
        public boolean hasNext() {
            while (!atHand.hasNext() && !replies.isEmpty()) {
                fetch();
            }
            return atHand.hasNext();
        }

        @Override
        public SizedDocument next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return atHand.next();
        }

        @Override
        public int available() {
            return atHand.hasNext() ? 1 : 0;
        }

        @Override
        public SizedDocument tryNext() {
            return hasNext() ? next() : null;
        }

        @Override
        public com.mongodb.ServerCursor getServerCursor() {
            return replies.isEmpty() ? null : new com.mongodb.ServerCursor(1L, new com.mongodb.ServerAddress());
        }

        @Override
        public com.mongodb.ServerAddress getServerAddress() {
            return new com.mongodb.ServerAddress();
        }

        @Override
        public void close() {
        }
    }

    private static SizedDocument doc(int id, int bytes) {
        BsonDocument doc = new BsonDocument("_id", new BsonInt32(id)).append("pad", new BsonString("x".repeat(bytes)));
        return SizedDocument.of(new RawBsonDocument(doc, new BsonDocumentCodec()));
    }

    private static long size(BsonDocument doc) {
        return new RawBsonDocument(doc, new BsonDocumentCodec()).getByteBuffer().remaining();
    }
}
