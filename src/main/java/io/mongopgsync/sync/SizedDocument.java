package io.mongopgsync.sync;

import org.bson.BsonBinaryReader;
import org.bson.BsonDocument;
import org.bson.BsonReader;
import org.bson.BsonWriter;
import org.bson.io.BsonInput;
import org.bson.io.BsonInputMark;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;

/**
 * A document as MongoDB sent it: its BSON bytes, copied once out of the driver's reply buffer, with their size (what
 * batches are bounded by). The rows are mapped from these bytes ({@link io.mongopgsync.mapping.RowMapper}); a
 * document is decoded into objects only where a step changes it. Decoding every document into a
 * {@link BsonDocument} made about 4.5 KB of garbage per 1 KB document, most of a full sync's.
 */
record SizedDocument(BsonDocument document, int bsonBytes) {

    static SizedDocument of(RawBsonDocument raw) {
        return new SizedDocument(raw, raw.getByteBuffer().remaining());
    }

    /** Copies each document of a reply out as its bytes (the driver reads replies as binary BSON). */
    static final class Codec implements org.bson.codecs.Codec<SizedDocument> {

        static final BsonDocumentCodec DOCUMENTS = new BsonDocumentCodec();

        @Override
        public SizedDocument decode(BsonReader reader, DecoderContext context) {
            if (reader instanceof BsonBinaryReader binary) {
                BsonInput input = binary.getBsonInput();
                BsonInputMark start = input.getMark(Integer.MAX_VALUE);
                int from = input.getPosition();
                binary.skipValue(); // the reader's own bookkeeping moves past the document
                int size = input.getPosition() - from;
                start.reset();
                byte[] bytes = new byte[size];
                input.readBytes(bytes);
                return new SizedDocument(new RawBsonDocument(bytes), size);
            }
            BsonDocument document = DOCUMENTS.decode(reader, context);
            return new SizedDocument(document, new RawBsonDocument(document, DOCUMENTS).getByteBuffer().remaining());
        }

        @Override
        public void encode(BsonWriter writer, SizedDocument value, EncoderContext context) {
            DOCUMENTS.encode(writer, value.document(), context);
        }

        @Override
        public Class<SizedDocument> getEncoderClass() {
            return SizedDocument.class;
        }
    }
}
