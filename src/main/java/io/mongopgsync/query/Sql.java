package io.mongopgsync.query;

import java.util.ArrayList;
import java.util.List;

/**
 * SQL text under construction with its bind parameters. Fragments are composed out of order (a stage's SQL is
 * nested into the next one), so a parameter is written as a numbered marker and {@link #finish} turns markers into
 * JDBC placeholders in textual order. Markers use control characters that no quoted identifier of the service can
 * contain (imported names are sanitised to [a-z0-9_]).
 */
final class Sql {

    private static final char OPEN = '\u0001';
    private static final char CLOSE = '\u0002';

    private final List<Object> values = new ArrayList<>();
    private int aliases;

    /** A placeholder for {@code value} cast to {@code type}. */
    String param(Object value, String type) {
        values.add(value);
        return "CAST(" + OPEN + (values.size() - 1) + CLOSE + " AS " + type + ")";
    }

    String text(String value) {
        return param(value, "text");
    }

    String jsonb(String json) {
        return param(json, "jsonb");
    }

    /** A fresh table alias for nested sub-queries. */
    String alias(String prefix) {
        return "\"#" + prefix + (++aliases) + "\"";
    }

    /** The JDBC statement: placeholders in order and the values they take. */
    TranslatedQuery finish(String text) {
        StringBuilder out = new StringBuilder(text.length());
        List<Object> ordered = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == OPEN) {
                int end = text.indexOf(CLOSE, i);
                ordered.add(values.get(Integer.parseInt(text.substring(i + 1, end))));
                out.append('?');
                i = end;
            } else {
                out.append(ch);
            }
        }
        return new TranslatedQuery(out.toString(), ordered);
    }
}
