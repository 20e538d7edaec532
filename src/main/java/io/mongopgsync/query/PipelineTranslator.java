package io.mongopgsync.query;

import static io.mongopgsync.query.BsonSql.typeOf;

import io.mongopgsync.mapping.Identifiers;
import io.mongopgsync.mapping.ColumnType;
import io.mongopgsync.mapping.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * A MongoDB aggregation pipeline as one SQL statement over an imported table: each stage is a CTE reading the
 * previous one; documents are jsonb (relaxed Extended JSON, as in {@code _source_document}). While documents are
 * still the imported rows unchanged ($match, $sort, $skip, $limit), typed columns stand in for top-level fields
 * where that is exact, so the import's indexes serve filters. Sort order travels as key columns through later
 * stages. Every value is a bind parameter; every identifier comes from the registry and is quoted.
 */
public final class PipelineTranslator {

    /** The imported collections of the same source, for $lookup. */
    public interface Collections {
        Optional<ImportedCollection> imported(String collection);
    }

    /** A $lookup names a collection that has no completed import: the pipeline goes to MongoDB instead. */
    public static final class NotImportedException extends RuntimeException {
        private final String collection;

        public NotImportedException(String collection) {
            super("collection " + collection + " has no completed import");
            this.collection = collection;
        }

        public String collection() {
            return collection;
        }
    }

    /** A sort key column of the current rows: ascending puts null (missing) first, as MongoDB does. */
    record Order(String column, boolean desc) {
        Order reversed() {
            return new Order(column, !desc);
        }

        String sql(String alias) {
            return alias + "." + column + (desc ? " DESC NULLS LAST" : " ASC NULLS FIRST");
        }
    }

    /** The rows after a stage: which CTE, whether they are unchanged imported rows, their sort keys. */
    private record State(String relation, boolean raw, List<Order> order) {
        String doc() {
            return raw ? "p." + Identifiers.quote(TableSchema.SOURCE_DOCUMENT) : "p.\"#doc\"";
        }

        String passOrder() {
            StringBuilder out = new StringBuilder();
            for (Order o : order) {
                out.append(", p.").append(o.column());
            }
            return out.toString();
        }
    }

    private static final List<String> UNSUPPORTED_STAGES = List.of("$facet", "$bucket", "$bucketAuto", "$graphLookup",
            "$unionWith", "$sample", "$geoNear", "$redact", "$densify", "$fill", "$setWindowFields", "$collStats",
            "$indexStats", "$currentOp", "$listSessions", "$planCacheStats", "$search", "$changeStream", "$documents");

    /** A statement PostgreSQL still plans quickly; deeper nesting is refused rather than sent. */
    private static final int MAX_SQL_CHARS = 1_000_000;

    private final ImportedCollection collection;
    private final Sql sql = new Sql();
    private final ExpressionTranslator expressions = new ExpressionTranslator(sql);
    private final MatchTranslator match = new MatchTranslator(sql, expressions);
    private final ProjectionTranslator projection = new ProjectionTranslator(sql, expressions);
    private final GroupTranslator group = new GroupTranslator(sql, expressions);
    private final LookupUnwindTranslator arrays;
    private final List<String> ctes = new ArrayList<>();

    private PipelineTranslator(ImportedCollection collection, Collections others) {
        this.collection = collection;
        this.arrays = new LookupUnwindTranslator(sql, expressions, match, others);
    }

    /**
     * @param maxRows the row cap: the statement returns at most {@code maxRows + 1} rows, so the caller can tell
     *                whether rows were cut
     */
    public static TranslatedQuery translate(ImportedCollection collection, BsonArray pipeline, Collections others, int maxRows) {
        return new PipelineTranslator(collection, others).run(pipeline, maxRows);
    }

    private TranslatedQuery run(BsonArray pipeline, int maxRows) {
        State state = add("SELECT p.* FROM " + collection.qualifiedTable() + " AS p", true, List.of());
        for (int i = 0; i < pipeline.size(); i++) {
            String where = "pipeline[" + i + "]";
            BsonValue stage = pipeline.get(i);
            if (!stage.isDocument() || stage.asDocument().size() != 1) {
                throw PipelineException.malformed(where, "a stage must be a document with exactly one field, such as {$match: {...}}");
            }
            String name = stage.asDocument().getFirstKey();
            Optional<State> topN = name.equals("$sort") && i + 1 < pipeline.size()
                    ? topByIndex(stage.asDocument().get(name), pipeline.get(i + 1), state, where + "." + name,
                    "pipeline[" + (i + 1) + "].$limit")
                    : Optional.empty();
            state = topN.isPresent() ? topN.get() : stage(name, stage.asDocument().get(name), state, where + "." + name);
        }
        StringBuilder out = new StringBuilder("WITH ").append(String.join(", ", ctes))
                .append(" SELECT ").append(state.doc()).append("::text FROM ").append(state.relation()).append(" AS p");
        out.append(orderBy(state));
        out.append(" LIMIT ").append(sql.param((long) maxRows + 1, "bigint"));
        if (out.length() > MAX_SQL_CHARS) {
            throw PipelineException.unsupported("pipeline", "it translates into more than " + MAX_SQL_CHARS / 1_000_000
                    + " MB of SQL; split it or simplify its expressions");
        }
        return sql.finish(out.toString());
    }

    private State add(String select, boolean raw, List<Order> order) {
        String name = "\"#s" + ctes.size() + "\"";
        // inlined even when read twice: stages that must compute once are fenced themselves
        ctes.add(name + " AS NOT MATERIALIZED (" + select + ")");
        return new State(name, raw, order);
    }

    private static String orderBy(State state) {
        if (state.order().isEmpty()) {
            return "";
        }
        return " ORDER BY " + String.join(", ", state.order().stream().map(o -> o.sql("p")).toList());
    }

    private State stage(String name, BsonValue spec, State in, String where) {
        switch (name) {
            case "$match":
                return match(document(spec, where), in, where);
            case "$sort":
                return sort(document(spec, where), in, where);
            case "$limit":
                return add("SELECT p.* FROM " + in.relation() + " AS p" + orderBy(in) + " LIMIT "
                        + sql.param(count(spec, where, 1), "bigint"), in.raw(), in.order());
            case "$skip":
                return add("SELECT p.* FROM " + in.relation() + " AS p" + orderBy(in) + " OFFSET "
                        + sql.param(count(spec, where, 0), "bigint"), in.raw(), in.order());
            case "$project":
                return reshape(projection.project(document(spec, where), in.doc(), where), in);
            case "$addFields", "$set":
                return reshape(projection.addFields(document(spec, where), in.doc(), where), in);
            case "$unset":
                return reshape(projection.unset(unsetPaths(spec, where), in.doc()), in);
            case "$replaceRoot", "$replaceWith": {
                BsonValue root = spec;
                if (name.equals("$replaceRoot")) {
                    BsonDocument d = document(spec, where);
                    if (d.size() != 1 || !d.containsKey("newRoot")) {
                        throw PipelineException.malformed(where, "$replaceRoot takes {newRoot: <expression>}");
                    }
                    root = d.get("newRoot");
                }
                String value = expressions.expression(root, in.doc(), where);
                String alias = sql.alias("n");
                return reshape("(SELECT CASE WHEN " + typeOf(alias + ".x") + " = 'object' THEN " + alias + ".x ELSE "
                        + BsonSql.fail(alias + ".x", name + " needs a document as the new root") + " END FROM (SELECT "
                        + value + " AS x) AS " + alias + ")", in);
            }
            case "$group":
                return group(document(spec, where), in, where);
            case "$count":
                return countStage(spec, in, where);
            case "$sortByCount":
                return sortByCount(spec, in, where);
            case "$unwind":
                return unwind(spec, in, where);
            case "$lookup":
                return lookup(document(spec, where), in, where);
            case "$out", "$merge":
                throw new PipelineException(PipelineException.Kind.FORBIDDEN, where, name + " writes data; queries never write");
            default:
                if (UNSUPPORTED_STAGES.contains(name)) {
                    throw PipelineException.unsupported(where, "stage " + name + " is not supported");
                }
                if (name.startsWith("$")) {
                    throw PipelineException.unsupported(where, "stage " + name + " is not supported (or unknown)");
                }
                throw PipelineException.malformed(where, "'" + name + "' is not a stage; stage names start with '$'");
        }
    }

    private static BsonDocument document(BsonValue spec, String where) {
        if (!spec.isDocument()) {
            throw PipelineException.malformed(where, "must be a document");
        }
        return spec.asDocument();
    }

    private static long count(BsonValue spec, String where, long min) {
        if (!spec.isNumber() || spec.asNumber().doubleValue() != Math.floor(spec.asNumber().doubleValue())
                || spec.asNumber().longValue() < min) {
            throw PipelineException.malformed(where, "must be a whole number of at least " + min);
        }
        return spec.asNumber().longValue();
    }

    private State match(BsonDocument filter, State in, String where) {
        Scope scope = in.raw() ? new Scope(in.doc(), "p", collection) : Scope.document(in.doc());
        return add("SELECT p.* FROM " + in.relation() + " AS p WHERE " + match.filter(filter, scope, where), in.raw(), in.order());
    }

    private State reshape(String newDoc, State in) {
        // fenced: the new document is computed once per row, however often later stages read it
        return add("SELECT " + newDoc + " AS \"#doc\"" + in.passOrder() + " FROM " + in.relation() + " AS p "
                + ExpressionTranslator.FENCE, false, in.order());
    }

    private State sort(BsonDocument spec, State in, String where) {
        if (spec.isEmpty()) {
            throw PipelineException.malformed(where, "$sort needs at least one field");
        }
        int stage = ctes.size();
        List<String> values = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<Order> order = new ArrayList<>();
        boolean computed = false;
        int i = 0;
        for (Map.Entry<String, BsonValue> e : spec.entrySet()) {
            String at = where + "." + e.getKey();
            FieldPath path = FieldPath.parse(e.getKey(), at);
            BsonValue d = e.getValue();
            if (d.isDocument()) {
                throw PipelineException.unsupported(at, "$meta sort keys are not supported");
            }
            if (!d.isNumber() || (d.asNumber().intValue() != 1 && d.asNumber().intValue() != -1)
                    || d.asNumber().doubleValue() != d.asNumber().intValue()) {
                throw PipelineException.malformed(at, "sort direction must be 1 or -1");
            }
            boolean desc = d.asNumber().intValue() == -1;
            String v = "\"#v" + stage + "_" + i + "\"";
            String k = "\"#o" + stage + "_" + i;
            Optional<String> typed = in.raw() ? sortableColumn(path) : Optional.empty();
            if (typed.isPresent()) {
                values.add(typed.get() + " AS " + v);
                keys.add("q." + v + " AS " + k + "\"");
                order.add(new Order(k + "\"", desc));
            } else {
                computed = true;
                values.add(expressions.path(in.doc(), path) + " AS " + v);
                String x = "q." + v;
                String rank = BsonSql.rank(x, BsonSql.NULL);
                keys.add(rank + " AS " + k + "r\"");
                keys.add(BsonSql.numericKey(x, rank, "$sort") + " AS " + k + "n\"");
                keys.add(BsonSql.textKey(x, rank) + " AS " + k + "t\"");
                order.add(new Order(k + "r\"", desc));
                order.add(new Order(k + "n\"", desc));
                order.add(new Order(k + "t\"", desc));
            }
            i++;
        }
        // typed keys stay plain columns (so an index can serve the order); computed ones are fenced (computed once)
        return add("SELECT q.*, " + String.join(", ", keys) + " FROM (SELECT p.*, " + String.join(", ", values) + " FROM "
                + in.relation() + " AS p" + (computed ? " " + ExpressionTranslator.FENCE : "") + ") AS q", in.raw(), order);
    }

    /**
     * {@code $sort} on one typed column followed by {@code $limit n}, on unchanged rows: MongoDB puts null and missing
     * first ascending and last descending, an order a default btree index cannot return. The first n rows with a
     * value (in index order) and n rows without one, joined, hold the first n in MongoDB's order; the $limit that
     * follows picks them. Both halves are index scans.
     */
    private Optional<State> topByIndex(BsonValue sortSpec, BsonValue next, State in, String where, String limitWhere) {
        if (!in.raw() || !sortSpec.isDocument() || sortSpec.asDocument().size() != 1 || !next.isDocument()
                || next.asDocument().size() != 1 || !next.asDocument().containsKey("$limit")) {
            return Optional.empty();
        }
        String key = sortSpec.asDocument().getFirstKey();
        BsonValue direction = sortSpec.asDocument().get(key);
        if (!direction.isNumber() || Math.abs(direction.asNumber().doubleValue()) != 1 || key.isEmpty()
                || key.contains(".") || key.startsWith("$")) {
            return Optional.empty();
        }
        Optional<String> column = sortableColumn(FieldPath.parse(key, where + "." + key));
        if (column.isEmpty() || column.get().contains("COLLATE")) {
            return Optional.empty();
        }
        long n = count(next.asDocument().get("$limit"), limitWhere, 1);
        boolean desc = direction.asNumber().intValue() == -1;
        String col = column.get();
        String k = "\"#o" + ctes.size() + "_0\"";
        String limit = sql.param(n, "bigint");
        String values = "(SELECT p.*, " + col + " AS " + k + " FROM " + in.relation() + " AS p WHERE " + col
                + " IS NOT NULL ORDER BY " + col + (desc ? " DESC" : " ASC") + " LIMIT " + limit + ")";
        String nulls = "(SELECT p.*, " + col + " AS " + k + " FROM " + in.relation() + " AS p WHERE " + col + " IS NULL LIMIT "
                + limit + ")";
        return Optional.of(add("SELECT u.* FROM (" + values + " UNION ALL " + nulls + ") AS u", true,
                List.of(new Order(k, desc))));
    }

    /** A typed column whose SQL order is MongoDB's order for every value the field has had. */
    private Optional<String> sortableColumn(FieldPath path) {
        if (!path.isTopLevel()) {
            return Optional.empty();
        }
        Optional<ImportedCollection.Kind> kind = collection.kind(path.first());
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        TableSchema.Column c = collection.column(path.first()).orElseThrow();
        String col = "p." + Identifiers.quote(c.name());
        return switch (kind.get()) {
            // NUMERIC columns may hold NaN, which PostgreSQL sorts above every number and MongoDB below
            case NUMBER -> c.type() == ColumnType.NUMERIC ? Optional.empty() : Optional.of(col);
            case STRING, OBJECT_ID -> Optional.of(col + " COLLATE \"C\"");
            case BOOLEAN, DATE -> Optional.of(col);
        };
    }

    private static List<FieldPath> unsetPaths(BsonValue spec, String where) {
        List<BsonValue> items = spec.isArray() ? spec.asArray().getValues() : List.of(spec);
        if (items.isEmpty()) {
            throw PipelineException.malformed(where, "$unset needs at least one field");
        }
        List<FieldPath> paths = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (!items.get(i).isString()) {
                throw PipelineException.malformed(spec.isArray() ? where + "[" + i + "]" : where, "must be a field path string");
            }
            paths.add(FieldPath.parse(items.get(i).asString().getValue(), where));
        }
        return paths;
    }

    private State group(BsonDocument spec, State in, String where) {
        GroupTranslator.Parts parts = group.translate(spec, in.doc(), in.order(), "g", where);
        return add("SELECT " + parts.output() + " AS \"#doc\" FROM (SELECT " + String.join(", ", parts.inner())
                + in.passOrder() + " FROM " + in.relation() + " AS p " + ExpressionTranslator.FENCE + ") AS g GROUP BY g.\"#k\"",
                false, List.of());
    }

    private State countStage(BsonValue spec, State in, String where) {
        String name = LookupUnwindTranslator.outputName(spec, where, "$count");
        return add("SELECT jsonb_build_object(" + sql.text(name) + ", count(*)) AS \"#doc\" FROM " + in.relation()
                + " AS p HAVING count(*) > 0", false, List.of());
    }

    private State sortByCount(BsonValue spec, State in, String where) {
        if (!(spec.isString() && spec.asString().getValue().startsWith("$")) && !(spec.isDocument()
                && spec.asDocument().size() == 1 && spec.asDocument().getFirstKey().startsWith("$"))) {
            throw PipelineException.malformed(where, "$sortByCount needs a field path (\"$field\") or an operator expression");
        }
        String key = expressions.expression(spec, in.doc(), where);
        String count = "\"#o" + ctes.size() + "\"";
        return add("SELECT jsonb_build_object('_id', (array_agg(g.\"#id\"))[1], 'count', count(*)) AS \"#doc\", count(*) AS "
                + count + " FROM (SELECT " + GroupTranslator.groupKey(key) + " AS \"#k\", COALESCE(" + key
                + ", 'null'::jsonb) AS \"#id\" FROM " + in.relation() + " AS p "
                + ExpressionTranslator.FENCE + ") AS g GROUP BY g.\"#k\"",
                false, List.of(new Order(count, true)));
    }

    private State unwind(BsonValue spec, State in, String where) {
        String u = "\"#u" + ctes.size() + "\"";
        LookupUnwindTranslator.Unwound unwound = arrays.unwind(spec, in.doc(), where);
        List<Order> order = new ArrayList<>(in.order());
        order.add(new Order(u, false));
        return add("SELECT " + unwound.newDoc() + " AS \"#doc\"" + in.passOrder() + ", u.i AS " + u + " FROM "
                + in.relation() + " AS p CROSS JOIN LATERAL (" + unwound.lateral() + ") AS u " + ExpressionTranslator.FENCE,
                false, order);
    }

    private State lookup(BsonDocument spec, State in, String where) {
        return reshape(arrays.lookup(spec, in.doc(), where), in);
    }
}
