package io.mongopgsync.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.mongopgsync.api.ApiException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** What a failed statement tells the user. */
class PostgresQueriesTest {

    @Test
    void shouldTurnTheTranslatorsRuntimeRefusalInto400NamingIt() {
        RuntimeException e = PostgresQueries.failure(new SQLException(
                "ERROR: JSON object does not contain key \"mongo-pg-sync: $sort on an array value is not supported\"", "2203A"));
        assertThat(e).isInstanceOf(ApiException.class);
        assertThat(((ApiException) e).status()).isEqualTo(400);
        assertThat(e.getMessage()).endsWith("$sort on an array value is not supported");
    }

    @Test
    void shouldAnswerATimeoutWith504NamingTheSetting() {
        ApiException e = (ApiException) PostgresQueries.failure(new SQLException("canceling statement due to statement timeout", "57014"));
        assertThat(e.status()).isEqualTo(504);
        assertThat(e.getMessage()).contains("sync.query.statement-timeout");
    }

    @Test
    void shouldAnswerDivisionByZeroAs400() {
        ApiException e = (ApiException) PostgresQueries.failure(new SQLException("division by zero", "22012"));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).contains("divides by zero");
    }

    @Test
    void shouldKeepOtherFailuresInternal() {
        RuntimeException e = PostgresQueries.failure(new SQLException("connection lost", "08006"));
        assertThat(e).isNotInstanceOf(ApiException.class);
    }
}
