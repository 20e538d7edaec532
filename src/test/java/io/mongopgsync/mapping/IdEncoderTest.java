package io.mongopgsync.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class IdEncoderTest {

    @Test
    void shouldShowCommonIdsNaturally() {
        assertThat(IdEncoder.encode(new BsonObjectId(new ObjectId("507d95d5719dbef170f15bf9"))))
                .isEqualTo("507d95d5719dbef170f15bf9");
        assertThat(IdEncoder.encode(new BsonString("ac3"))).isEqualTo("ac3");
        assertThat(IdEncoder.encode(new BsonInt32(42))).isEqualTo("42");
        assertThat(IdEncoder.encode(new BsonInt64(42L))).isEqualTo("42");
    }

    @Test
    void shouldGiveNumbersThatMongoConsidersEqualTheSameKey() {
        assertThat(IdEncoder.encode(new BsonDouble(1.0))).isEqualTo("1");
        assertThat(IdEncoder.encode(new BsonDecimal128(Decimal128.parse("1.000")))).isEqualTo("1");
        assertThat(IdEncoder.encode(new BsonDouble(2.5))).isEqualTo("2.5");
        assertThat(IdEncoder.encode(new BsonDecimal128(Decimal128.parse("-0")))).isEqualTo("0");
        assertThat(IdEncoder.encode(new BsonDecimal128(Decimal128.parse("2.50")))).isEqualTo("2.5");
    }

    @Test
    void shouldKeepTheDouble01AndTheDecimal01ApartAsMongoDoes() {
        assertThat(IdEncoder.encode(new BsonDouble(0.1))).isNotEqualTo(IdEncoder.encode(
                new BsonDecimal128(Decimal128.parse("0.1")))).startsWith("0.1000000000000000055511");
        assertThat(IdEncoder.encode(new BsonDecimal128(Decimal128.parse("0.1")))).isEqualTo("0.1");
    }

    @Test
    void shouldNeverCollideAcrossTypes() {
        List<BsonValue> ids = List.of(new BsonInt32(1), new BsonString("1"), new BsonString("\"1\""),
                new BsonObjectId(new ObjectId("507d95d5719dbef170f15bf9")), new BsonString("507d95d5719dbef170f15bf9"),
                new BsonBoolean(true), new BsonString("true"), new BsonNull(), new BsonString("null"),
                new BsonDocument("a", new BsonInt32(1)), new BsonString("{\"a\": 1}"),
                new BsonDateTime(0), new BsonString(""), new BsonString("a\u0000b"), new BsonString("a\uFFFDb"),
                new BsonDouble(Double.NaN), new BsonString("NaN"), new BsonString("1e5"), new BsonInt32(100000));
        Set<String> encoded = new HashSet<>();
        for (BsonValue id : ids) {
            encoded.add(IdEncoder.encode(id));
        }
        assertThat(encoded).hasSize(ids.size());
    }

    @Test
    void shouldQuoteStringsThatLookLikeAnotherType() {
        assertThat(IdEncoder.encode(new BsonString("1"))).isEqualTo("\"1\"");
        assertThat(IdEncoder.encode(new BsonString("{x"))).isEqualTo("\"{x\"");
        assertThat(IdEncoder.encode(new BsonString("a\u0000b"))).isEqualTo("\"a\\u0000b\"");
        assertThat(IdEncoder.encode(new BsonDocument("region", new BsonString("eu"))))
                .isEqualTo("{\"region\": \"eu\"}");
    }
}
