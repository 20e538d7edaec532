package io.mongopgsync.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mongopgsync.support.Datasets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A document as MongoDB sent it (its BSON bytes) is mapped to exactly the row its decoded form gives: the same bytes
 * of COPY text, the same counts of replaced NULs and out-of-range dates, and the same schema verdicts.
 */
class RawRowsTest {

    private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

    static List<String> datasets() {
        return Datasets.ALL;
    }

    @ParameterizedTest
    @MethodSource("datasets")
    void shouldMapEveryDatasetDocumentFromItsBytesAsFromItsDecodedForm(String dataset) {
        List<BsonDocument> docs = Datasets.read(dataset);
        assertThat(assertSameRows(docs)).as("rows mapped from their bytes").isEqualTo(docs.size());
    }

    @Test
    void shouldMapTheValuesThatNeedEscapingOrCountingAsTheDecodedForm() {
        List<BsonDocument> docs = new ArrayList<>();
        docs.add(BsonDocument.parse("""
                {_id: 1, s: "tab\\there \\"quoted\\" back\\\\slash", u: "Grüße, 東京 \\u2028 😀", n: null,
                 nested: {a: "x\\ny", b: [1, 2.5, {c: "\\u0000"}], d: {$date: "2021-03-04T05:06:07.089Z"}},
                 big: {$numberLong: "9007199254740993"}, dec: {$numberDecimal: "-0.00"}, e: {$numberDecimal: "1E+3"},
                 old: {$date: {$numberLong: "-62198755200000"}}, far: {$date: {$numberLong: "253402300800000"}},
                 oid: {$oid: "5f1d7a3b9c2e4f0012345678"}, t: true, f: false, emptyDoc: {}, emptyArray: [],
                 "key with \\"quote\\"": 1, "ключ": "значение", deep: {x: {y: {z: [[1], ["a\\\\b"]]}}}}"""));
        docs.add(new BsonDocument("_id", new BsonString("nul\u0000inside")).append("s", new BsonString("a\u0000b"))
                .append("nested", new BsonDocument("v", new BsonString("c\u0000d"))));
        docs.add(new BsonDocument("_id", new BsonInt32(2)).append("nan", new BsonDouble(Double.NaN))
                .append("inf", new BsonDouble(Double.NEGATIVE_INFINITY)).append("s", new BsonString("z")));
        docs.add(new BsonDocument("_id", new BsonInt32(3)).append("bin", new BsonBinary(new byte[] {1, 2, 3}))
                .append("ts", new BsonTimestamp(1_600_000_000, 7)).append("s", new BsonString("w")));
        docs.add(new BsonDocument("_id", new BsonInt32(4)).append("uuid",
                new BsonBinary(java.util.UUID.fromString("0b9a3a56-0c5f-4d0e-9f51-3f4d0f6a2c11"))));
        docs.add(BsonDocument.parse("{_id: 5, s: 12, nested: 'now text', t: 'yes', big: 3}")); // other types, same fields
        // NaN, binary values and timestamps are written by the decoded document's way
        assertThat(assertSameRows(docs)).isEqualTo(docs.size() - 3);
    }

    @Test
    void shouldFindAFieldInTheBytesWithoutDecodingTheDocument() {
        RawBsonDocument raw = raw(BsonDocument.parse("{_id: 7, a: {b: 1}, 'é': 'x', last: {$date: '2020-01-01T00:00:00Z'}}"));
        assertThat(RawFields.get(raw, "_id")).isEqualTo(new BsonInt32(7));
        assertThat(RawFields.get(raw, "é")).isEqualTo(new BsonString("x"));
        assertThat(RawFields.get(raw, "a")).isEqualTo(BsonDocument.parse("{b: 1}"));
        assertThat(RawFields.get(raw, "last").asDateTime().getValue()).isEqualTo(1_577_836_800_000L);
        assertThat(RawFields.get(raw, "missing")).isNull();
    }

    @Test
    void shouldMapADocumentWithANameTwiceAsItsDecodedForm() {
        // BSON allows a name twice; decoding keeps the last value, and so does the row
        BsonDocument first = new BsonDocument("_id", new BsonInt32(1)).append("a", new BsonInt32(1));
        org.bson.ByteBuf buffer = raw(first).getByteBuffer();
        byte[] bytes = java.util.Arrays.copyOfRange(buffer.array(), buffer.arrayOffset(),
                buffer.arrayOffset() + buffer.remaining());
        byte[] twice = withFieldAgain(bytes, "a", 2);
        RawBsonDocument raw = new RawBsonDocument(twice);
        assertThat(raw.decode(CODEC).getInt32("a").getValue()).isEqualTo(2);
        TableSchema schema = new TableSchema(List.of());
        schema.observe(List.of(raw.decode(CODEC)));
        CopyText fromBytes = new CopyText(256);
        CopyText decoded = new CopyText(256);
        RowMapper mapper = new RowMapper();
        mapper.appendRow(raw, schema.columns(), fromBytes);
        new RowMapper().appendRow(raw.decode(CODEC), schema.columns(), decoded);
        assertThat(text(fromBytes)).isEqualTo(text(decoded));

        // the next documents, of the usual shape, are mapped from their bytes again, with the right fields
        BsonDocument next = BsonDocument.parse("{_id: 2, a: 5}");
        CopyText nextRow = new CopyText(256);
        mapper.appendRow(raw(next), schema.columns(), nextRow);
        CopyText nextDecoded = new CopyText(256);
        new RowMapper().appendRow(next, schema.columns(), nextDecoded);
        assertThat(text(nextRow)).isEqualTo(text(nextDecoded));
        assertThat(mapper.rowsFromBytes()).isEqualTo(1);
    }

    @Test
    void shouldRefuseADocumentWithoutIdFromItsBytesAsFromItsDecodedForm() {
        RawBsonDocument raw = raw(BsonDocument.parse("{a: 1}"));
        assertThatThrownBy(() -> new RowMapper().appendRow(raw, List.of(), new CopyText(64)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("document has no _id");
    }

    /** Returns how many rows were mapped from the documents' bytes. */
    private static long assertSameRows(List<BsonDocument> docs) {
        TableSchema schema = new TableSchema(List.of());
        schema.observe(docs);
        List<TableSchema.Column> columns = schema.columns();
        RowMapper fromBytes = new RowMapper();
        RowMapper decoded = new RowMapper();
        for (BsonDocument doc : docs) {
            RawBsonDocument raw = raw(doc);
            CopyText a = new CopyText(256);
            CopyText b = new CopyText(256);
            fromBytes.appendRow(raw, columns, a);
            decoded.appendRow(raw.decode(CODEC), columns, b);
            assertThat(text(a)).as("row of %s", doc.get("_id")).isEqualTo(text(b));
        }
        assertThat(fromBytes.renderer().nulCharactersReplaced()).isEqualTo(decoded.renderer().nulCharactersReplaced());
        assertThat(fromBytes.renderer().datesOutOfRange()).isEqualTo(decoded.renderer().datesOutOfRange());

        // the schema check says the same of bytes and of decoded documents, before and after the columns exist
        List<BsonDocument> raws = docs.stream().map(d -> (BsonDocument) raw(d)).toList();
        List<BsonDocument> decodedDocs = docs.stream().map(d -> raw(d).decode(CODEC)).toList();
        assertThat(new TableSchema(List.of()).needsChange(raws)).isEqualTo(new TableSchema(List.of()).needsChange(decodedDocs));
        for (BsonDocument doc : docs) {
            assertThat(new TableSchema(columns).needsChange(List.of(raw(doc))))
                    .isEqualTo(new TableSchema(columns).needsChange(List.of(raw(doc).decode(CODEC))));
        }
        return fromBytes.rowsFromBytes();
    }

    private static RawBsonDocument raw(BsonDocument doc) {
        return new RawBsonDocument(doc, CODEC);
    }

    private static String text(CopyText t) {
        return new String(t.array(), 0, t.length(), StandardCharsets.UTF_8);
    }

    /** The document's bytes with an int32 field {@code name} appended again. */
    private static byte[] withFieldAgain(byte[] bytes, String name, int value) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        int extra = 1 + nameBytes.length + 1 + 4;
        byte[] out = new byte[bytes.length + extra];
        System.arraycopy(bytes, 0, out, 0, bytes.length - 1);
        int at = bytes.length - 1;
        out[at++] = 0x10;
        System.arraycopy(nameBytes, 0, out, at, nameBytes.length);
        at += nameBytes.length;
        out[at++] = 0;
        for (int i = 0; i < 4; i++) {
            out[at++] = (byte) (value >> (8 * i));
        }
        out[at] = 0;
        int size = out.length;
        for (int i = 0; i < 4; i++) {
            out[i] = (byte) (size >> (8 * i));
        }
        return out;
    }
}
