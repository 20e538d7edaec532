package io.mongopgsync.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class ValueRendererTest {

    private final ValueRenderer renderer = new ValueRenderer();

    @Test
    void shouldRenderTextTheWayPostgresCastsWouldSoWidenedColumnsReadAlike() {
        assertThat(renderer.render(new BsonInt32(5), ColumnType.TEXT)).isEqualTo("5");
        assertThat(renderer.render(new BsonDouble(5.5), ColumnType.TEXT)).isEqualTo("5.5");
        assertThat(renderer.render(new BsonDouble(1e-7), ColumnType.TEXT)).isEqualTo("0.00000010");
        assertThat(renderer.render(new BsonDouble(1e20), ColumnType.TEXT)).isEqualTo("100000000000000000000");
        assertThat(renderer.render(new BsonBoolean(true), ColumnType.TEXT)).isEqualTo("true");
        assertThat(renderer.render(new BsonObjectId(new ObjectId("507d95d5719dbef170f15bf9")), ColumnType.TEXT))
                .isEqualTo("507d95d5719dbef170f15bf9");
        assertThat(renderer.render(new BsonDateTime(Instant.parse("2015-06-01T10:00:00.120Z").toEpochMilli()),
                ColumnType.TEXT)).isEqualTo("2015-06-01T10:00:00.120Z");
        // outside years 1-9999: the Extended JSON under "$date" in _source_document, as a widened column shows it
        assertThat(renderer.render(new BsonDateTime(-62_200_000_000_000L), ColumnType.TEXT))
                .isEqualTo("{\"$numberLong\": \"-62200000000000\"}");
    }

    @Test
    void shouldRenderNumbersAndDatesExactly() {
        assertThat(renderer.render(new BsonDecimal128(Decimal128.parse("1.50E+3")), ColumnType.NUMERIC)).isEqualTo("1500");
        assertThat(renderer.render(new BsonDecimal128(Decimal128.parse("-0.00")), ColumnType.NUMERIC)).isEqualTo("0");
        assertThat(renderer.render(new BsonDouble(Double.POSITIVE_INFINITY), ColumnType.NUMERIC)).isEqualTo("Infinity");
        assertThat(renderer.render(new BsonDateTime(Instant.parse("2009-04-01T07:00:00Z").toEpochMilli()),
                ColumnType.TIMESTAMPTZ)).isEqualTo("2009-04-01 07:00:00.000+00");
        assertThat(renderer.render(new BsonDateTime(Instant.parse("-0043-03-15T12:00:00Z").toEpochMilli()),
                ColumnType.TIMESTAMPTZ)).isEqualTo("0044-03-15 12:00:00.000+00 BC");
    }

    @Test
    void shouldCountWhatItHadToChange() {
        assertThat(renderer.render(new BsonString("a\u0000b"), ColumnType.TEXT)).isEqualTo("a\uFFFDb");
        assertThat(renderer.render(new BsonDateTime(Long.MAX_VALUE), ColumnType.TIMESTAMPTZ)).isEqualTo("infinity");
        assertThat(renderer.render(new BsonDateTime(Long.MIN_VALUE), ColumnType.TIMESTAMPTZ)).isEqualTo("-infinity");
        assertThat(renderer.render(new BsonDocument("s", new BsonString("x\u0000")), ColumnType.JSONB))
                .isEqualTo("{\"s\": \"x\uFFFD\"}");
        assertThat(renderer.nulCharactersReplaced()).isEqualTo(2);
        assertThat(renderer.datesOutOfRange()).isEqualTo(2);
    }

    @Test
    void shouldRenderUuidsAndNulls() {
        java.util.UUID uuid = java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(renderer.render(new BsonBinary(uuid), ColumnType.UUID)).isEqualTo(uuid.toString());
        assertThat(renderer.render(new BsonNull(), ColumnType.TEXT)).isNull();
        assertThat(renderer.render(null, ColumnType.INTEGER)).isNull();
    }
}
