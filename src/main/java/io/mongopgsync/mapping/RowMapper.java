package io.mongopgsync.mapping;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

/**
 * Maps a document to one line of PostgreSQL COPY text format, in one pass and straight to bytes: {@code _id}, one
 * value per column in the given order, then {@code _source_document}. The document's JSON is rendered once; a
 * column holding a nested value (JSONB, or JSON text) reuses its bytes. A document as MongoDB sent it
 * ({@link RawBsonDocument}) is mapped from its BSON bytes, without being decoded into objects first.
 */
public final class RowMapper {

    private final ValueRenderer renderer = new ValueRenderer();
    /** The document's JSON, rendered before the row; reused from row to row. */
    private final CopyText json = new CopyText(4096);
    /** Where each top-level field's value sits in {@link #json}: start and end. */
    private final Map<String, int[]> spans = new HashMap<>();
    /** The fields of a document mapped from its bytes, and where each one's value sits in {@link #json}. */
    private final RawFields fields = new RawFields();
    private int[] rawSpans = new int[32];
    private long rowsFromBytes;

    public ValueRenderer renderer() {
        return renderer;
    }

    /** Rows mapped straight from BSON bytes (the others were decoded first). */
    long rowsFromBytes() {
        return rowsFromBytes;
    }

    /** The COPY column list matching {@link #appendRow}. */
    public static String copyColumns(List<TableSchema.Column> columns) {
        StringBuilder out = new StringBuilder(Identifiers.quote(TableSchema.ID));
        for (TableSchema.Column c : columns) {
            out.append(", ").append(Identifiers.quote(c.name()));
        }
        return out.append(", ").append(Identifiers.quote(TableSchema.SOURCE_DOCUMENT)).toString();
    }

    /**
     * Appends the document's row (terminated by a newline) to {@code out}.
     *
     * @throws IllegalArgumentException when the document has no {@code _id}
     */
    public void appendRow(BsonDocument document, List<TableSchema.Column> columns, CopyText out) {
        if (document instanceof RawBsonDocument raw) {
            if (appendRaw(raw, columns, out)) {
                return;
            }
            document = RawFields.changeable(raw); // a rarer type or shape: the decoded document's way
        }
        BsonValue id = document.get(TableSchema.ID);
        if (id == null) {
            throw new IllegalArgumentException("document has no _id");
        }
        renderJson(document);
        out.text(IdEncoder.encode(id));
        for (TableSchema.Column c : columns) {
            out.raw('\t');
            BsonValue value = document.get(c.field());
            if (ValueRenderer.isNull(value)) {
                out.nullValue();
            } else {
                int[] span = spans.get(c.field());
                renderer.write(value, c.type(), out, json.array(), span[0], span[1]);
            }
        }
        out.raw('\t');
        out.append(json.array(), 0, json.length());
        out.raw('\n');
        json.shrinkTo(1 << 20);
    }

    /** The row of a document from its BSON bytes; false (nothing written) when it holds a type only decoding knows. */
    private boolean appendRaw(RawBsonDocument document, List<TableSchema.Column> columns, CopyText out) {
        if (!fields.read(document)) {
            return false;
        }
        int id = fields.indexOf(TableSchema.ID);
        if (id < 0) {
            throw new IllegalArgumentException("document has no _id");
        }
        byte[] b = fields.bytes();
        int n = fields.count();
        if (rawSpans.length < 2 * n) {
            rawSpans = new int[4 * n];
        }
        json.clear();
        json.raw('{');
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                json.raw(',').raw(' ');
            }
            RawJson.string(b, fields.nameStart(i), fields.nameEnd(i), json);
            json.raw(':').raw(' ');
            rawSpans[2 * i] = json.length();
            if (!RawJson.value(b, fields.type(i), fields.valueStart(i), json)) {
                return false;
            }
            rawSpans[2 * i + 1] = json.length();
        }
        json.raw('}');
        out.text(IdEncoder.encode(fields.value(id)));
        for (TableSchema.Column c : columns) {
            out.raw('\t');
            int i = fields.indexOf(c.field());
            byte type = i < 0 ? RawFields.NULL : fields.type(i);
            if (type == RawFields.NULL || type == RawFields.UNDEFINED) {
                out.nullValue();
                continue;
            }
            int from = rawSpans[2 * i];
            int to = rawSpans[2 * i + 1];
            if (type == RawFields.STRING && c.type() == ColumnType.TEXT && !CopyText.hasBackslash(json.array(), from + 1, to - 1)) {
                // the JSON string holds the text's own bytes between its quotes (a NUL is U+FFFD in both)
                if (fields.stringHasNul(i)) {
                    renderer.nulReplaced();
                }
                out.append(json.array(), from + 1, to - 1);
            } else if ((type == RawFields.DOCUMENT || type == RawFields.ARRAY)
                    && (c.type() == ColumnType.JSONB || c.type() == ColumnType.TEXT)) {
                int start = out.length();
                out.append(json.array(), from, to);
                if (out.hasReplacement(start, out.length()) && ValueRenderer.containsNul(fields.value(i))) {
                    renderer.nulReplaced();
                }
            } else {
                renderer.write(fields.value(i), c.type(), out, json.array(), from, to);
            }
        }
        out.raw('\t');
        out.append(json.array(), 0, json.length());
        out.raw('\n');
        json.shrinkTo(1 << 20);
        rowsFromBytes++;
        return true;
    }

    /** Renders {@code _source_document} into {@link #json}, noting where each top-level value is. */
    private void renderJson(BsonDocument document) {
        json.clear();
        if (spans.size() > 4096) {
            // documents with data as keys: do not keep every key ever seen
            spans.clear();
        }
        json.raw('{');
        boolean first = true;
        for (Map.Entry<String, BsonValue> e : document.entrySet()) {
            if (!first) {
                json.raw(',').raw(' ');
            }
            first = false;
            json.jsonString(e.getKey()).raw(':').raw(' ');
            int start = json.length();
            JsonText.value(e.getValue(), json);
            int[] span = spans.computeIfAbsent(e.getKey(), k -> new int[2]);
            span[0] = start;
            span[1] = json.length();
        }
        json.raw('}');
    }

    /**
     * One field in COPY text format, for the few callers that build COPY text from strings (the verification's id
     * list): backslash escapes for backslash, tab, newline and carriage return; \N is NULL; NUL, which PostgreSQL
     * text cannot hold, becomes U+FFFD as in the rows themselves.
     */
    public static void appendField(StringBuilder out, String value) {
        if (value == null) {
            out.append("\\N");
            return;
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\0' -> out.append('\uFFFD');
                default -> out.append(ch);
            }
        }
    }
}
