package io.mongopgsync.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import io.mongopgsync.mapping.TableSchema;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonDocumentReader;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.junit.jupiter.api.Test;

/**
 * Change events as the driver decodes them from what a server sends (the shapes of MongoDB 7 events), through
 * {@link ChangeEvent}, {@link BatchPlan} and {@link StreamSql}: what each operation does to the table.
 */
class ChangeEventMappingTest {

    private static final Codec<ChangeStreamDocument<BsonDocument>> CODEC =
            ChangeStreamDocument.createCodec(BsonDocument.class, MongoClientSettings.getDefaultCodecRegistry());

    /** A server event: operation, cluster time increment, documentKey and fullDocument as JSON. */
    static ChangeStreamDocument<BsonDocument> event(String operation, int increment, String key, String full) {
        String json = "{_id: {_data: '8267" + String.format("%08X", increment) + "'}, operationType: '" + operation
                + "', clusterTime: {$timestamp: {t: 1796035214, i: " + increment + "}}, "
                + "wallTime: {$date: '2026-11-30T10:40:14Z'}, ns: {db: 'shop', coll: 'orders'}"
                + (key == null ? "" : ", documentKey: " + key) + (full == null ? "" : ", fullDocument: " + full)
                + ("update".equals(operation) ? ", updateDescription: {updatedFields: {qty: 2}, removedFields: []}" : "")
                + "}";
        return CODEC.decode(new BsonDocumentReader(BsonDocument.parse(json)), DecoderContext.builder().build());
    }

    static ChangeEvent change(String operation, int increment, String key, String full) {
        return ChangeEvent.from("orders", event(operation, increment, key, full));
    }

    @Test
    void shouldWriteTheDocumentOfInsertsReplacesAndLookedUpUpdates() {
        ChangeEvent insert = change("insert", 1, "{_id: 1}", "{_id: 1, qty: 1}");
        ChangeEvent replace = change("replace", 2, "{_id: 2}", "{_id: 2, sku: 'b'}");
        ChangeEvent update = change("update", 3, "{_id: 3}", "{_id: 3, qty: 2}");

        assertThat(List.of(insert.kind(), replace.kind(), update.kind())).containsOnly(ChangeEvent.Kind.UPSERT);
        assertThat(update.documentId()).isEqualTo("3");
        assertThat(update.document().getInt32("qty").getValue()).isEqualTo(2);
        assertThat(insert.clusterTime()).isEqualTo((1796035214L << 32) | 1);
        assertThat(insert.resumeToken().getString("_data").getValue()).isEqualTo("8267" + "00000001");
        assertThat(ChangeEvent.seconds(insert.clusterTime())).isEqualTo(1796035214L);
    }

    @Test
    void shouldRemoveTheRowOnDeletesAndOnUpdatesWhoseDocumentIsGone() {
        ChangeEvent delete = change("delete", 1, "{_id: {$oid: '65a1b2c3d4e5f60718293a4b'}}", null);
        ChangeEvent updateOfDeleted = change("update", 2, "{_id: 'k'}", null);

        assertThat(delete.kind()).isEqualTo(ChangeEvent.Kind.DELETE);
        assertThat(delete.documentId()).isEqualTo("65a1b2c3d4e5f60718293a4b");
        assertThat(updateOfDeleted.kind()).isEqualTo(ChangeEvent.Kind.DELETE);
        assertThat(updateOfDeleted.documentId()).isEqualTo("k");
    }

    @Test
    void shouldTreatDropsRenamesInvalidatesAndUnusableEventsAsGaps() {
        assertThat(change("drop", 1, null, null).kind()).isEqualTo(ChangeEvent.Kind.GAP);
        assertThat(change("rename", 2, null, null).reason()).contains("renamed");
        assertThat(change("invalidate", 3, null, null).kind()).isEqualTo(ChangeEvent.Kind.GAP);
        assertThat(change("dropDatabase", 4, null, null).kind()).isEqualTo(ChangeEvent.Kind.GAP);
        // what the embedded server sends for an update: the update spec as key, a document without _id
        ChangeEvent embeddedUpdate = change("update", 5, "{$set: {a: 2}}", "{a: 2}");
        assertThat(embeddedUpdate.kind()).isEqualTo(ChangeEvent.Kind.GAP);
        assertThat(embeddedUpdate.reason()).contains("without documentKey._id");
        ChangeEvent mismatched = change("update", 6, "{_id: 1}", "{_id: 2}");
        assertThat(mismatched.kind()).isEqualTo(ChangeEvent.Kind.GAP);
        assertThat(change("insert", 7, "{_id: 1}", "{}").kind()).isEqualTo(ChangeEvent.Kind.GAP);
    }

    @Test
    void shouldMoveOnPastEventsThatDoNotTouchTheTable() {
        ChangeEvent other = change("createIndexes", 1, null, null);

        BatchPlan plan = BatchPlan.of(List.of(other), Map.of());

        assertThat(other.kind()).isEqualTo(ChangeEvent.Kind.IGNORED);
        assertThat(plan.planned()).isEqualTo(1);
        assertThat(plan.last()).isSameAs(other);
        assertThat(plan.upserts()).isEmpty();
    }

    @Test
    void shouldKeepTheLastChangeOfEachRowInABatch() {
        BatchPlan plan = BatchPlan.of(List.of(
                change("insert", 1, "{_id: 1}", "{_id: 1, qty: 1}"),
                change("update", 2, "{_id: 1}", "{_id: 1, qty: 2}"),
                change("insert", 3, "{_id: 2}", "{_id: 2}"),
                change("delete", 4, "{_id: 2}", null),
                change("delete", 5, "{_id: 3}", null)), Map.of());

        assertThat(plan.upserts()).containsOnlyKeys("1");
        assertThat(plan.upserts().get("1").getInt32("qty").getValue()).isEqualTo(2);
        assertThat(plan.deletes()).containsExactly("2", "3");
        assertThat(plan.versions().get("2")).isEqualTo(new BatchPlan.Version((1796035214L << 32) | 4, true));
        assertThat(plan.planned()).isEqualTo(5);
        assertThat(plan.inserted()).isEqualTo(2);
        assertThat(plan.updated()).isEqualTo(1);
        assertThat(plan.deleted()).isEqualTo(2);
    }

    @Test
    void shouldRefuseAChangeOlderThanTheRow() {
        long newer = (1796035214L << 32) | 10;
        BatchPlan plan = BatchPlan.of(List.of(
                change("update", 4, "{_id: 1}", "{_id: 1, qty: 'old'}"),
                change("insert", 10, "{_id: 2}", "{_id: 2}"),
                change("insert", 11, "{_id: 3}", "{_id: 3, qty: 'new'}")),
                Map.of("1", new BatchPlan.Version(newer, false), "2", new BatchPlan.Version(newer, true)));

        assertThat(plan.refused()).isEqualTo(2);
        // a replayed insert does not bring back a row deleted later
        assertThat(plan.upserts()).containsOnlyKeys("3");
        assertThat(plan.deletes()).isEmpty();
        assertThat(plan.planned()).isEqualTo(3);
        assertThat(plan.last().documentId()).isEqualTo("3");
    }

    @Test
    void shouldDeleteARowThatIsNotThereWithoutComplaint() {
        BatchPlan plan = BatchPlan.of(List.of(change("delete", 1, "{_id: 'never-imported'}", null)), Map.of());

        assertThat(plan.deletes()).containsExactly("never-imported");
        assertThat(StreamSql.delete("\"dra_mongodb\".\"orders\""))
                .isEqualTo("DELETE FROM \"dra_mongodb\".\"orders\" WHERE \"_id\" = ANY(?)");
    }

    @Test
    void shouldStopPlanningAtAGap() {
        ChangeEvent before = change("insert", 1, "{_id: 1}", "{_id: 1}");
        BatchPlan plan = BatchPlan.of(List.of(before, change("drop", 2, null, null),
                change("insert", 3, "{_id: 9}", "{_id: 9}")), Map.of());

        assertThat(plan.gap().operation()).isEqualTo("drop");
        assertThat(plan.last()).isSameAs(before);
        assertThat(plan.upserts()).containsOnlyKeys("1");
        assertThat(plan.planned()).isEqualTo(1);
    }

    @Test
    void shouldUpsertWholeRowsWithQuotedNames() {
        var columns = List.of(new TableSchema.Column("qty", "qty", io.mongopgsync.mapping.ColumnType.INTEGER,
                java.util.Set.of("int32")), new TableSchema.Column("Order Date", "order_date",
                io.mongopgsync.mapping.ColumnType.TIMESTAMPTZ, java.util.Set.of("date")));

        String sql = StreamSql.upsert("\"dra_mongodb\".\"orders\"", "\"_mps_stream_staging\"", columns);

        assertThat(sql).isEqualTo("INSERT INTO \"dra_mongodb\".\"orders\" (\"_id\", \"qty\", \"order_date\", "
                + "\"_source_document\") SELECT \"_id\", \"qty\", \"order_date\", \"_source_document\" FROM "
                + "\"_mps_stream_staging\" ON CONFLICT (\"_id\") DO UPDATE SET \"qty\" = EXCLUDED.\"qty\", "
                + "\"order_date\" = EXCLUDED.\"order_date\", \"_source_document\" = EXCLUDED.\"_source_document\", "
                + "\"_imported_at\" = now()");
    }
}
