package io.mongopgsync.query;

import static io.mongopgsync.query.BsonSql.isNullOrMissing;
import static io.mongopgsync.query.BsonSql.isNumber;
import static io.mongopgsync.query.BsonSql.num;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * {@code $group}: one output document per distinct {@code _id} (numerically equal numbers and null/missing group
 * together, as in MongoDB) with accumulators that follow MongoDB's rules: {@code $sum}/{@code $avg} skip
 * non-numbers, {@code $min}/{@code $max} use the BSON type order and skip null, {@code $first}/{@code $last}/
 * {@code $push} follow the order of a preceding {@code $sort}.
 */
final class GroupTranslator {

    /** The inner SELECT list and the outer aggregate expressions of a $group. */
    record Parts(List<String> inner, String output) {
    }

    private final Sql sql;
    private final ExpressionTranslator expressions;

    GroupTranslator(Sql sql, ExpressionTranslator expressions) {
        this.sql = sql;
        this.expressions = expressions;
    }

    /**
     * @param doc   the document expression of the input rows
     * @param order the input's sort columns ("g"."#o1" ASC ...), for $first, $last and $push
     * @param g     the alias of the inner query in the outer one
     */
    Parts translate(BsonDocument spec, String doc, List<PipelineTranslator.Order> order, String g, String where) {
        if (!spec.containsKey("_id")) {
            throw PipelineException.malformed(where + "._id", "$group needs an _id (null for one group)");
        }
        List<String> inner = new ArrayList<>();
        String id = expressions.expression(spec.get("_id"), doc, where + "._id");
        inner.add(groupKey(id) + " AS \"#k\"");
        inner.add("COALESCE(" + id + ", 'null'::jsonb) AS \"#id\"");
        List<String> out = new ArrayList<>();
        // the _id shown is the first value of the group (1 or 1.0m), as in MongoDB
        out.add("jsonb_build_object('_id', (array_agg(" + g + ".\"#id\"))[1])");
        int n = 0;
        for (Map.Entry<String, BsonValue> e : spec.entrySet()) {
            String name = e.getKey();
            if (name.equals("_id")) {
                continue;
            }
            String at = where + "." + name;
            if (name.startsWith("$") || name.contains(".") || name.isEmpty()) {
                throw PipelineException.malformed(at, "an output field name must not be empty, start with '$' or contain '.'");
            }
            BsonValue acc = e.getValue();
            if (!acc.isDocument() || acc.asDocument().size() != 1 || !acc.asDocument().getFirstKey().startsWith("$")) {
                throw PipelineException.malformed(at, "must be an accumulator such as {$sum: ...}");
            }
            String op = acc.asDocument().getFirstKey();
            BsonValue arg = acc.asDocument().get(op);
            String column = "\"#a" + n + "\"";
            String a = g + "." + column;
            String atOp = at + "." + op;
            String value = switch (op) {
                case "$sum" -> BsonSql.numberJson("COALESCE(sum(" + num(a) + ") FILTER (WHERE " + isNumber(a) + "), 0)",
                        "COALESCE(bool_or(" + BsonSql.isDecimal(a) + "), false)");
                case "$avg" -> "COALESCE(CASE WHEN bool_or(" + BsonSql.isDecimal(a) + ") THEN jsonb_build_object('$numberDecimal', "
                        + "(avg(" + num(a) + ") FILTER (WHERE " + isNumber(a) + "))::text) ELSE to_jsonb(CAST(avg(" + num(a)
                        + ") FILTER (WHERE " + isNumber(a) + ") AS double precision)) END, 'null'::jsonb)";
                case "$min", "$max" -> {
                    String dir = op.equals("$min") ? "ASC" : "DESC";
                    String rank = BsonSql.rank(a, BsonSql.NULL);
                    yield "COALESCE((array_agg(" + a + " ORDER BY " + rank + " " + dir + ", "
                            + BsonSql.numericKey(a, rank, op) + " " + dir + ", " + BsonSql.textKey(a, rank) + " " + dir
                            + ") FILTER (WHERE NOT " + isNullOrMissing(a) + "))[1], 'null'::jsonb)";
                }
                case "$first", "$last" -> "COALESCE((array_agg(" + a + orderBy(order, op.equals("$last"), g) + "))[1], 'null'::jsonb)";
                case "$push" -> "COALESCE(jsonb_agg(" + a + orderBy(order, false, g) + ") FILTER (WHERE " + a
                        + " IS NOT NULL), '[]'::jsonb)";
                case "$addToSet" -> "COALESCE(jsonb_agg(DISTINCT " + a + ") FILTER (WHERE " + a + " IS NOT NULL), '[]'::jsonb)";
                case "$count" -> {
                    if (!arg.isDocument() || !arg.asDocument().isEmpty()) {
                        throw PipelineException.malformed(atOp, "$count takes {}");
                    }
                    yield "to_jsonb(count(*))";
                }
                case "$accumulator", "$function" -> throw PipelineException.unsupported(atOp, op + " (server-side JavaScript) is never run");
                default -> throw PipelineException.unsupported(atOp, "accumulator " + op + " is not supported");
            };
            String argument = op.equals("$count") ? "CAST(NULL AS jsonb)" : expressions.expression(arg, doc, atOp);
            inner.add(argument + " AS " + column);
            out.add("jsonb_build_object(" + sql.text(name) + ", " + value + ")");
            n++;
        }
        return new Parts(inner, String.join(" || ", out));
    }

    /**
     * The grouping key: null and missing alike, and a finite decimal as its plain number, so that numerically equal
     * values of different numeric types fall into one group (jsonb already equates 1 and 1.0).
     */
    static String groupKey(String value) {
        if (ExpressionTranslator.isSimple(value)) {
            return "(CASE WHEN " + value + " IS NULL THEN 'null'::jsonb WHEN " + BsonSql.isDecimal(value) + " AND abs("
                    + num(value) + ") < 'Infinity' THEN to_jsonb(" + num(value) + ") ELSE " + value + " END)";
        }
        return "(SELECT CASE WHEN k.x IS NULL THEN 'null'::jsonb WHEN " + BsonSql.isDecimal("k.x") + " AND abs(" + num("k.x")
                + ") < 'Infinity' THEN to_jsonb(" + num("k.x") + ") ELSE k.x END FROM (SELECT " + value + " AS x "
                + ExpressionTranslator.FENCE + ") AS k)";
    }

    private static String orderBy(List<PipelineTranslator.Order> order, boolean reversed, String g) {
        if (order.isEmpty()) {
            return "";
        }
        List<String> keys = new ArrayList<>();
        for (PipelineTranslator.Order o : order) {
            keys.add((reversed ? o.reversed() : o).sql(g));
        }
        return " ORDER BY " + String.join(", ", keys);
    }
}
