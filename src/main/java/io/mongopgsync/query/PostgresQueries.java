package io.mongopgsync.query;

import io.mongopgsync.api.ApiException;
import io.mongopgsync.config.SyncProperties;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Runs a translated pipeline: in a read-only, repeatable-read transaction with a statement timeout, reading at
 * most the row cap (the statement returns one row more, so a cut answer says so).
 */
@Component
public class PostgresQueries {

    private static final int FETCH_SIZE = 500;

    private final Duration timeout;

    public PostgresQueries(SyncProperties properties) {
        this.timeout = properties.query().statementTimeout();
    }

    void beginSnapshot(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        }
        // JIT compilation would cost seconds: jsonb expressions inflate the planner's cost estimates far past jit_above_cost
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT set_config('statement_timeout', ?, true), set_config('jit', 'off', true)")) {
            ps.setString(1, timeout.toMillis() + "ms");
            ps.execute();
        }
    }

    QueryResult run(Connection connection, TranslatedQuery query, int maxRows) throws SQLException {
        List<String> documents = new ArrayList<>();
        boolean truncated = false;
        try (PreparedStatement ps = connection.prepareStatement(query.sql())) {
            ps.setFetchSize(FETCH_SIZE);
            for (int i = 0; i < query.params().size(); i++) {
                ps.setObject(i + 1, query.params().get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (documents.size() == maxRows) {
                        truncated = true;
                        break;
                    }
                    documents.add(rs.getString(1));
                }
            }
        }
        return new QueryResult(documents, QueryResult.Source.POSTGRES, truncated, query, false);
    }

    /** What a failed statement means to the user. */
    static RuntimeException failure(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String message = e.getMessage() == null ? "" : e.getMessage();
        int marker = message.indexOf(BsonSql.FAILURE_PREFIX);
        if (marker >= 0) {
            int end = message.indexOf('"', marker);
            String what = message.substring(marker + BsonSql.FAILURE_PREFIX.length(), end < 0 ? message.length() : end);
            return new ApiException(400, PipelineException.Kind.UNSUPPORTED.code,
                    "The pipeline met a value it cannot answer faithfully on the imported rows: " + what);
        }
        if (state.equals("57014")) {
            return new ApiException(504, "query_timeout", "PostgreSQL stopped the pipeline at the statement timeout "
                    + "(sync.query.statement-timeout); narrow it with $match or $limit");
        }
        if (state.equals("22012")) {
            return new ApiException(400, PipelineException.Kind.MALFORMED.code,
                    "The pipeline divides by zero on the imported rows (MongoDB refuses this too)");
        }
        if (state.startsWith("22") || state.startsWith("2201")) {
            return new ApiException(400, PipelineException.Kind.MALFORMED.code,
                    "PostgreSQL could not evaluate the pipeline on the imported rows: " + firstLine(message));
        }
        return new IllegalStateException("PostgreSQL failed running a translated pipeline (SQLState " + state + ")", e);
    }

    private static String firstLine(String message) {
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** A parameter as shown by explain: numbers stay numbers, everything else its text. */
    public static Object shown(Object param) {
        return param instanceof Number || param instanceof Boolean ? param : String.valueOf(param);
    }

}
