package io.mongopgsync.mapping;

import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * Maps a document to one line of PostgreSQL COPY text format: {@code _id}, one value per column in the given
 * order, then {@code _source_document}.
 */
public final class RowMapper {

    private final ValueRenderer renderer = new ValueRenderer();

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
    public void appendRow(BsonDocument document, List<TableSchema.Column> columns, StringBuilder out) {
        BsonValue id = document.get(TableSchema.ID);
        if (id == null) {
            throw new IllegalArgumentException("document has no _id");
        }
        appendField(out, IdEncoder.encode(id));
        for (TableSchema.Column c : columns) {
            out.append('\t');
            appendField(out, renderer.render(document.get(c.field()), c.type()));
        }
        out.append('\t');
        appendField(out, ExtendedJson.relaxed(document));
        out.append('\n');
    }

    /** COPY text format: backslash escapes for backslash, tab, newline and carriage return; \N is NULL. */
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
