package io.mongopgsync.sync;

import org.bson.BsonBinaryReader;
import org.bson.BsonDocument;
import org.bson.BsonReader;
import org.bson.BsonWriter;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;

/**
 * A document as MongoDB sent it: decoded once, straight from the driver's reply buffer, with its size in BSON
 * (what batches are bounded by). Reading {@link RawBsonDocument}s and decoding them afterwards made the driver copy
 * each document through growing buffers first: about seven times its size in garbage, most of a full sync's.
 */
record SizedDocument(BsonDocument document, int bsonBytes) {

    static SizedDocument of(RawBsonDocument raw) {
        return new SizedDocument(raw.decode(Codec.DOCUMENTS), raw.getByteBuffer().remaining());
    }

    /** Decodes a document and measures it by the reader's position (the driver reads replies as binary BSON). */
    static final class Codec implements org.bson.codecs.Codec<SizedDocument> {

        static final BsonDocumentCodec DOCUMENTS = new BsonDocumentCodec();

        @Override
        public SizedDocument decode(BsonReader reader, DecoderContext context) {
            if (reader instanceof BsonBinaryReader binary) {
                int start = binary.getBsonInput().getPosition();
                BsonDocument document = DOCUMENTS.decode(reader, context);
                return new SizedDocument(document, binary.getBsonInput().getPosition() - start);
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
