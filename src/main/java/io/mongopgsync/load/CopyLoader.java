package io.mongopgsync.load;

import io.mongopgsync.mapping.CopyText;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Bulk-loads COPY text (rows written by the row mapper: {@code _id} first, {@code _source_document} last). When
 * PostgreSQL refuses a value, the rows are loaded again one by one so that only the rows that cannot be stored are
 * set aside, with the reason and the document read back from the row itself.
 */
public final class CopyLoader {

    /** A row PostgreSQL refused: the document's id and JSON as the row held them, and why. */
    public record Rejected(String documentId, String rawDocument, String reason) {
    }

    public record Result(long loaded, List<Rejected> rejected) {
    }

    private CopyLoader() {
    }

    /**
     * Copies the rows into {@code qualifiedTable (columns)} on {@code connection}, which must not be in auto-commit
     * mode; the caller commits.
     */
    public static Result copy(Connection connection, String qualifiedTable, String columns, CopyText rows)
            throws SQLException {
        if (rows.length() == 0) {
            return new Result(0, List.of());
        }
        String sql = "COPY " + qualifiedTable + " (" + columns + ") FROM STDIN";
        Savepoint batch = connection.setSavepoint();
        try {
            long loaded = copyIn(connection, sql, rows.array(), 0, rows.length());
            connection.releaseSavepoint(batch);
            return new Result(loaded, List.of());
        } catch (SQLException e) {
            connection.rollback(batch);
            if (!isDataError(e)) {
                throw e;
            }
        }
        return rowByRow(connection, sql, rows);
    }

    /** Each line in a COPY of its own under a savepoint: the refused ones are returned with the reason. */
    static Result rowByRow(Connection connection, String sql, CopyText rows) throws SQLException {
        byte[] bytes = rows.array();
        long loaded = 0;
        List<Rejected> rejected = new ArrayList<>();
        for (int start = 0; start < rows.length(); ) {
            int end = start;
            while (bytes[end] != '\n') {
                end++;
            }
            Savepoint one = connection.setSavepoint();
            try {
                copyIn(connection, sql, bytes, start, end + 1);
                connection.releaseSavepoint(one);
                loaded++;
            } catch (SQLException e) {
                connection.rollback(one);
                if (!isDataError(e)) {
                    throw e;
                }
                rejected.add(new Rejected(firstField(bytes, start, end), lastField(bytes, start, end), reason(e)));
            }
            start = end + 1;
        }
        return new Result(loaded, rejected);
    }

    private static long copyIn(Connection connection, String sql, byte[] bytes, int from, int to) throws SQLException {
        CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            copy.writeToCopy(bytes, from, to - from);
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
    }

    private static String firstField(byte[] bytes, int start, int end) {
        int tab = start;
        while (tab < end && bytes[tab] != '\t') {
            tab++;
        }
        return unescape(bytes, start, tab);
    }

    private static String lastField(byte[] bytes, int start, int end) {
        int tab = end;
        while (tab > start && bytes[tab - 1] != '\t') {
            tab--;
        }
        return unescape(bytes, tab, end);
    }

    /** The text of one COPY field (the reverse of the row mapper's escaping); null for \N. */
    static String unescape(byte[] bytes, int from, int to) {
        if (to - from == 2 && bytes[from] == '\\' && bytes[from + 1] == 'N') {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = bytes[i];
            if (b == '\\' && i + 1 < to) {
                byte next = bytes[++i];
                out.write(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> next;
                });
            } else {
                out.write(b);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
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
