package io.mongopgsync.mapping;

import org.bson.BsonBinarySubType;
import org.bson.BsonValue;

/**
 * The PostgreSQL type of an imported column. Types only widen: a column that has held an int and then sees a
 * double becomes NUMERIC, one that sees a string becomes TEXT, one that sees a document or array becomes
 * JSONB. Every widening keeps every value already loaded.
 */
public enum ColumnType {
    BOOLEAN("boolean"),
    INTEGER("integer"),
    BIGINT("bigint"),
    NUMERIC("numeric"),
    TIMESTAMPTZ("timestamptz"),
    UUID("uuid"),
    TEXT("text"),
    JSONB("jsonb");

    private final String sql;

    ColumnType(String sql) {
        this.sql = sql;
    }

    public String sql() {
        return sql;
    }

    public static ColumnType fromSql(String sql) {
        for (ColumnType t : values()) {
            if (t.sql.equals(sql)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown column type " + sql);
    }

    /** The narrowest column type for one value; null for null/undefined, which fit any column. */
    public static ColumnType of(BsonValue value) {
        return switch (value.getBsonType()) {
            case STRING, SYMBOL, OBJECT_ID, REGULAR_EXPRESSION -> TEXT;
            case BINARY -> isUuid(value) ? UUID : TEXT;
            case INT32 -> INTEGER;
            case INT64 -> BIGINT;
            case DOUBLE, DECIMAL128 -> NUMERIC;
            case BOOLEAN -> BOOLEAN;
            case DATE_TIME -> TIMESTAMPTZ;
            case NULL, UNDEFINED -> null;
            default -> JSONB; // DOCUMENT, ARRAY, TIMESTAMP, MIN_KEY, MAX_KEY, JAVASCRIPT*, DB_POINTER
        };
    }

    static boolean isUuid(BsonValue value) {
        // Subtype 3 (legacy UUID) has driver-specific byte orders, so only subtype 4 reads as a UUID.
        return value.asBinary().getType() == BsonBinarySubType.UUID_STANDARD.getValue()
                && value.asBinary().getData().length == 16;
    }

    /** The narrowest type that holds every value of both; null is the identity. */
    public static ColumnType join(ColumnType a, ColumnType b) {
        if (a == null) {
            return b;
        }
        if (b == null || a == b) {
            return a;
        }
        if (a == JSONB || b == JSONB) {
            return JSONB;
        }
        if (a.isNumeric() && b.isNumeric()) {
            if (a == NUMERIC || b == NUMERIC) {
                return NUMERIC;
            }
            return BIGINT; // INTEGER + BIGINT
        }
        return TEXT;
    }

    public boolean isNumeric() {
        return this == INTEGER || this == BIGINT || this == NUMERIC;
    }

    /**
     * The {@code USING} expression of {@code ALTER COLUMN ... TYPE this} for a column of type {@code from}. The
     * result equals what the row mapper would write for the same values today, so a widened column reads the
     * same as one created wide. JSONB is rebuilt from the source document, which holds the exact value.
     */
    public String widenUsing(ColumnType from, String quotedColumn, String fieldName) {
        return switch (this) {
            case BIGINT, NUMERIC -> quotedColumn + "::" + sql;
            case TEXT -> from == TIMESTAMPTZ
                    ? "CASE WHEN " + quotedColumn + " IS NULL THEN NULL WHEN isfinite(" + quotedColumn + ") AND "
                    + quotedColumn + " >= '0001-01-01 00:00:00+00' AND " + quotedColumn + " < '10000-01-01 00:00:00+00' "
                    + "THEN to_char(" + quotedColumn + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') "
                    + "ELSE \"_source_document\" -> " + Identifiers.literal(fieldName) + " ->> '$date' END"
                    : quotedColumn + "::text";
            case JSONB -> "NULLIF(\"_source_document\" -> " + Identifiers.literal(fieldName) + ", 'null'::jsonb)";
            default -> throw new IllegalArgumentException("cannot widen " + from + " to " + this);
        };
    }
}
