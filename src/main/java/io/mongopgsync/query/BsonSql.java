package io.mongopgsync.query;

/**
 * SQL over relaxed Extended JSON values in jsonb with MongoDB's semantics. A value is an SQL expression of type
 * jsonb; SQL NULL stands for a missing field and the jsonb {@code null} for BSON null. Numbers are jsonb numbers or
 * {@code $numberDecimal}/{@code $numberDouble} wrappers, ObjectIds {@code $oid} wrappers, dates {@code $date}
 * wrappers (ISO text for years 1-9999, otherwise {@code $numberLong} milliseconds).
 */
final class BsonSql {

    /** The marker PostgreSQL echoes back in the error raised by {@link #fail}. */
    static final String FAILURE_PREFIX = "mongo-pg-sync: ";

    // Canonical BSON type order (MongoDB's comparison/sort order), with missing just below null.
    static final int MIN_KEY = 10;
    static final int MISSING = 15;
    static final int NULL = 20;
    static final int NAN = 29;
    static final int NUMBER = 30;
    static final int STRING = 40;
    static final int OBJECT = 50;
    static final int ARRAY = 60;
    static final int BINARY = 70;
    static final int OBJECT_ID = 80;
    static final int BOOLEAN = 90;
    static final int DATE = 100;
    static final int TIMESTAMP = 110;
    static final int REGEX = 120;
    static final int MAX_KEY = 130;

    private BsonSql() {
    }

    static String typeOf(String x) {
        return "jsonb_typeof(" + x + ")";
    }

    /** Whether a jsonb object is a numeric Extended JSON wrapper. */
    private static String numberWrapper(String x) {
        return "(" + x + "->'$numberDecimal' IS NOT NULL OR " + x + "->'$numberDouble' IS NOT NULL OR "
                + x + "->'$numberLong' IS NOT NULL OR " + x + "->'$numberInt' IS NOT NULL)";
    }

    /** The BSON type rank of a value (see the constants); missing ranks {@code missingRank}. */
    static String rank(String x, int missingRank) {
        return "(CASE WHEN " + x + " IS NULL THEN " + missingRank
                + " WHEN " + typeOf(x) + " = 'null' THEN " + NULL
                + " WHEN " + typeOf(x) + " = 'number' THEN " + NUMBER
                + " WHEN " + typeOf(x) + " = 'string' THEN " + STRING
                + " WHEN " + typeOf(x) + " = 'boolean' THEN " + BOOLEAN
                + " WHEN " + typeOf(x) + " = 'array' THEN " + ARRAY
                + " WHEN " + numberWrapper(x) + " THEN (CASE WHEN " + num(x) + " = 'NaN' THEN " + NAN + " ELSE " + NUMBER + " END)"
                + " WHEN " + x + "->'$oid' IS NOT NULL THEN " + OBJECT_ID
                + " WHEN " + x + "->'$date' IS NOT NULL THEN " + DATE
                + " WHEN " + x + "->'$binary' IS NOT NULL OR " + x + "->'$uuid' IS NOT NULL THEN " + BINARY
                + " WHEN " + x + "->'$timestamp' IS NOT NULL THEN " + TIMESTAMP
                + " WHEN " + x + "->'$regularExpression' IS NOT NULL THEN " + REGEX
                + " WHEN " + x + "->'$minKey' IS NOT NULL THEN " + MIN_KEY
                + " WHEN " + x + "->'$maxKey' IS NOT NULL THEN " + MAX_KEY
                + " WHEN " + x + "->'$symbol' IS NOT NULL THEN " + STRING
                + " ELSE " + OBJECT + " END)";
    }

    static String isNumber(String x) {
        return "(" + typeOf(x) + " = 'number' OR (" + typeOf(x) + " = 'object' AND " + numberWrapper(x) + "))";
    }

    /** The numeric value of a number (NULL for anything else); NaN and infinities as numeric's own. */
    static String num(String x) {
        return "(CASE " + typeOf(x) + " WHEN 'number' THEN (" + x + ")::numeric WHEN 'object' THEN CAST(COALESCE("
                + x + "->>'$numberDecimal', " + x + "->>'$numberDouble', " + x + "->>'$numberLong', "
                + x + "->>'$numberInt') AS numeric) END)";
    }

    /** A number's value with NaN as NULL, for order comparisons (NaN matches no range in MongoDB). */
    static String numOrdered(String x) {
        return "NULLIF(" + num(x) + ", 'NaN')";
    }

    static String isDecimal(String x) {
        return "(" + x + "->'$numberDecimal' IS NOT NULL)";
    }

    static String isDate(String x) {
        return "(" + typeOf(x) + " = 'object' AND " + x + "->'$date' IS NOT NULL)";
    }

    /** Milliseconds since the epoch of a date value. */
    static String dateMillis(String x) {
        return "(CASE WHEN " + typeOf(x + "->'$date'") + " = 'string' THEN extract(epoch FROM CAST(" + x
                + "->>'$date' AS timestamptz)) * 1000 ELSE CAST(" + x + "->'$date'->>'$numberLong' AS numeric) END)";
    }

    /** A date value as a UTC timestamp (without time zone). */
    static String utcTimestamp(String x) {
        return "(CASE WHEN " + typeOf(x + "->'$date'") + " = 'string' THEN CAST(" + x
                + "->>'$date' AS timestamptz) AT TIME ZONE 'UTC' ELSE to_timestamp(CAST(" + x
                + "->'$date'->>'$numberLong' AS double precision) / 1000) AT TIME ZONE 'UTC' END)";
    }

    static String isString(String x) {
        return "(" + typeOf(x) + " = 'string')";
    }

    static String stringValue(String x) {
        return "(" + x + " #>> '{}')";
    }

    static String isObjectId(String x) {
        return "(" + typeOf(x) + " = 'object' AND " + x + "->'$oid' IS NOT NULL)";
    }

    static String isNullOrMissing(String x) {
        return "(" + x + " IS NULL OR " + typeOf(x) + " = 'null')";
    }

    /**
     * A sort key that orders values of one rank: numbers, dates (milliseconds) and booleans by number, strings and
     * ObjectIds by code points. Ranks without a faithful key (documents, arrays, binary, timestamps, regexes) raise
     * an error naming {@code what}, so that a sort or $min/$max never answers in a wrong order.
     */
    static String numericKey(String x, String rank, String what) {
        return "(CASE " + rank + " WHEN " + NUMBER + " THEN " + num(x) + " WHEN " + NAN + " THEN 0"
                + " WHEN " + DATE + " THEN " + dateMillis(x)
                + " WHEN " + BOOLEAN + " THEN (CASE WHEN " + x + " = 'true'::jsonb THEN 1 ELSE 0 END)"
                + " WHEN " + OBJECT + " THEN " + failNumeric(x, what + " on an embedded document value is not supported")
                + " WHEN " + ARRAY + " THEN " + failNumeric(x, what + " on an array value is not supported")
                + " WHEN " + BINARY + " THEN " + failNumeric(x, what + " on a binary value is not supported")
                + " WHEN " + TIMESTAMP + " THEN " + failNumeric(x, what + " on a timestamp value is not supported")
                + " WHEN " + REGEX + " THEN " + failNumeric(x, what + " on a regular expression value is not supported")
                + " END)";
    }

    static String textKey(String x, String rank) {
        return "(CASE " + rank + " WHEN " + STRING + " THEN COALESCE(" + stringValue(x) + ", " + x + "->>'$symbol')"
                + " WHEN " + OBJECT_ID + " THEN " + x + "->>'$oid' END) COLLATE \"C\"";
    }

    /**
     * Raises an error carrying {@code message} when evaluated, depending on {@code x} so that the planner cannot
     * evaluate it early. The service turns it into a 400 naming what is unsupported.
     */
    static String fail(String x, String message) {
        if (message.indexOf('"') >= 0 || message.indexOf('\'') >= 0 || message.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("failure messages are plain text");
        }
        return "jsonb_path_query_first(jsonb_build_object('v', " + x + "), 'strict $.\"" + FAILURE_PREFIX + message + "\"')";
    }

    static String failNumeric(String x, String message) {
        return "CAST(" + fail(x, message) + " #>> '{}' AS numeric)";
    }

    static String failBoolean(String x, String message) {
        return "CAST(" + fail(x, message) + " #>> '{}' AS boolean)";
    }

    /** MongoDB truthiness: false, null, missing and numeric zero are false; everything else is true. */
    static String truthy(String x) {
        return "COALESCE(CASE WHEN " + x + " IS NULL THEN false WHEN " + typeOf(x) + " = 'null' THEN false"
                + " WHEN " + typeOf(x) + " = 'boolean' THEN " + x + " = 'true'::jsonb"
                + " WHEN " + isNumber(x) + " THEN " + num(x) + " <> 0 ELSE true END, false)";
    }

    /** A numeric result as jsonb: a $numberDecimal wrapper when MongoDB would answer a Decimal128. */
    static String numberJson(String numeric, String decimal) {
        return "(CASE WHEN " + decimal + " THEN jsonb_build_object('$numberDecimal', (" + numeric + ")::text) ELSE to_jsonb("
                + numeric + ") END)";
    }
}
