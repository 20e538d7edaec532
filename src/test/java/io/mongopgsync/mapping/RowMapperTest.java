package io.mongopgsync.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.support.Datasets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class RowMapperTest {

    @Test
    void shouldEscapeCopyTextAndKeepTheWholeDocument() {
        TableSchema schema = new TableSchema(List.of());
        BsonDocument doc = BsonDocument.parse("{_id: 'k', note: 'tab\\there\\nnew \\\\ line', n: null}");
        schema.observe(List.of(doc));
        CopyText line = new CopyText(64);

        new RowMapper().appendRow(doc, schema.columns(), line);

        String[] fields = line.toString().split("\t", -1);
        assertThat(fields[0]).isEqualTo("k");
        assertThat(line.toString()).contains("tab\\there\\nnew \\\\ line").contains("\\N").endsWith("}\n");
        assertThat(RowMapper.copyColumns(schema.columns())).startsWith("\"_id\", ").endsWith(", \"_source_document\"");
    }

    @Test
    void shouldWriteTheSameRowsAsTheDriversJsonAndTheValueRendererForEveryDatasetAndUnusualValue() {
        List<BsonDocument> docs = new ArrayList<>();
        Datasets.ALL.forEach(name -> docs.addAll(Datasets.read(name)));
        docs.add(unusual());
        TableSchema schema = new TableSchema(List.of());
        schema.observe(docs);
        RowMapper mapper = new RowMapper();
        ValueRenderer plain = new ValueRenderer();
        CopyText row = new CopyText(256);
        for (BsonDocument doc : docs) {
            row.clear();
            mapper.appendRow(doc, schema.columns(), row);
            List<String> fields = fields(row);
            assertThat(fields).hasSize(schema.columns().size() + 2);
            assertThat(fields.get(0)).isEqualTo(IdEncoder.encode(doc.get("_id")));
            assertThat(fields.get(fields.size() - 1)).as("JSON of %s", doc.get("_id")).isEqualTo(ExtendedJson.relaxed(doc));
            for (int i = 0; i < schema.columns().size(); i++) {
                TableSchema.Column c = schema.columns().get(i);
                assertThat(fields.get(i + 1)).as("%s of %s", c.field(), doc.get("_id"))
                        .isEqualTo(plain.render(doc.get(c.field()), c.type()));
            }
        }
        assertThat(mapper.renderer().nulCharactersReplaced()).isEqualTo(plain.nulCharactersReplaced());
    }

    /** Every BSON type, strings that need JSON and COPY escapes, and numbers and dates at the edges. */
    private static BsonDocument unusual() {
        return new BsonDocument("_id", new BsonObjectId(new ObjectId("507d95d5719dbef170f15bf9")))
                .append("s", new BsonString("quote \" back \\ tab \t nl \n cr \r bell \u0007 del \u007f nul \u0000 é € 😀 "
                        + "lone \ud800 \u2028 \u00a0"))
                // strings whose JSON has no escapes: the column copies their bytes from _source_document
                .append("plain", new BsonString("plain ascii with 'quotes' and / slashes")).append("empty", new BsonString(""))
                .append("utf8", new BsonString("é € ß 中文")).append("nulOnly", new BsonString("a\u0000b"))
                .append("i", new BsonInt32(-42)).append("l", new BsonInt64(1L << 40))
                .append("d", new BsonDouble(1e-7)).append("big", new BsonDouble(1.2345678912e20))
                .append("neg", new BsonDouble(-0.0)).append("nan", new BsonDouble(Double.NaN))
                .append("inf", new BsonDouble(Double.NEGATIVE_INFINITY))
                .append("dec", new BsonDecimal128(Decimal128.parse("1.50E+3")))
                .append("negzero", new BsonDecimal128(Decimal128.parse("-0.00")))
                .append("date", new BsonDateTime(1_433_116_800_123L))
                .append("old", new BsonDateTime(-62_200_000_000_000L))
                .append("far", new BsonDateTime(Long.MAX_VALUE))
                .append("bc", new BsonDateTime(-63_000_000_000_000L))
                .append("bin", new BsonBinary(new byte[] {1, 2, 3}))
                .append("uuid", new BsonBinary(java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000")))
                .append("re", new BsonRegularExpression("^a\\tb", "i"))
                .append("ts", new BsonTimestamp(1, 2)).append("min", new BsonMinKey()).append("max", new BsonMaxKey())
                .append("undef", new BsonUndefined()).append("nul", new BsonNull())
                .append("nested", new BsonDocument("k\"ey", new BsonArray(List.of(new BsonString("x\u0000"),
                        new BsonDocument(), new BsonArray(), new BsonDateTime(0)))));
    }

    /** The row's fields as PostgreSQL reads them (COPY escapes undone; \N as null). */
    private static List<String> fields(CopyText row) {
        String line = new String(row.array(), 0, row.length() - 1, StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        for (String f : line.split("\t", -1)) {
            if (f.equals("\\N")) {
                out.add(null);
                continue;
            }
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < f.length(); i++) {
                char c = f.charAt(i);
                if (c == '\\') {
                    char n = f.charAt(++i);
                    s.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
                } else {
                    s.append(c);
                }
            }
            out.add(s.toString());
        }
        return out;
    }
}
