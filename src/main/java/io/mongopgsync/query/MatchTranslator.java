package io.mongopgsync.query;

import static io.mongopgsync.query.BsonSql.dateMillis;
import static io.mongopgsync.query.BsonSql.isDate;
import static io.mongopgsync.query.BsonSql.isNumber;
import static io.mongopgsync.query.BsonSql.isObjectId;
import static io.mongopgsync.query.BsonSql.isString;
import static io.mongopgsync.query.BsonSql.num;
import static io.mongopgsync.query.BsonSql.numOrdered;
import static io.mongopgsync.query.BsonSql.stringValue;
import static io.mongopgsync.query.BsonSql.typeOf;

import io.mongopgsync.mapping.ColumnType;
import io.mongopgsync.mapping.ExtendedJson;
import io.mongopgsync.mapping.IdEncoder;
import io.mongopgsync.mapping.TableSchema;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.bson.BsonDocument;
import org.bson.BsonRegularExpression;
import org.bson.BsonValue;

/**
 * {@code $match} filters as SQL predicates with MongoDB's semantics: a number never equals a string, {@code null}
 * matches missing fields, a path through arrays matches when any element does, and a comparison only matches
 * values of the constant's type. Predicates never yield SQL NULL, so negations are exact.
 */
final class MatchTranslator {

    private static final Map<String, String> RANGE = Map.of("$gt", ">", "$gte", ">=", "$lt", "<", "$lte", "<=");

    private final Sql sql;
    private final ExpressionTranslator expressions;

    MatchTranslator(Sql sql, ExpressionTranslator expressions) {
        this.sql = sql;
        this.expressions = expressions;
    }

    String filter(BsonDocument filter, Scope scope, String where) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, BsonValue> e : filter.entrySet()) {
            String key = e.getKey();
            String at = where + "." + key;
            BsonValue value = e.getValue();
            switch (key) {
                case "$and", "$or", "$nor" -> {
                    if (!value.isArray() || value.asArray().isEmpty()) {
                        throw PipelineException.malformed(at, key + " needs a non-empty array of filters");
                    }
                    List<String> subs = new ArrayList<>();
                    for (int i = 0; i < value.asArray().size(); i++) {
                        BsonValue sub = value.asArray().get(i);
                        if (!sub.isDocument()) {
                            throw PipelineException.malformed(at + "[" + i + "]", "must be a filter document");
                        }
                        subs.add(filter(sub.asDocument(), scope, at + "[" + i + "]"));
                    }
                    String joined = "(" + String.join(key.equals("$and") ? " AND " : " OR ", subs) + ")";
                    parts.add(key.equals("$nor") ? "(NOT " + joined + ")" : joined);
                }
                case "$expr" -> parts.add(BsonSql.truthy(expressions.expression(value, scope.doc(), at)));
                case "$comment" -> {
                    // no effect on the result
                }
                case "$where" -> throw PipelineException.unsupported(at, "$where (server-side JavaScript) is never run");
                default -> {
                    if (key.startsWith("$")) {
                        throw PipelineException.unsupported(at, "query operator " + key + " is not supported");
                    }
                    parts.add(field(FieldPath.parse(key, at), value, scope, at));
                }
            }
        }
        return parts.isEmpty() ? "true" : "(" + String.join(" AND ", parts) + ")";
    }

    private String field(FieldPath path, BsonValue condition, Scope scope, String where) {
        if (condition.isDocument() && !condition.asDocument().isEmpty()
                && condition.asDocument().getFirstKey().startsWith("$")) {
            return operators(path, condition.asDocument(), scope, where);
        }
        return equals(path, condition, scope, where);
    }

    private String operators(FieldPath path, BsonDocument ops, Scope scope, String where) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, BsonValue> e : ops.entrySet()) {
            String op = e.getKey();
            String at = where + "." + op;
            BsonValue v = e.getValue();
            if (!op.startsWith("$")) {
                throw PipelineException.malformed(at, "cannot mix operators and field names in one condition");
            }
            switch (op) {
                case "$eq" -> parts.add(equals(path, v, scope, at));
                case "$ne" -> parts.add("(NOT " + equals(path, v, scope, at) + ")");
                case "$gt", "$gte", "$lt", "$lte" -> parts.add(range(path, RANGE.get(op), op, v, scope, at));
                case "$in" -> parts.add(in(path, v, scope, at));
                case "$nin" -> parts.add("(NOT " + in(path, v, scope, at) + ")");
                case "$exists" -> {
                    String exists = any(scope, path, x -> "(" + x + " IS NOT NULL)", false);
                    parts.add(BsonNumbers.truthy(v) ? exists : "(NOT " + exists + ")");
                }
                case "$type" -> parts.add(type(path, v, scope, at));
                case "$regex" -> {
                    BsonValue options = ops.get("$options");
                    parts.add(regex(path, RegexTranslator.regexOf(v, options, at), scope, at));
                }
                case "$options" -> {
                    if (!ops.containsKey("$regex")) {
                        throw PipelineException.malformed(at, "$options needs $regex");
                    }
                }
                case "$not" -> {
                    if (v.isDocument() && !v.asDocument().isEmpty() && v.asDocument().getFirstKey().startsWith("$")) {
                        parts.add("(NOT " + operators(path, v.asDocument(), scope, at) + ")");
                    } else if (v.isRegularExpression()) {
                        parts.add("(NOT " + regex(path, v.asRegularExpression(), scope, at) + ")");
                    } else {
                        throw PipelineException.malformed(at, "$not needs an operator document or a regular expression");
                    }
                }
                case "$elemMatch" -> parts.add(elemMatch(path, v, scope, at));
                case "$size" -> {
                    if (!v.isNumber() || v.asNumber().doubleValue() != Math.floor(v.asNumber().doubleValue())) {
                        throw PipelineException.malformed(at, "$size needs a whole number");
                    }
                    String size = sql.param(v.asNumber().longValue(), "bigint");
                    parts.add(any(scope, path, x -> "(" + typeOf(x) + " = 'array' AND jsonb_array_length(" + x + ") = "
                            + size + ")", false));
                }
                case "$all" -> parts.add(all(path, v, scope, at));
                case "$mod" -> parts.add(mod(path, v, scope, at));
                default -> throw PipelineException.unsupported(at, "query operator " + op + " is not supported");
            }
        }
        return "(" + String.join(" AND ", parts) + ")";
    }

    /**
     * Any value reached by {@code path} satisfies {@code p}: through arrays on the way, and, when {@code unwrap},
     * also any element of an array at the end. {@code p} receives SQL NULL for a missing value.
     */
    String any(Scope scope, FieldPath path, Function<String, String> p, boolean unwrap) {
        String start = scope.doc() + " -> " + sql.text(path.first());
        return "COALESCE(" + descend(start, path.rest(), p, unwrap) + ", false)";
    }

    private String descend(String v, List<String> rest, Function<String, String> p, boolean unwrap) {
        if (rest.isEmpty()) {
            if (!unwrap) {
                return p.apply(v);
            }
            String e = sql.alias("e");
            return "(" + p.apply(v) + " OR (" + typeOf(v) + " = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements("
                    + v + ") AS " + e + "(x) WHERE " + p.apply(e + ".x") + ")))";
        }
        String key = sql.text(rest.get(0));
        List<String> tail = rest.subList(1, rest.size());
        String e = sql.alias("e");
        return "(CASE WHEN " + typeOf(v) + " = 'object' THEN " + descend(v + " -> " + key, tail, p, unwrap)
                + " WHEN " + typeOf(v) + " = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(" + v + ") AS " + e
                + "(x) WHERE " + typeOf(e + ".x") + " = 'object' AND " + descend(e + ".x -> " + key, tail, p, unwrap) + ")"
                + " ELSE " + p.apply("CAST(NULL AS jsonb)") + " END)";
    }

    private String equals(FieldPath path, BsonValue c, Scope scope, String where) {
        if (c.isRegularExpression()) {
            return regex(path, c.asRegularExpression(), scope, where);
        }
        if (path.isTopLevel() && path.first().equals(TableSchema.ID) && scope.idColumn().isPresent()
                && !c.isDocument() && !c.isArray()) {
            // _id is stored by an injective encoding in which equal ids (1, 1L, 1.0) encode alike
            return "(" + scope.idColumn().get() + " = " + sql.text(IdEncoder.encode(c)) + ")";
        }
        Optional<String> typed = typedCompare(path, "=", c, scope);
        if (typed.isPresent()) {
            return typed.get();
        }
        if (c.isNull()) {
            return any(scope, path, BsonSql::isNullOrMissing, true);
        }
        equalsValue("x", c, where); // refuses an unsupported constant before any SQL is built around it
        return any(scope, path, x -> equalsValue(x, c, where), true);
    }

    /** A predicate that {@code x} (never missing here) equals the constant. */
    private String equalsValue(String x, BsonValue c, String where) {
        return switch (c.getBsonType()) {
            case INT32, INT64, DOUBLE, DECIMAL128 -> "(" + isNumber(x) + " AND " + num(x) + " = " + number(c, where) + ")";
            case STRING -> "(" + x + " = to_jsonb(" + sql.text(c.asString().getValue()) + "))";
            case OBJECT_ID -> "(" + isObjectId(x) + " AND " + x + "->>'$oid' = "
                    + sql.text(c.asObjectId().getValue().toHexString()) + ")";
            case BOOLEAN -> "(" + x + " = " + sql.jsonb(c.asBoolean().getValue() ? "true" : "false") + ")";
            case DATE_TIME -> "(" + isDate(x) + " AND " + dateMillis(x) + " = "
                    + sql.param(BigDecimal.valueOf(c.asDateTime().getValue()), "numeric") + ")";
            case DOCUMENT, ARRAY -> "(" + x + " = " + sql.jsonb(ExtendedJson.relaxedValue(c)) + ")";
            case NULL -> BsonSql.isNullOrMissing(x);
            default -> throw PipelineException.unsupported(where, "comparison with a " + BsonNumbers.typeName(c) + " value is not supported");
        };
    }

    private String range(FieldPath path, String op, String name, BsonValue c, Scope scope, String where) {
        if (c.isNull()) {
            // {$gte: null} and {$lte: null} match null and missing; {$gt: null} and {$lt: null} match nothing
            return op.length() == 2 ? equals(path, c, scope, where) : "false";
        }
        Optional<String> typed = typedCompare(path, op, c, scope);
        if (typed.isPresent()) {
            return typed.get();
        }
        rangeValue("x", op, name, c, where); // validates the constant once
        return any(scope, path, x -> rangeValue(x, op, name, c, where), true);
    }

    private String rangeValue(String x, String op, String name, BsonValue c, String where) {
        return switch (c.getBsonType()) {
            case INT32, INT64, DOUBLE, DECIMAL128 -> "(" + isNumber(x) + " AND " + numOrdered(x) + " " + op + " "
                    + number(c, where) + ")";
            case STRING -> "(" + isString(x) + " AND " + stringValue(x) + " COLLATE \"C\" " + op + " "
                    + sql.text(c.asString().getValue()) + ")";
            case OBJECT_ID -> "(" + isObjectId(x) + " AND (" + x + "->>'$oid') COLLATE \"C\" " + op + " "
                    + sql.text(c.asObjectId().getValue().toHexString()) + ")";
            case DATE_TIME -> "(" + isDate(x) + " AND " + dateMillis(x) + " " + op + " "
                    + sql.param(BigDecimal.valueOf(c.asDateTime().getValue()), "numeric") + ")";
            case BOOLEAN -> "(" + typeOf(x) + " = 'boolean' AND (" + x + ")::boolean " + op + " "
                    + sql.param(c.asBoolean().getValue(), "boolean") + ")";
            default -> throw PipelineException.unsupported(where, name + " with a " + BsonNumbers.typeName(c) + " value is not supported");
        };
    }

    /**
     * The comparison on a typed column, when the documents are unchanged rows and the column holds every value of
     * the field exactly: this is what lets PostgreSQL use the indexes the import created.
     */
    private Optional<String> typedCompare(FieldPath path, String op, BsonValue c, Scope scope) {
        Optional<String> column = scope.typedColumn(path);
        Optional<ImportedCollection.Kind> kind = scope.kind(path);
        if (column.isEmpty() || kind.isEmpty()) {
            return Optional.empty();
        }
        String col = column.get();
        if (c.isNull()) {
            return op.equals("=") ? Optional.of("(" + col + " IS NULL)") : Optional.empty();
        }
        boolean sameKind = switch (kind.get()) {
            case STRING -> c.isString();
            case OBJECT_ID -> c.isObjectId();
            case NUMBER -> c.isNumber() || c.isDecimal128();
            case BOOLEAN -> c.isBoolean();
            case DATE -> c.isDateTime();
        };
        if (!sameKind) {
            // MongoDB compares only values of one type: a number never equals (or exceeds) a string
            return c.isDocument() || c.isArray() || c.isRegularExpression() ? Optional.empty() : Optional.of("false");
        }
        String order = op.equals("=") ? "" : " COLLATE \"C\"";
        // "AND col IS NOT NULL" makes a missing value false rather than NULL (so that $ne and $not negate exactly)
        // while the comparison itself stays an index condition
        String present = " AND " + col + " IS NOT NULL";
        return switch (kind.get()) {
            case STRING -> Optional.of("(" + col + order + " " + op + " " + sql.text(c.asString().getValue()) + present + ")");
            case OBJECT_ID -> Optional.of("(" + col + order + " " + op + " "
                    + sql.text(c.asObjectId().getValue().toHexString()) + present + ")");
            case NUMBER -> {
                BigDecimal value = BsonNumbers.decimal(c);
                if (value == null) {
                    yield Optional.empty();
                }
                String bound = BsonNumbers.isLong(value) ? sql.param(value.longValueExact(), "bigint") : sql.param(value, "numeric");
                // numeric NaN sorts above every number in PostgreSQL but matches no range in MongoDB
                boolean numericColumn = scope.rows().column(path.first()).orElseThrow().type() == ColumnType.NUMERIC;
                String notNaN = op.equals("=") || !numericColumn ? "" : " AND " + col + " <> 'NaN'";
                yield Optional.of("(" + col + " " + op + " " + bound + notNaN + present + ")");
            }
            case BOOLEAN -> Optional.of("(" + col + " " + op + " " + sql.param(c.asBoolean().getValue(), "boolean") + present + ")");
            case DATE -> {
                long millis = c.asDateTime().getValue();
                if (!ExtendedJson.isoYears(millis)) {
                    yield Optional.empty();
                }
                yield Optional.of("(" + col + " " + op + " " + sql.param(Instant.ofEpochMilli(millis).toString(), "timestamptz")
                        + present + ")");
            }
        };
    }

    private String in(FieldPath path, BsonValue values, Scope scope, String where) {
        if (!values.isArray()) {
            throw PipelineException.malformed(where, "needs an array");
        }
        if (values.asArray().isEmpty()) {
            return "false";
        }
        List<String> any = new ArrayList<>();
        for (int i = 0; i < values.asArray().size(); i++) {
            BsonValue v = values.asArray().get(i);
            if (v.isDocument() && !v.asDocument().isEmpty() && v.asDocument().getFirstKey().startsWith("$")) {
                throw PipelineException.malformed(where + "[" + i + "]", "cannot hold an operator");
            }
            any.add(equals(path, v, scope, where + "[" + i + "]"));
        }
        return "(" + String.join(" OR ", any) + ")";
    }

    private String all(FieldPath path, BsonValue values, Scope scope, String where) {
        if (!values.isArray()) {
            throw PipelineException.malformed(where, "needs an array");
        }
        if (values.asArray().isEmpty()) {
            return "false";
        }
        List<String> every = new ArrayList<>();
        for (int i = 0; i < values.asArray().size(); i++) {
            BsonValue v = values.asArray().get(i);
            String at = where + "[" + i + "]";
            if (v.isDocument() && v.asDocument().containsKey("$elemMatch")) {
                every.add(elemMatch(path, v.asDocument().get("$elemMatch"), scope, at + ".$elemMatch"));
            } else {
                every.add(equals(path, v, scope, at));
            }
        }
        return "(" + String.join(" AND ", every) + ")";
    }

    private String elemMatch(FieldPath path, BsonValue condition, Scope scope, String where) {
        if (!condition.isDocument() || condition.asDocument().isEmpty()) {
            throw PipelineException.malformed(where, "$elemMatch needs a non-empty filter document");
        }
        BsonDocument c = condition.asDocument();
        boolean onValues = c.getFirstKey().startsWith("$") && !List.of("$and", "$or", "$nor", "$expr").contains(c.getFirstKey());
        return any(scope, path, x -> {
            String e = sql.alias("m");
            String element = e + ".x";
            String inner = onValues
                    ? operators(new FieldPath(List.of("v")), c, Scope.document("jsonb_build_object('v', " + element + ")"), where)
                    : "(" + typeOf(element) + " = 'object' AND " + filter(c, Scope.document(element), where) + ")";
            return "(" + typeOf(x) + " = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements(" + x + ") AS " + e
                    + "(x) WHERE " + inner + "))";
        }, false);
    }

    private String regex(FieldPath path, BsonRegularExpression regex, Scope scope, String where) {
        String pattern = RegexTranslator.translate(regex.getPattern(), regex.getOptions(), where);
        Optional<String> column = scope.typedColumn(path);
        if (column.isPresent() && scope.kind(path).orElse(null) == ImportedCollection.Kind.STRING) {
            return "COALESCE(" + column.get() + " ~ " + sql.text(pattern) + ", false)";
        }
        String p = sql.text(pattern);
        return any(scope, path, x -> "(" + isString(x) + " AND " + stringValue(x) + " ~ " + p + ")", true);
    }

    private String type(FieldPath path, BsonValue spec, Scope scope, String where) {
        List<BsonValue> wanted = spec.isArray() ? spec.asArray().getValues() : List.of(spec);
        if (wanted.isEmpty()) {
            throw PipelineException.malformed(where, "$type needs at least one type");
        }
        List<Function<String, String>> tests = new ArrayList<>();
        for (BsonValue w : wanted) {
            tests.add(TypeTests.of(w, path, scope, where));
        }
        return any(scope, path, x -> {
            List<String> or = new ArrayList<>();
            for (Function<String, String> t : tests) {
                or.add(t.apply(x));
            }
            return "(" + String.join(" OR ", or) + ")";
        }, true);
    }

    private String mod(FieldPath path, BsonValue v, Scope scope, String where) {
        if (!v.isArray() || v.asArray().size() != 2 || !v.asArray().get(0).isNumber() || !v.asArray().get(1).isNumber()) {
            throw PipelineException.malformed(where, "$mod needs [divisor, remainder]");
        }
        long divisor = v.asArray().get(0).asNumber().longValue();
        if (divisor == 0) {
            throw PipelineException.malformed(where, "$mod divisor must not be 0");
        }
        String d = sql.param(divisor, "bigint");
        String r = sql.param(v.asArray().get(1).asNumber().longValue(), "bigint");
        return any(scope, path, x -> "(" + isNumber(x) + " AND abs(" + numOrdered(x) + ") < 'Infinity' AND trunc("
                + num(x) + ") % " + d + " = " + r + ")", true);
    }

    private String number(BsonValue c, String where) {
        BigDecimal value = BsonNumbers.decimal(c);
        if (value == null) {
            throw PipelineException.unsupported(where, "comparison with NaN or Infinity is not supported");
        }
        return sql.param(value, "numeric");
    }

}
