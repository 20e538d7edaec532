package io.mongopgsync.query;

import static io.mongopgsync.query.BsonSql.isNullOrMissing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The date operators of aggregation expressions ({@code $year} ... {@code $dayOfYear}, {@code $dateToString}) as
 * SQL over UTC timestamps; a value that is not a date raises an error when met, as in MongoDB.
 */
final class DateExpressions {

    private static final Map<String, String> DATE_PARTS = Map.of(
            "$year", "CAST(extract(year FROM %s) AS int)",
            "$month", "CAST(extract(month FROM %s) AS int)",
            "$dayOfMonth", "CAST(extract(day FROM %s) AS int)",
            "$hour", "CAST(extract(hour FROM %s) AS int)",
            "$minute", "CAST(extract(minute FROM %s) AS int)",
            "$second", "CAST(floor(extract(second FROM %s)) AS int)",
            "$millisecond", "CAST(floor(extract(milliseconds FROM %s)) AS int) % 1000",
            "$dayOfWeek", "CAST(extract(dow FROM %s) AS int) + 1",
            "$dayOfYear", "CAST(extract(doy FROM %s) AS int)");

    private static final Map<Character, String> DATE_FORMAT = Map.of(
            'Y', "YYYY", 'm', "MM", 'd', "DD", 'H', "HH24", 'M', "MI", 'S', "SS", 'L', "MS", 'j', "DDD");

    private final ExpressionTranslator expressions;
    private final Sql sql;

    DateExpressions(ExpressionTranslator expressions, Sql sql) {
        this.expressions = expressions;
        this.sql = sql;
    }

    static boolean isDatePart(String op) {
        return DATE_PARTS.containsKey(op);
    }

    /** The date argument of a date operator: {@code "$d"}, {@code ["$d"]} or {@code {date: "$d"}} (UTC only). */
    private String dateArgument(BsonValue v, String doc, String where, String op) {
        BsonValue date = v;
        if (v.isArray()) {
            if (v.asArray().size() != 1) {
                throw PipelineException.malformed(where, op + " takes one date");
            }
            date = v.asArray().get(0);
        } else if (v.isDocument() && v.asDocument().containsKey("date")) {
            for (String key : v.asDocument().keySet()) {
                if (key.equals("timezone")) {
                    throw PipelineException.unsupported(where + ".timezone", "time zones are not supported; dates are UTC");
                }
                if (!key.equals("date")) {
                    throw PipelineException.malformed(where + "." + key, "is not an argument of " + op);
                }
            }
            date = v.asDocument().get("date");
        }
        String value = expressions.expression(date, doc, where);
        return expressions.let(List.of(value), c -> "CASE WHEN " + isNullOrMissing(c.get(0)) + " THEN NULL WHEN " + BsonSql.isDate(c.get(0))
                + " THEN " + BsonSql.utcTimestamp(c.get(0)) + " ELSE CAST(" + expressions.failText(c.get(0), op + " needs a date")
                + " AS timestamp) END");
    }

    String datePart(String op, BsonValue v, String doc, String where) {
        String ts = dateArgument(v, doc, where, op);
        return expressions.let(List.of(ts), c -> "COALESCE(to_jsonb(" + DATE_PARTS.get(op).formatted(c.get(0)) + "), 'null'::jsonb)");
    }

    String dateToString(BsonValue v, String doc, String where) {
        if (!v.isDocument() || !v.asDocument().containsKey("date")) {
            throw PipelineException.malformed(where, "$dateToString takes {date, format?, onNull?}");
        }
        BsonDocument d = v.asDocument();
        for (String key : d.keySet()) {
            if (key.equals("timezone")) {
                throw PipelineException.unsupported(where + ".timezone", "time zones are not supported; dates are UTC");
            }
            if (!List.of("date", "format", "onNull").contains(key)) {
                throw PipelineException.malformed(where + "." + key, "is not an argument of $dateToString");
            }
        }
        BsonValue format = d.get("format", new org.bson.BsonString("%Y-%m-%dT%H:%M:%S.%LZ"));
        if (!format.isString()) {
            throw PipelineException.unsupported(where + ".format", "the format must be a constant string");
        }
        String ts = dateArgument(new BsonDocument("date", d.get("date")), doc, where + ".date", "$dateToString");
        String onNull = d.containsKey("onNull") ? expressions.expression(d.get("onNull"), doc, where + ".onNull") : "'null'::jsonb";
        String f = format.asString().getValue();
        return expressions.let(List.of(ts), c -> {
            List<String> pieces = new ArrayList<>();
            StringBuilder literal = new StringBuilder();
            for (int i = 0; i < f.length(); i++) {
                char ch = f.charAt(i);
                if (ch != '%') {
                    literal.append(ch);
                    continue;
                }
                if (i + 1 >= f.length()) {
                    throw PipelineException.malformed(where + ".format", "ends with a lone %");
                }
                char spec = f.charAt(++i);
                if (spec == '%') {
                    literal.append('%');
                    continue;
                }
                String pattern = DATE_FORMAT.get(spec);
                if (pattern == null) {
                    throw PipelineException.unsupported(where + ".format", "format specifier %" + spec + " is not supported");
                }
                if (!literal.isEmpty()) {
                    pieces.add(sql.text(literal.toString()));
                    literal.setLength(0);
                }
                pieces.add("to_char(" + c.get(0) + ", '" + pattern + "')");
            }
            if (!literal.isEmpty()) {
                pieces.add(sql.text(literal.toString()));
            }
            String text = pieces.isEmpty() ? "''" : String.join(" || ", pieces);
            return "CASE WHEN " + c.get(0) + " IS NULL THEN " + onNull + " ELSE to_jsonb(" + text + ") END";
        });
    }
}
