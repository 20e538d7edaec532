package io.mongopgsync.query;

import java.util.List;

/**
 * A dotted field path ({@code address.city}) as a list of keys. Keys starting with {@code $}, empty keys and
 * numeric keys (MongoDB reads {@code items.0} as "element 0 or field 0") are refused.
 */
record FieldPath(List<String> keys) {

    static FieldPath parse(String path, String where) {
        if (path.isEmpty()) {
            throw PipelineException.malformed(where, "a field path must not be empty");
        }
        if (path.indexOf('\0') >= 0) {
            throw PipelineException.malformed(where, "a field path must not contain NUL characters");
        }
        List<String> keys = List.of(path.split("\\.", -1));
        for (String key : keys) {
            if (key.isEmpty()) {
                throw PipelineException.malformed(where, "field path '" + path + "' has an empty part");
            }
            if (key.startsWith("$")) {
                throw PipelineException.malformed(where, "field path '" + path + "' has a part starting with '$'");
            }
            if (key.chars().allMatch(Character::isDigit)) {
                throw PipelineException.unsupported(where, "positional field paths such as '" + path
                        + "' (array index or numeric field name) are not supported");
            }
        }
        return new FieldPath(keys);
    }

    boolean isTopLevel() {
        return keys.size() == 1;
    }

    String first() {
        return keys.get(0);
    }

    List<String> rest() {
        return keys.subList(1, keys.size());
    }

    String dotted() {
        return String.join(".", keys);
    }

    /** {@code ARRAY[key, ...]} as bind parameters, for jsonb's #> and #- operators. */
    String textArray(Sql sql) {
        StringBuilder out = new StringBuilder("ARRAY[");
        for (int i = 0; i < keys.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(sql.text(keys.get(i)));
        }
        return out.append("]").toString();
    }
}
