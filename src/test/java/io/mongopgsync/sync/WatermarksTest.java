package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.Test;

class WatermarksTest {

    @Test
    void shouldKeepTheHighestValueOfOneBracket() {
        BsonValue w = null;
        w = Watermarks.max(w, new BsonDateTime(100));
        w = Watermarks.max(w, new BsonDateTime(300));
        w = Watermarks.max(w, new BsonDateTime(200));
        assertThat(w).isEqualTo(new BsonDateTime(300));
    }

    @Test
    void shouldLetDatesWinOverLegacyStringsWhateverComesFirst() {
        BsonValue w = Watermarks.max(null, new BsonString("2020-01-01"));
        w = Watermarks.max(w, new BsonDateTime(5));
        w = Watermarks.max(w, new BsonString("2030-01-01"));
        assertThat(w).isEqualTo(new BsonDateTime(5));
        assertThat(Watermarks.max(new BsonInt32(3), new BsonString("x"))).isEqualTo(new BsonInt32(3));
    }

    @Test
    void shouldNeverStoreADateBeyondTheRunsStart() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(Watermarks.toStore(new BsonDateTime(start.plusSeconds(60).toEpochMilli()), start))
                .isEqualTo(new BsonDateTime(start.toEpochMilli()));
        assertThat(Watermarks.toStore(new BsonDateTime(5), start)).isEqualTo(new BsonDateTime(5));
    }

    @Test
    void shouldStartAnObjectIdWatermarkAMinuteBeforeTheLastIdSeenAndNeverAfterTheRunsStart() {
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        org.bson.types.ObjectId seen = new org.bson.types.ObjectId(java.util.Date.from(start.minusSeconds(3600)), 77);
        BsonValue stored = Watermarks.toStore(new org.bson.BsonObjectId(seen), start);
        assertThat(stored.asObjectId().getValue().getTimestamp()).isEqualTo(seen.getTimestamp() - 60);
        assertThat(stored.asObjectId().getValue()).isLessThan(seen);
        org.bson.types.ObjectId ahead = new org.bson.types.ObjectId(java.util.Date.from(start.plusSeconds(600)), 1);
        assertThat(Watermarks.toStore(new org.bson.BsonObjectId(ahead), start).asObjectId().getValue().getTimestamp())
                .isEqualTo((int) start.getEpochSecond() - 60);
        assertThat(Watermarks.fromJson(Watermarks.toJson(stored))).isEqualTo(stored);
    }

    @Test
    void shouldReadDottedPathsAndRoundTripThroughJson() {
        BsonDocument doc = BsonDocument.parse("{meta: {updatedAt: {$date: '2025-05-01T00:00:00Z'}}}");
        BsonValue value = Watermarks.extract(doc, "meta.updatedAt");
        assertThat(value.isDateTime()).isTrue();
        assertThat(Watermarks.fromJson(Watermarks.toJson(value))).isEqualTo(value);
        assertThat(Watermarks.extract(doc, "meta.missing")).isNull();
    }
}
