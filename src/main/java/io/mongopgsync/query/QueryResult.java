package io.mongopgsync.query;

import java.util.List;

/**
 * The answer to a pipeline: documents as relaxed Extended JSON texts, which side answered, whether the row cap cut
 * them, and the SQL when PostgreSQL answered (or would answer, for explain).
 */
public record QueryResult(List<String> documents, Source source, boolean truncated, TranslatedQuery sql, boolean explained) {

    /** Which system answered. */
    public enum Source {
        POSTGRES("postgres"),
        MONGODB("mongodb");

        public final String value;

        Source(String value) {
            this.value = value;
        }
    }
}
