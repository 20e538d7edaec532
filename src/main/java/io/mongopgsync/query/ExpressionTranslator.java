package io.mongopgsync.query;

import static io.mongopgsync.query.BsonSql.isNullOrMissing;
import static io.mongopgsync.query.BsonSql.typeOf;

import io.mongopgsync.mapping.ExtendedJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Aggregation expressions ({@code "$field"}, literals, operators) as SQL expressions of type jsonb; SQL NULL is a
 * missing value. Values an operator cannot take (a string in {@code $add}) raise an error when met, as MongoDB
 * does, instead of producing an answer MongoDB would not give.
 */
final class ExpressionTranslator {

    /**
     * Keeps PostgreSQL from pulling a sub-select up into its parent: without it, a value used several times would be
     * copied into each use (and copies nest), instead of being computed once per row.
     */
    static final String FENCE = "OFFSET 0";

    /**
     * A value cheap enough to repeat: a column, or a field of one ({@code p."#doc" -> ?}). Anything with a sub-select
     * (constants included, see {@link #literal}) is computed once through a fenced sub-select instead.
     */
    static boolean isSimple(String value) {
        return value.length() < 200 && !value.contains("SELECT") && !value.contains("CASE");
    }

    private final Sql sql;
    private final DateExpressions dates;

    ExpressionTranslator(Sql sql) {
        this.sql = sql;
        this.dates = new DateExpressions(this, sql);
    }

    String expression(BsonValue e, String doc, String where) {
        switch (e.getBsonType()) {
            case STRING -> {
                String s = e.asString().getValue();
                if (s.startsWith("$$")) {
                    return variable(s, doc, where);
                }
                if (s.startsWith("$")) {
                    return path(doc, FieldPath.parse(s.substring(1), where));
                }
                return literal(e);
            }
            case DOCUMENT -> {
                BsonDocument d = e.asDocument();
                if (d.size() == 1 && d.getFirstKey().startsWith("$")) {
                    return operator(d.getFirstKey(), d.get(d.getFirstKey()), doc, where + "." + d.getFirstKey());
                }
                return object(d, doc, where);
            }
            case ARRAY -> {
                BsonArray a = e.asArray();
                List<String> items = new ArrayList<>();
                for (int i = 0; i < a.size(); i++) {
                    items.add("COALESCE(" + expression(a.get(i), doc, where + "[" + i + "]") + ", 'null'::jsonb)");
                }
                return "jsonb_build_array(" + String.join(", ", items) + ")";
            }
            default -> {
                return literal(e);
            }
        }
    }

    /**
     * A constant. It is read through a sub-select so that PostgreSQL does not fold expressions over it at planning
     * time: a branch of a CASE that is never taken (a numeric cast of a string constant) must not be evaluated.
     */
    String literal(BsonValue e) {
        return "(SELECT " + sql.jsonb(ExtendedJson.relaxedValue(e)) + ")";
    }

    private String variable(String s, String doc, String where) {
        String name = s.substring(2);
        int dot = name.indexOf('.');
        String var = dot < 0 ? name : name.substring(0, dot);
        if (var.equals("ROOT") || var.equals("CURRENT")) {
            return dot < 0 ? doc : path(doc, FieldPath.parse(name.substring(dot + 1), where));
        }
        if (var.equals("REMOVE") && dot < 0) {
            return "CAST(NULL AS jsonb)";
        }
        throw PipelineException.unsupported(where, "variable $$" + var + " is not supported");
    }

    /** An object literal: fields whose value is missing are left out, as MongoDB does. */
    String object(BsonDocument d, String doc, String where) {
        if (d.isEmpty()) {
            return "'{}'::jsonb";
        }
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, BsonValue> f : d.entrySet()) {
            String key = f.getKey();
            if (key.startsWith("$") || key.contains(".") || key.isEmpty()) {
                throw PipelineException.malformed(where + "." + key, "field names in an expression object must not be "
                        + "empty, start with '$' or contain '.'");
            }
            parts.add(field(key, expression(f.getValue(), doc, where + "." + key)));
        }
        return "(" + String.join(" || ", parts) + ")";
    }

    /** {key: value} or, when value is missing, an empty object. */
    String field(String key, String value) {
        String k = sql.text(key);
        if (isSimple(value)) {
            return "(CASE WHEN " + value + " IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(" + k + ", " + value + ") END)";
        }
        return "(SELECT CASE WHEN v.x IS NULL THEN '{}'::jsonb ELSE jsonb_build_object(" + k + ", v.x) END FROM (SELECT "
                + value + " AS x " + FENCE + ") AS v)";
    }

    /**
     * The value at a path with aggregation semantics: through an array, the values of the elements' fields
     * (elements without the field left out).
     */
    String path(String doc, FieldPath p) {
        String v = doc + " -> " + sql.text(p.first());
        for (String key : p.rest()) {
            String k = sql.text(key);
            String e = sql.alias("p");
            v = let(List.of(v), c -> {
                String x = c.get(0);
                return "CASE " + typeOf(x) + " WHEN 'object' THEN " + x + " -> " + k + " WHEN 'array' THEN (SELECT CASE WHEN bool_or("
                        + typeOf(e + ".x") + " = 'array') THEN " + BsonSql.fail(x, "field paths through nested arrays are not supported")
                        + " ELSE COALESCE(jsonb_agg(" + e + ".x -> " + k + " ORDER BY " + e + ".i) FILTER (WHERE " + typeOf(e + ".x")
                        + " = 'object' AND " + e + ".x -> " + k + " IS NOT NULL), '[]'::jsonb) END FROM jsonb_array_elements(" + x
                        + ") WITH ORDINALITY AS " + e + "(x, i)) END";
            });
        }
        return v;
    }

    private List<BsonValue> args(BsonValue v) {
        return v.isArray() ? v.asArray().getValues() : List.of(v);
    }

    private List<String> args(BsonValue v, String doc, String where, int min, int max, String op) {
        List<BsonValue> raw = args(v);
        if (raw.size() < min || raw.size() > max) {
            throw PipelineException.malformed(where, op + " takes " + (min == max ? String.valueOf(min)
                    : max == Integer.MAX_VALUE ? "at least " + min : min + " to " + max) + " argument" + (max == 1 ? "" : "s")
                    + ", got " + raw.size());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            out.add(expression(raw.get(i), doc, v.isArray() ? where + "[" + i + "]" : where));
        }
        return out;
    }

    /**
     * Evaluates {@code values} once and gives {@code body} their column names: keeps the SQL small when a value is
     * used several times.
     */
    String let(List<String> values, Function<List<String>, String> body) {
        if (values.stream().allMatch(ExpressionTranslator::isSimple)) {
            return "(" + body.apply(values) + ")";
        }
        String alias = sql.alias("l");
        List<String> columns = new ArrayList<>();
        List<String> select = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            columns.add(alias + ".v" + i);
            select.add(values.get(i) + " AS v" + i);
        }
        return "(SELECT " + body.apply(columns) + " FROM (SELECT " + String.join(", ", select) + " " + FENCE + ") AS " + alias + ")";
    }

    private String operator(String op, BsonValue v, String doc, String where) {
        switch (op) {
            case "$literal":
                return literal(v);
            case "$add", "$multiply": {
                List<String> a = args(v, doc, where, 0, Integer.MAX_VALUE, op);
                if (a.isEmpty()) {
                    return op.equals("$add") ? "'0'::jsonb" : "'1'::jsonb";
                }
                return arithmetic(a, op, nums -> String.join(op.equals("$add") ? " + " : " * ", nums));
            }
            case "$subtract":
                return arithmetic(args(v, doc, where, 2, 2, op), op, n -> n.get(0) + " - " + n.get(1));
            case "$mod":
                return arithmetic(args(v, doc, where, 2, 2, op), op, n -> "mod(" + n.get(0) + ", " + n.get(1) + ")");
            case "$divide":
                return let(args(v, doc, where, 2, 2, op), c -> {
                    String a = numeric(c.get(0), op);
                    String b = numeric(c.get(1), op);
                    return "COALESCE(CASE WHEN " + BsonSql.isDecimal(c.get(0)) + " OR " + BsonSql.isDecimal(c.get(1))
                            + " THEN jsonb_build_object('$numberDecimal', (" + a + " / " + b + ")::text) ELSE to_jsonb(CAST("
                            + a + " AS double precision) / CAST(" + b + " AS double precision)) END, 'null'::jsonb)";
                });
            case "$abs", "$ceil", "$floor": {
                String fn = op.substring(1);
                return arithmetic(args(v, doc, where, 1, 1, op), op, n -> fn + "(" + n.get(0) + ")");
            }
            case "$concat":
                return let(args(v, doc, where, 0, Integer.MAX_VALUE, op), c -> {
                    List<String> texts = c.stream().map(x -> text(x, op)).toList();
                    return texts.isEmpty() ? "to_jsonb(''::text)"
                            : "COALESCE(to_jsonb(" + String.join(" || ", texts) + "), 'null'::jsonb)";
                });
            case "$toUpper", "$toLower": {
                String fn = op.equals("$toUpper") ? "upper" : "lower";
                // MongoDB changes the case of ASCII letters only, as the C collation does
                return let(args(v, doc, where, 1, 1, op), c -> "to_jsonb(" + fn + "(COALESCE(" + text(c.get(0), op)
                        + ", '') COLLATE \"C\"))");
            }
            case "$strLenCP":
                return let(args(v, doc, where, 1, 1, op), c -> "to_jsonb(length(CASE WHEN " + BsonSql.isString(c.get(0))
                        + " THEN " + BsonSql.stringValue(c.get(0)) + " ELSE " + failText(c.get(0), op + " needs a string") + " END))");
            case "$substrCP":
                return let(args(v, doc, where, 3, 3, op), c -> "to_jsonb(substr(COALESCE(" + text(c.get(0), op) + ", ''), "
                        + index(c.get(1), op) + " + 1, " + index(c.get(2), op) + "))");
            case "$dateToString":
                return dates.dateToString(v, doc, where);
            case "$cond":
                return cond(v, doc, where);
            case "$ifNull": {
                List<String> a = args(v, doc, where, 2, Integer.MAX_VALUE, op);
                String result = a.get(a.size() - 1);
                for (int i = a.size() - 2; i >= 0; i--) {
                    String candidate = a.get(i);
                    String next = result;
                    result = let(List.of(candidate), c -> "CASE WHEN " + isNullOrMissing(c.get(0)) + " THEN " + next
                            + " ELSE " + c.get(0) + " END");
                }
                return result;
            }
            case "$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$cmp": {
                List<String> a = args(v, doc, where, 2, 2, op);
                String test = switch (op) {
                    case "$eq" -> " = 0";
                    case "$ne" -> " <> 0";
                    case "$gt" -> " > 0";
                    case "$gte" -> " >= 0";
                    case "$lt" -> " < 0";
                    case "$lte" -> " <= 0";
                    default -> "";
                };
                return let(a, c -> "to_jsonb(" + compare(c.get(0), c.get(1), "comparison") + test + ")");
            }
            case "$and", "$or": {
                List<String> a = args(v, doc, where, 0, Integer.MAX_VALUE, op);
                if (a.isEmpty()) {
                    return op.equals("$and") ? "'true'::jsonb" : "'false'::jsonb";
                }
                return "to_jsonb(" + String.join(op.equals("$and") ? " AND " : " OR ", a.stream().map(BsonSql::truthy).toList()) + ")";
            }
            case "$not":
                return "to_jsonb(NOT " + BsonSql.truthy(args(v, doc, where, 1, 1, op).get(0)) + ")";
            case "$in":
                return let(args(v, doc, where, 2, 2, op), c -> {
                    String e = sql.alias("i");
                    return "to_jsonb(CASE WHEN " + typeOf(c.get(1)) + " = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements("
                            + c.get(1) + ") AS " + e + "(x) WHERE " + compare(c.get(0), e + ".x", "$in") + " = 0) ELSE "
                            + BsonSql.failBoolean(c.get(1), "$in needs an array") + " END)";
                });
            case "$size":
                return let(args(v, doc, where, 1, 1, op), c -> "to_jsonb(CASE WHEN " + typeOf(c.get(0)) + " = 'array' THEN "
                        + "jsonb_array_length(" + c.get(0) + ") ELSE CAST(" + failText(c.get(0), "$size needs an array")
                        + " AS int) END)");
            case "$isArray":
                return let(args(v, doc, where, 1, 1, op), c -> "to_jsonb(COALESCE(" + typeOf(c.get(0)) + " = 'array', false))");
            case "$function", "$accumulator":
                throw PipelineException.unsupported(where, op + " (server-side JavaScript) is never run");
            default:
                if (DateExpressions.isDatePart(op)) {
                    return dates.datePart(op, v, doc, where);
                }
                throw PipelineException.unsupported(where, "expression operator " + op + " is not supported");
        }
    }

    /** A number argument: NULL for null or missing, an error for anything else. */
    private String numeric(String x, String op) {
        return "(CASE WHEN " + isNullOrMissing(x) + " THEN NULL WHEN " + BsonSql.isNumber(x) + " THEN " + BsonSql.num(x)
                + " ELSE " + BsonSql.failNumeric(x, op + " only supports numeric types") + " END)";
    }

    private String arithmetic(List<String> operands, String op, Function<List<String>, String> combine) {
        return let(operands, c -> {
            List<String> nums = c.stream().map(x -> numeric(x, op)).toList();
            String decimal = String.join(" OR ", c.stream().map(BsonSql::isDecimal).toList());
            return "COALESCE(" + BsonSql.numberJson(combine.apply(nums), decimal) + ", 'null'::jsonb)";
        });
    }

    private String text(String x, String op) {
        return "(CASE WHEN " + isNullOrMissing(x) + " THEN NULL WHEN " + BsonSql.isString(x) + " THEN "
                + BsonSql.stringValue(x) + " ELSE " + failText(x, op + " only supports strings") + " END)";
    }

    String failText(String x, String message) {
        return "(" + BsonSql.fail(x, message) + " #>> '{}')";
    }

    private String index(String x, String op) {
        return "(CASE WHEN " + BsonSql.isNumber(x) + " AND " + BsonSql.num(x) + " >= 0 THEN CAST(" + BsonSql.num(x)
                + " AS int) ELSE CAST(" + failText(x, op + " needs non-negative whole numbers") + " AS int) END)";
    }

    /**
     * -1, 0 or 1 as MongoDB orders the two values (BSON type order first, missing below null). Documents, arrays and
     * the rarer types compare only for equality; ordering them raises an error.
     */
    String compare(String a, String b, String what) {
        return let(List.of(a, b), v -> let(List.of(BsonSql.rank(v.get(0), BsonSql.MISSING), BsonSql.rank(v.get(1), BsonSql.MISSING)), r -> {
            String x = v.get(0);
            String y = v.get(1);
            String rx = r.get(0);
            String ry = r.get(1);
            return "(CASE WHEN " + rx + " <> " + ry + " THEN sign(" + rx + " - " + ry + ")"
                    + " WHEN " + rx + " IN (" + BsonSql.MISSING + ", " + BsonSql.NULL + ", " + BsonSql.NAN + ", "
                    + BsonSql.MIN_KEY + ", " + BsonSql.MAX_KEY + ") THEN 0"
                    + " WHEN " + rx + " = " + BsonSql.NUMBER + " THEN sign(" + BsonSql.num(x) + " - " + BsonSql.num(y) + ")"
                    + " WHEN " + rx + " = " + BsonSql.DATE + " THEN sign(" + BsonSql.dateMillis(x) + " - " + BsonSql.dateMillis(y) + ")"
                    + " WHEN " + rx + " IN (" + BsonSql.STRING + ", " + BsonSql.OBJECT_ID + ") THEN (CASE WHEN "
                    + BsonSql.textKey(x, rx) + " < " + BsonSql.textKey(y, ry) + " THEN -1 WHEN " + BsonSql.textKey(x, rx)
                    + " > " + BsonSql.textKey(y, ry) + " THEN 1 ELSE 0 END)"
                    + " WHEN " + rx + " = " + BsonSql.BOOLEAN + " THEN sign(CAST(" + x + " = 'true'::jsonb AS int) - CAST("
                    + y + " = 'true'::jsonb AS int))"
                    + " WHEN " + x + " = " + y + " THEN 0"
                    + " ELSE " + BsonSql.failNumeric(x, what + " ordering documents, arrays or binary values is not supported")
                    + " END)";
        }));
    }

    private String cond(BsonValue v, String doc, String where) {
        BsonValue ifV;
        BsonValue thenV;
        BsonValue elseV;
        if (v.isArray()) {
            if (v.asArray().size() != 3) {
                throw PipelineException.malformed(where, "$cond takes [if, then, else]");
            }
            ifV = v.asArray().get(0);
            thenV = v.asArray().get(1);
            elseV = v.asArray().get(2);
        } else if (v.isDocument() && v.asDocument().keySet().equals(java.util.Set.of("if", "then", "else"))) {
            ifV = v.asDocument().get("if");
            thenV = v.asDocument().get("then");
            elseV = v.asDocument().get("else");
        } else {
            throw PipelineException.malformed(where, "$cond takes {if, then, else} or [if, then, else]");
        }
        return "(CASE WHEN " + BsonSql.truthy(expression(ifV, doc, where + ".if")) + " THEN "
                + expression(thenV, doc, where + ".then") + " ELSE " + expression(elseV, doc, where + ".else") + " END)";
    }
}
