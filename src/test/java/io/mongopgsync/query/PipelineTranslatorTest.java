package io.mongopgsync.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mongopgsync.mapping.ColumnType;
import io.mongopgsync.mapping.TableSchema;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.bson.BsonArray;
import org.junit.jupiter.api.Test;

/** The translator without servers: the SQL's shape, its parameters, and what it refuses. */
class PipelineTranslatorTest {

    private static final ImportedCollection ORDERS = ImportedCollection.of("orders", "dra_mongodb", "orders", List.of(
            new TableSchema.Column("status", "status", ColumnType.TEXT, Set.of("string")),
            new TableSchema.Column("qty", "qty", ColumnType.INTEGER, Set.of("int", "null")),
            new TableSchema.Column("price", "price", ColumnType.NUMERIC, Set.of("int", "double")),
            new TableSchema.Column("rating", "rating", ColumnType.TEXT, Set.of("int", "string")),
            new TableSchema.Column("Total Amount", "total_amount", ColumnType.NUMERIC, Set.of("decimal")),
            new TableSchema.Column("at", "at", ColumnType.TIMESTAMPTZ, Set.of("date"))));

    private static TranslatedQuery translate(String pipeline) {
        return PipelineTranslator.translate(ORDERS, BsonArray.parse(pipeline), c -> Optional.empty(), 100);
    }

    private static PipelineException refusal(String pipeline) {
        try {
            translate(pipeline);
        } catch (PipelineException e) {
            return e;
        }
        throw new AssertionError("not refused: " + pipeline);
    }

    @Test
    void shouldBindEveryValueAndQuoteEveryIdentifier() {
        TranslatedQuery q = translate("[{$match: {status: \"x'; DROP TABLE t; --\", qty: {$gt: 5}}}, {$limit: 3}]");
        assertThat(q.sql()).doesNotContain("DROP TABLE").contains("\"dra_mongodb\".\"orders\"").contains("p.\"status\"");
        assertThat(q.params()).contains("x'; DROP TABLE t; --", 5L, 3L, 101L);
        assertThat(q.sql().chars().filter(ch -> ch == '?').count()).isEqualTo(q.params().size());
    }

    @Test
    void shouldUseATypedColumnOnlyWhenItHoldsEveryValueExactly() {
        // qty held only ints: its integer column (and its index) answers; rating held ints and strings: the document does
        String typed = translate("[{$match: {qty: 5}}]").sql();
        assertThat(typed).contains("(p.\"qty\" = CAST(? AS bigint) AND p.\"qty\" IS NOT NULL)");
        String mixed = translate("[{$match: {rating: 5}}]").sql();
        assertThat(mixed).doesNotContain("p.\"rating\"").contains("p.\"_source_document\" -> CAST(? AS text)");
        // a field renamed by sanitising is read from its column by field name
        assertThat(translate("[{$match: {'Total Amount': {$gt: 10}}}]").sql()).contains("p.\"total_amount\" > ");
    }

    @Test
    void shouldAnswerFalseWhenTheConstantHasAnotherTypeThanATypedColumn() {
        TranslatedQuery q = translate("[{$match: {qty: '5'}}]");
        assertThat(q.sql()).contains("WHERE (false)");
    }

    @Test
    void shouldNegateTypedComparisonsExactlySoThatMissingValuesMatchNe() {
        // NOT (NULL = 5) would be NULL and drop documents without qty; MongoDB's $ne keeps them
        String sql = translate("[{$match: {qty: {$ne: 5}}}]").sql();
        assertThat(sql).contains("(NOT (p.\"qty\" = CAST(? AS bigint) AND p.\"qty\" IS NOT NULL))");
    }

    @Test
    void shouldGroupNumericallyEqualValuesOfDifferentTypesTogether() {
        String sql = translate("[{$group: {_id: '$price', n: {$sum: 1}}}]").sql();
        assertThat(sql).contains("->'$numberDecimal' IS NOT NULL").contains("GROUP BY g.\"#k\"");
    }

    @Test
    void shouldMatchMissingFieldsWithNull() {
        assertThat(translate("[{$match: {qty: null}}]").sql()).contains("(p.\"qty\" IS NULL)");
        assertThat(translate("[{$match: {'a.b': null}}]").sql()).contains("IS NULL OR jsonb_typeof(");
    }

    @Test
    void shouldCarryTheSortOrderThroughLaterStages() {
        String sql = translate("[{$sort: {qty: -1}}, {$project: {qty: 1}}]").sql();
        assertThat(sql).contains("p.\"qty\" AS \"#v1_0\"").endsWith("ORDER BY p.\"#o1_0\" DESC NULLS LAST LIMIT CAST(? AS bigint)");
    }

    @Test
    void shouldNameTheUnsupportedStage() {
        PipelineException e = refusal("[{$match: {}}, {$bucket: {groupBy: '$qty', boundaries: [0, 10]}}]");
        assertThat(e.kind()).isEqualTo(PipelineException.Kind.UNSUPPORTED);
        assertThat(e.where()).isEqualTo("pipeline[1].$bucket");
        assertThat(e.getMessage()).contains("$bucket");
    }

    @Test
    void shouldNameTheUnsupportedOperatorAndWhereItIs() {
        PipelineException e = refusal("[{$group: {_id: null, s: {$stdDevPop: '$qty'}}}]");
        assertThat(e.where()).isEqualTo("pipeline[0].$group.s.$stdDevPop");
        assertThat(refusal("[{$project: {x: {$round: ['$price', 1]}}}]").getMessage()).contains("$round");
        assertThat(refusal("[{$match: {qty: {$bitsAllSet: 1}}}]").where()).isEqualTo("pipeline[0].$match.qty.$bitsAllSet");
    }

    @Test
    void shouldSayWhereAPipelineIsMalformed() {
        PipelineException e = refusal("[{$match: {}}, {$group: {n: {$sum: 1}}}]");
        assertThat(e.kind()).isEqualTo(PipelineException.Kind.MALFORMED);
        assertThat(e.where()).isEqualTo("pipeline[1].$group._id");
        assertThat(refusal("[{$limit: -1}]").where()).isEqualTo("pipeline[0].$limit");
        assertThat(refusal("[{$sort: {qty: 2}}]").where()).isEqualTo("pipeline[0].$sort.qty");
        assertThat(refusal("[{$project: {a: 1, b: 0}}]").getMessage()).contains("cannot mix inclusion and exclusion");
        assertThat(refusal("[{$match: {$or: []}}]").where()).isEqualTo("pipeline[0].$match.$or");
        assertThat(refusal("[{match: {}}]").getMessage()).contains("stage names start with '$'");
    }

    @Test
    void shouldRefuseWritesAndJavaScript() {
        assertThat(refusal("[{$out: 'x'}]").kind()).isEqualTo(PipelineException.Kind.FORBIDDEN);
        assertThat(refusal("[{$merge: {into: 'x'}}]").kind()).isEqualTo(PipelineException.Kind.FORBIDDEN);
        assertThat(refusal("[{$match: {$where: 'true'}}]").getMessage()).contains("$where");
        assertThat(refusal("[{$group: {_id: null, x: {$accumulator: {}}}}]").getMessage()).contains("$accumulator");
    }

    @Test
    void shouldRefusePositionalPathsAndUnknownVariables() {
        assertThat(refusal("[{$match: {'items.0.sku': 'a'}}]").getMessage()).contains("positional");
        assertThat(refusal("[{$project: {x: '$$NOW'}}]").getMessage()).contains("$$NOW");
    }

    @Test
    void shouldRefuseTypeTestsTheImportCannotTell() {
        // relaxed Extended JSON writes int, long and double alike; only the registry can tell, for a top-level field
        assertThat(translate("[{$match: {qty: {$type: 'int'}}}]").sql()).contains("jsonb_typeof");
        assertThat(refusal("[{$match: {price: {$type: 'double'}}}]").getMessage()).contains("$type 'double'");
        assertThat(refusal("[{$match: {'a.b': {$type: 'long'}}}]").getMessage()).contains("$type 'long'");
    }

    @Test
    void shouldTurnALookupOfACollectionWithoutImportIntoAFallback() {
        assertThatThrownBy(() -> translate("[{$lookup: {from: 'customers', localField: 'c', foreignField: '_id', as: 'c'}}]"))
                .isInstanceOf(PipelineTranslator.NotImportedException.class);
        assertThat(refusal("[{$lookup: {from: 'customers', pipeline: [], as: 'c'}}]").getMessage()).contains("pipeline");
    }

    @Test
    void shouldCapRowsWithOneMoreThanTheLimitToTellTruncation() {
        TranslatedQuery q = PipelineTranslator.translate(ORDERS, BsonArray.parse("[]"), c -> Optional.empty(), 10);
        assertThat(q.params()).containsExactly(11L);
        assertThat(q.sql()).endsWith("LIMIT CAST(? AS bigint)");
    }
}
