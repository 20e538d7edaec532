package io.mongopgsync.mapping;

import static io.mongopgsync.mapping.ColumnType.BIGINT;
import static io.mongopgsync.mapping.ColumnType.BOOLEAN;
import static io.mongopgsync.mapping.ColumnType.INTEGER;
import static io.mongopgsync.mapping.ColumnType.JSONB;
import static io.mongopgsync.mapping.ColumnType.NUMERIC;
import static io.mongopgsync.mapping.ColumnType.TEXT;
import static io.mongopgsync.mapping.ColumnType.TIMESTAMPTZ;
import static io.mongopgsync.mapping.ColumnType.UUID;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

class ColumnTypeTest {

    @Test
    void shouldMapEachBsonTypeToItsDocumentedColumnType() {
        assertThat(ColumnType.of(new BsonString("x"))).isEqualTo(TEXT);
        assertThat(ColumnType.of(new BsonInt32(1))).isEqualTo(INTEGER);
        assertThat(ColumnType.of(new BsonInt64(1))).isEqualTo(BIGINT);
        assertThat(ColumnType.of(new BsonDouble(1.5))).isEqualTo(NUMERIC);
        assertThat(ColumnType.of(new BsonDecimal128(Decimal128.parse("1.5")))).isEqualTo(NUMERIC);
        assertThat(ColumnType.of(new BsonDateTime(0))).isEqualTo(TIMESTAMPTZ);
        assertThat(ColumnType.of(new BsonDocument())).isEqualTo(JSONB);
        assertThat(ColumnType.of(new BsonArray())).isEqualTo(JSONB);
        assertThat(ColumnType.of(new BsonBinary(java.util.UUID.randomUUID()))).isEqualTo(UUID);
        assertThat(ColumnType.of(new BsonBinary(new byte[] {1, 2}))).isEqualTo(TEXT);
        assertThat(ColumnType.of(new BsonRegularExpression("a.*", "i"))).isEqualTo(TEXT);
        assertThat(ColumnType.of(new BsonTimestamp(1, 2))).isEqualTo(JSONB);
        assertThat(ColumnType.of(new BsonNull())).isNull();
    }

    @Test
    void shouldWidenToATypeThatHoldsBoth() {
        assertThat(ColumnType.join(INTEGER, BIGINT)).isEqualTo(BIGINT);
        assertThat(ColumnType.join(INTEGER, NUMERIC)).isEqualTo(NUMERIC);
        assertThat(ColumnType.join(NUMERIC, TEXT)).isEqualTo(TEXT);
        assertThat(ColumnType.join(BOOLEAN, INTEGER)).isEqualTo(TEXT);
        assertThat(ColumnType.join(TIMESTAMPTZ, TEXT)).isEqualTo(TEXT);
        assertThat(ColumnType.join(TEXT, JSONB)).isEqualTo(JSONB);
        assertThat(ColumnType.join(null, INTEGER)).isEqualTo(INTEGER);
        for (ColumnType a : ColumnType.values()) {
            for (ColumnType b : ColumnType.values()) {
                assertThat(ColumnType.join(a, b)).isEqualTo(ColumnType.join(b, a));
                assertThat(List.of(a, b)).allMatch(t -> ColumnType.join(ColumnType.join(a, b), t) == ColumnType.join(a, b));
            }
        }
    }

    @Test
    void shouldRebuildJsonbFromTheSourceDocument() {
        assertThat(JSONB.widenUsing(TEXT, "\"c\"", "it's")).isEqualTo("NULLIF(\"_source_document\" -> E'it''s', 'null'::jsonb)");
        assertThat(TEXT.widenUsing(NUMERIC, "\"c\"", "c")).isEqualTo("\"c\"::text");
        assertThat(TEXT.widenUsing(TIMESTAMPTZ, "\"c\"", "c")).contains("to_char").contains("isfinite");
    }
}
