package io.mongopgsync.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mongopgsync.source.SecretCipher;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

class TransformFileParserTest {

    static final String HASH_KEY = "a-long-enough-secret-for-hmac!!";
    static final String AES_KEY = "dGVzdC1rZXktZm9yLWludGVncmF0aW9uLXRlc3RzISE=";

    final TransformFileParser parser = new TransformFileParser(
            ref -> Map.of("env:HASH", HASH_KEY, "pii", AES_KEY).get(ref),
            (language, expression) -> {
                if (!language.equals("simple")) {
                    throw new IllegalArgumentException("unknown expression language '" + language + "'");
                }
                return doc -> new BsonString("computed:" + expression);
            });

    private List<TransformRule> parse(String yaml) {
        return parser.parse("routes/shop.sync.yaml", yaml);
    }

    private String problem(String yaml) {
        try {
            parse(yaml);
        } catch (TransformException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the file to be refused");
    }

    @Test
    void shouldReadAWholeEntryWithEveryKindOfStep() {
        List<TransformRule> rules = parse("""
                - source: shop
                  collection: customers
                  table: crm_customers
                  filter: { status: { $ne: deleted }, age: { $gte: 18 } }
                  steps:
                    - drop-field: { field: internal.notes }
                    - replace-field: { enabled: "a,b,email,phone,name,ssn,internal", renames: "a:alpha" }
                    - mask-field: { fields: ssn, replacement: "***" }
                    - mask-field: { fields: email, mode: hash, key: env:HASH }
                    - mask-field: { fields: [phone], mode: encrypt, key: pii }
                    - insert-field: { field: label, value: "${body[name]}" }
                    - to: direct:enrich
                    - to: { uri: direct:batch, per: batch }
                """);
        assertThat(rules).hasSize(1);
        TransformRule rule = rules.get(0);
        assertThat(rule.source()).isEqualTo("shop");
        assertThat(rule.table()).isEqualTo("crm_customers");
        assertThat(rule.filter()).isEqualTo(BsonDocument.parse("{status: {$ne: 'deleted'}, age: {$gte: 18}}"));
        assertThat(rule.steps()).hasSize(8);
        assertThat(rule.steps().get(6)).isEqualTo(new TransformStep.Route("direct:enrich", false));
        assertThat(rule.steps().get(7)).isEqualTo(new TransformStep.Route("direct:batch", true));
        assertThat(rule.keyFingerprints()).hasSize(2);
    }

    @Test
    void shouldApplyStepsToDocumentsIncludingNestedPaths() {
        TransformRule rule = parse("""
                - source: shop
                  collection: customers
                  steps:
                    - replace-field: { renames: "address.zip:postalCode,city:address.city" }
                    - drop-field: { fields: "address.street" }
                    - mask-field: { fields: ssn, replacement: "***" }
                    - mask-field: { fields: email, mode: hash, key: env:HASH }
                    - mask-field: { fields: phone, mode: encrypt, key: pii }
                    - insert-field: { field: label, value: x }
                """).get(0);
        BsonDocument doc = BsonDocument.parse("""
                {_id: 1, address: {zip: '10115', street: 'Main 1'}, city: 'Berlin', ssn: '123-45',
                 email: 'ann@example.com', phone: '+49 30 1234', count: {$numberLong: '5'}}""");
        rule.steps().forEach(s -> ((TransformStep.Action) s).action().apply(doc));

        assertThat(doc.getString("postalCode").getValue()).isEqualTo("10115");
        assertThat(doc.getDocument("address")).isEqualTo(BsonDocument.parse("{city: 'Berlin'}"));
        assertThat(doc.containsKey("city")).isFalse();
        assertThat(doc.getString("ssn").getValue()).isEqualTo("***");
        assertThat(doc.getString("email").getValue())
                .isEqualTo(FieldActions.hmac(HASH_KEY.getBytes(), "ann@example.com"))
                .hasSize(64).doesNotContain("ann");
        assertThat(SecretCipher.fromBase64(AES_KEY).decrypt(doc.getString("phone").getValue())).isEqualTo("+49 30 1234");
        assertThat(doc.getString("label").getValue()).isEqualTo("computed:x");
        assertThat(doc.get("count")).isEqualTo(new BsonInt64(5));
    }

    @Test
    void shouldKeepOnlyEnabledFieldsAndTheId() {
        TransformRule rule = parse("""
                - source: s
                  collection: c
                  steps:
                    - replace-field: { enabled: [name, address.city] }
                """).get(0);
        BsonDocument doc = BsonDocument.parse("{_id: 7, name: 'n', secret: 's', address: {city: 'c', zip: 'z'}}");
        ((TransformStep.Action) rule.steps().get(0)).action().apply(doc);
        assertThat(doc).isEqualTo(BsonDocument.parse("{_id: 7, name: 'n', address: {city: 'c'}}"));
    }

    @Test
    void shouldNameFileAndLineOfAnUnknownStep() {
        assertThat(problem("""
                - source: shop
                  collection: customers
                  steps:
                    - drop-field: { field: a }
                    - hash-everything: { field: b }
                """)).isEqualTo("routes/shop.sync.yaml line 5: unknown step 'hash-everything'; known steps: "
                + "drop-field, replace-field, mask-field, insert-field, to");
    }

    @Test
    void shouldRefuseUnknownKeysOfAnEntry() {
        assertThat(problem("""
                - source: shop
                  collection: customers
                  filtr: { a: 1 }
                """)).startsWith("routes/shop.sync.yaml line 3: unknown key 'filtr' in an entry");
    }

    @Test
    void shouldRefuseFiltersThatRunCodeOrUseUnknownOperators() {
        assertThat(problem("""
                - source: shop
                  collection: customers
                  filter: { $where: "this.a > 1" }
                """)).contains("line 3").contains("filter.$where: is not allowed in a filter");
        assertThat(problem("""
                - source: shop
                  collection: customers
                  filter: { a: { $gtt: 1 } }
                """)).contains("filter.a.$gtt: is not a MongoDB query operator");
        assertThat(problem("""
                - source: shop
                  collection: customers
                  filter: "{ a: "
                """)).contains("filter is not a MongoDB query document");
    }

    @Test
    void shouldRefuseBrokenYamlWithItsLine() {
        assertThat(problem("""
                - source: shop
                  collection: [customers
                - source: x
                """)).startsWith("routes/shop.sync.yaml line ").contains("not valid YAML");
    }

    @Test
    void shouldRefuseMissingKeysAndWeakOrUnknownKeys() {
        assertThat(problem("""
                - source: shop
                  collection: c
                  steps:
                    - mask-field: { fields: email, mode: hash }
                """)).contains("line 4").contains("needs a key");
        assertThat(problem("""
                - source: shop
                  collection: c
                  steps:
                    - mask-field: { fields: email, mode: hash, key: env:MISSING }
                """)).contains("key env:MISSING is not set");
        assertThat(problem("""
                - source: shop
                  collection: c
                  steps:
                    - mask-field: { fields: email, mode: scramble }
                """)).contains("mode 'scramble' is not one of redact, hash, encrypt");
    }

    @Test
    void shouldRefuseTouchingTheIdAndOtherMisuse() {
        assertThat(problem("""
                - source: shop
                  collection: c
                  steps:
                    - drop-field: { field: _id }
                """)).contains("_id cannot be dropped, renamed or masked");
        assertThat(problem("""
                - source: shop
                  collection: "*"
                  table: everything
                """)).contains("table can only be set for one collection");
        assertThat(problem("""
                - source: shop
                  collection: c
                  table: "Bad Name"
                """)).contains("must be a lower-case PostgreSQL name");
        assertThat(problem("""
                - source: shop
                  collection: c
                  steps:
                    - insert-field: { field: x, language: groovy, expression: "1" }
                """)).contains("unknown expression language 'groovy'");
        assertThat(problem("""
                - source: shop
                  collection: c
                  steps:
                    - to: { uri: direct:x, per: row }
                """)).contains("per must be document or batch");
        assertThat(problem("""
                - collection: c
                """)).contains("line 1: the entry needs 'source'");
    }

    @Test
    void shouldChangeTheFingerprintWhenStepsOrKeysChange() {
        String yaml = """
                - source: shop
                  collection: c
                  steps:
                    - mask-field: { fields: email, mode: hash, key: env:HASH }
                """;
        CollectionTransforms first = CollectionTransforms.merge(null, parse(yaml).get(0));
        CollectionTransforms same = CollectionTransforms.merge(null, parse(yaml).get(0));
        TransformFileParser otherKey = new TransformFileParser(ref -> "another-secret-of-enough-length",
                (l, e) -> d -> null);
        CollectionTransforms rekeyed = CollectionTransforms.merge(null, otherKey.parse("f", yaml).get(0));
        assertThat(first.fingerprint()).isEqualTo(same.fingerprint()).isNotEqualTo(rekeyed.fingerprint());
        assertThat(CollectionTransforms.NONE.fingerprint()).isNull();
    }

    @Test
    void shouldMergeSourceWideAndCollectionEntries() {
        List<TransformRule> rules = parse("""
                - source: shop
                  collection: "*"
                  filter: { deleted: { $ne: true } }
                  steps:
                    - drop-field: { field: audit }
                - source: shop
                  collection: orders
                  filter: { total: { $gt: 0 } }
                  steps:
                    - drop-field: { field: notes }
                """);
        CollectionTransforms merged = CollectionTransforms.merge(rules.get(0), rules.get(1));
        assertThat(merged.filter()).isEqualTo(BsonDocument.parse(
                "{$and: [{deleted: {$ne: true}}, {total: {$gt: 0}}]}"));
        assertThat(merged.describeSteps()).containsExactly("drop-field audit", "drop-field notes");
    }
}
