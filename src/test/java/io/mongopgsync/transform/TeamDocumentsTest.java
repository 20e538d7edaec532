package io.mongopgsync.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.junit.jupiter.api.Test;

class TeamDocumentsTest {

    @Test
    void shouldGiveBackOriginalTypesOfValuesARouteLeftAlone() {
        BsonDocument original = BsonDocument.parse("""
                {_id: {$oid: '5f43a1b2c3d4e5f601234567'}, n: {$numberLong: '5'}, d: 1.0,
                 at: {$date: '2024-01-02T03:04:05.678Z'}, nested: {big: {$numberLong: '7'}}, s: 'x'}""");
        String json = TeamDocuments.toJson(original);
        BsonDocument back = TeamDocuments.fromBody(json.replace("\"s\": \"x\"", "\"s\": \"y\""), original);
        assertThat(back.get("n")).isEqualTo(new BsonInt64(5));
        assertThat(back.get("d")).isEqualTo(new BsonDouble(1.0));
        assertThat(back.get("_id")).isEqualTo(original.get("_id"));
        assertThat(back.get("at")).isEqualTo(original.get("at"));
        assertThat(back.getDocument("nested").get("big")).isEqualTo(new BsonInt64(7));
        assertThat(back.getString("s").getValue()).isEqualTo("y");
    }

    @Test
    void shouldTreatAnEmptyAnswerAsADroppedDocument() {
        BsonDocument original = BsonDocument.parse("{_id: 1}");
        assertThat(TeamDocuments.fromBody(null, original)).isNull();
        assertThat(TeamDocuments.fromBody("", original)).isNull();
    }

    @Test
    void shouldReadBatchAnswersAndMatchOriginalsById() {
        List<BsonDocument> originals = List.of(BsonDocument.parse("{_id: 1, n: {$numberLong: '1'}}"),
                BsonDocument.parse("{_id: 2, n: {$numberLong: '2'}}"));
        List<BsonDocument> back = TeamDocuments.fromBatchBody("[{\"_id\": 2, \"n\": 2}]".getBytes(), originals);
        assertThat(back).containsExactly(BsonDocument.parse("{_id: 2, n: {$numberLong: '2'}}"));
    }
}
