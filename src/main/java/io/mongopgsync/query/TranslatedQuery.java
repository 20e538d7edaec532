package io.mongopgsync.query;

import java.util.List;

/** One SQL statement with JDBC placeholders and the values bound to them, in order. */
public record TranslatedQuery(String sql, List<Object> params) {
}
