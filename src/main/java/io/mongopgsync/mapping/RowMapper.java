package io.mongopgsync.mapping;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Maps a document to one line of PostgreSQL COPY text format, in one pass and straight to bytes: {@code _id}, one
 * value per column in the given order, then {@code _source_document}. The document's JSON is rendered once; a
 * column holding a nested value (JSONB, or JSON text) reuses its bytes.
 */
public final class RowMapper {

    private final ValueRenderer renderer = new ValueRenderer();
    /** The document's JSON, rendered before the row; reused from row to row. */
    private final CopyText json = new CopyText(4096);
    /** Where each top-level field's value sits in {@link #json}: start and end. */
    private final Map<String, int[]> spans = new HashMap<>();

    public ValueRenderer renderer() {
        return renderer;
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
