package io.mongopgsync.load;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Bulk-loads rows with PostgreSQL COPY (text format). When a batch fails on a value PostgreSQL refuses, the
 * batch is loaded again row by row so that only the rows that cannot be stored are set aside, with the reason.
 */
public final class CopyLoader {

    /** One row: its COPY line, and what identifies it if it has to be rejected. */
    public record Row(String documentId, String copyLine, String rawDocument) {
    }

    public record Rejected(Row row, String reason) {
    }

    public record Result(long loaded, List<Rejected> rejected) {
    }

    private CopyLoader() {
    }

    /**
     * Copies the rows into {@code qualifiedTable (columns)} on {@code connection}, which must not be in
     * auto-commit mode; the caller commits.
     */
    public static Result copy(Connection connection, String qualifiedTable, String columns, List<Row> rows)
            throws SQLException {
        if (rows.isEmpty()) {
            return new Result(0, List.of());
        }
        String sql = "COPY " + qualifiedTable + " (" + columns + ") FROM STDIN";
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        StringBuilder all = new StringBuilder(rows.size() * 256);
        rows.forEach(r -> all.append(r.copyLine()));
        Savepoint batch = connection.setSavepoint();
        try {
            copyIn(copy, sql, all);
            connection.releaseSavepoint(batch);
            return new Result(rows.size(), List.of());
        } catch (SQLException e) {
            connection.rollback(batch);
            if (!isDataError(e)) {
                throw e;
            }
        }
        long loaded = 0;
        List<Rejected> rejected = new ArrayList<>();
        for (Row row : rows) {
            Savepoint one = connection.setSavepoint();
            try {
                copyIn(copy, sql, new StringBuilder(row.copyLine()));
                connection.releaseSavepoint(one);
                loaded++;
            } catch (SQLException e) {
                connection.rollback(one);
                if (!isDataError(e)) {
                    throw e;
                }
                rejected.add(new Rejected(row, reason(e)));
            }
        }
        return new Result(loaded, rejected);
    }

    private static void copyIn(CopyManager copy, String sql, CharSequence text) throws SQLException {
        try {
            copy.copyIn(sql, new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new SQLException("COPY stream failed: " + e.getMessage(), "08006", e);
        }
    }

    /** Errors caused by a value (class 22 data exception, 23 integrity, 54 limits), not by the connection. */
    static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.startsWith("54"));
    }

    private static String reason(SQLException e) {
        String message = e.getMessage();
        // pgjdbc appends "Where: COPY ... line 1, column x: <value>"; the value can be large.
        int where = message == null ? -1 : message.indexOf("\n  Where:");
        String head = where > 0 ? message.substring(0, where) : message;
        return "PostgreSQL refused the row (SQLState " + e.getSQLState() + "): " + head;
    }
}
