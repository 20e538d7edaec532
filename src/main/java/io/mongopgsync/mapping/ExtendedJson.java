package io.mongopgsync.mapping;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * The JSON the service writes into {@code _source_document} and JSONB columns: relaxed Extended JSON, with
 * two rules so that PostgreSQL can hold every value: dates carry millisecond ISO-8601 text for years 1-9999
 * ({@code {"$date": "2015-06-01T00:00:00.000Z"}}) and {@code {"$date": {"$numberLong": ...}}} beyond; a NUL
 * character, which jsonb refuses, becomes U+FFFD.
 */
public final class ExtendedJson {

    /** ISO instant with exactly three fraction digits, as PostgreSQL's to_char(... 'MS') writes it. */
    public static final DateTimeFormatter ISO_MILLIS = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.YEAR, 4, 10, SignStyle.NORMAL).appendLiteral('-')
            .appendValue(ChronoField.MONTH_OF_YEAR, 2).appendLiteral('-')
            .appendValue(ChronoField.DAY_OF_MONTH, 2).appendLiteral('T')
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2).appendLiteral(':')
            .appendValue(ChronoField.SECOND_OF_MINUTE, 2).appendLiteral('.')
            .appendValue(ChronoField.MILLI_OF_SECOND, 3).appendLiteral('Z')
            .toFormatter().withZone(ZoneOffset.UTC);

    private static final long YEAR_1 = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    private static final long YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();

    public static final JsonWriterSettings RELAXED = JsonWriterSettings.builder()
            .outputMode(JsonMode.RELAXED)
            .stringConverter((value, writer) -> writer.writeString(withoutNul(value)))
            .dateTimeConverter((value, writer) -> {
                writer.writeStartObject();
                if (isoYears(value)) {
                    writer.writeString("$date", ISO_MILLIS.format(Instant.ofEpochMilli(value)));
                } else {
                    writer.writeStartObject("$date");
                    writer.writeString("$numberLong", Long.toString(value));
                    writer.writeEndObject();
                }
                writer.writeEndObject();
            })
            .build();

    /** Years 1-9999 have an ISO-8601 form PostgreSQL's to_char can write as well. */
    public static boolean isoYears(long epochMillis) {
        return epochMillis >= YEAR_1 && epochMillis < YEAR_10000;
    }

    /**
     * A date as text (in TEXT columns): ISO-8601 with milliseconds for years 1-9999, otherwise the text of its
     * Extended JSON {@code {"$numberLong": ...}}, exactly as the value under {@code $date} in _source_document.
     */
    public static String dateText(long epochMillis) {
        return isoYears(epochMillis) ? ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis))
                : "{\"$numberLong\": \"" + epochMillis + "\"}";
    }

    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder()
            .outputMode(JsonMode.EXTENDED).build();

    private ExtendedJson() {
    }

    /** The whole document, as stored in {@code _source_document} and in the rejects table. */
    public static String relaxed(BsonDocument document) {
        return document.toJson(RELAXED);
    }

    /** One value (a JSONB column's content). */
    public static String relaxedValue(BsonValue value) {
        return unwrap(new BsonDocument("v", value).toJson(RELAXED));
    }

    /** One value in canonical Extended JSON: type-exact, used for ids of unusual types. */
    public static String canonicalValue(BsonValue value) {
        return unwrap(new BsonDocument("v", value).toJson(CANONICAL));
    }

    /** A JSON string literal. */
    public static String quote(String s) {
        return unwrap(new BsonDocument("v", new org.bson.BsonString(s)).toJson(
                JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build()));
    }

    public static String withoutNul(String s) {
        return s.indexOf('\0') < 0 ? s : s.replace('\0', '\uFFFD');
    }

    private static String unwrap(String json) {
        // {"v": <value>}
        int colon = json.indexOf(':');
        int start = colon + 1;
        while (json.charAt(start) == ' ') {
            start++;
        }
        return json.substring(start, json.lastIndexOf('}')).trim();
    }
}
