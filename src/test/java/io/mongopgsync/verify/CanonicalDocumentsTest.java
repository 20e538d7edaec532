package io.mongopgsync.verify;

import static org.assertj.core.api.Assertions.assertThat;

import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

class CanonicalDocumentsTest {

    private static String hashOf(String json) {
        return CanonicalDocuments.hash(CanonicalDocuments.parse(json));
    }

    @Test
    void shouldHashADocumentAndItsJsonbTextAlike() {
        BsonDocument doc = BsonDocument.parse("{\"_id\": {\"$oid\": \"5f1d7f1e2b3c4d5e6f708192\"}, \"zeta\": 1, "
                + "\"alpha\": {\"big\": 1.0E300, \"small\": 1.5E-7, \"price\": 1.50, \"neg\": -0.0}, "
                + "\"when\": {\"$date\": \"2015-06-01T00:00:00Z\"}, \"tags\": [\"a\", \"b\\n\"]}");
        // what PostgreSQL prints for the same document stored as jsonb: keys reordered, numbers in plain notation
        String jsonb = "{\"_id\": {\"$oid\": \"5f1d7f1e2b3c4d5e6f708192\"}, \"tags\": [\"a\", \"b\\n\"], \"when\": "
                + "{\"$date\": \"2015-06-01T00:00:00.000Z\"}, \"zeta\": 1, \"alpha\": {\"neg\": 0.0, \"big\": 1"
                + "0".repeat(300) + ", \"price\": 1.5, \"small\": 0.00000015}}";
        assertThat(CanonicalDocuments.hash(CanonicalDocuments.ofDocument(doc))).isEqualTo(hashOf(jsonb));
    }

    @Test
    void shouldTellDifferentValuesTypesAndArrayOrdersApart() {
        assertThat(hashOf("{\"a\": 1}")).isNotEqualTo(hashOf("{\"a\": 2}"));
        assertThat(hashOf("{\"a\": 1}")).isNotEqualTo(hashOf("{\"a\": \"1\"}"));
        assertThat(hashOf("{\"a\": 1.5}")).isNotEqualTo(hashOf("{\"a\": 1.50}"));
        assertThat(hashOf("{\"a\": 1}")).isNotEqualTo(hashOf("{\"a\": 1.0}"));
        assertThat(hashOf("{\"a\": [1, 2]}")).isNotEqualTo(hashOf("{\"a\": [2, 1]}"));
        assertThat(hashOf("{\"a\": null}")).isNotEqualTo(hashOf("{}"));
        assertThat(hashOf("{\"a\": 1, \"b\": 2}")).isEqualTo(hashOf("{\"b\": 2, \"a\": 1}"));
    }

    @Test
    void shouldNameTheFieldPathsThatDiffer() {
        var expected = CanonicalDocuments.parse("{\"_id\": 1, \"name\": \"x\", \"address\": {\"city\": \"Oslo\", "
                + "\"zip\": \"0150\"}, \"tags\": [\"a\", \"b\"], \"at\": {\"$date\": \"2020-01-01T00:00:00.000Z\"}}");
        var actual = CanonicalDocuments.parse("{\"_id\": 1, \"name\": \"x\", \"address\": {\"city\": \"Bergen\", "
                + "\"zip\": \"0150\"}, \"tags\": [\"a\", \"c\", \"d\"], \"extra\": true, "
                + "\"at\": {\"$date\": \"2021-01-01T00:00:00.000Z\"}}");
        assertThat(CanonicalDocuments.differingPaths(expected, actual))
                .containsExactly("address.city", "at", "extra", "tags.1", "tags.2");
    }

    @Test
    void shouldOrderKeysByCodePointLikePostgresqlCollationC() {
        assertThat(CanonicalDocuments.compareCodePoints("\uFFFD", "\uD83D\uDE00")).isNegative();
        assertThat("\uFFFD".compareTo("\uD83D\uDE00")).isPositive();
    }
}
