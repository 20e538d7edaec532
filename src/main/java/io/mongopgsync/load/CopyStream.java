package io.mongopgsync.load;

import io.mongopgsync.mapping.CopyText;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * One COPY into a table that stays open across batches: rows are appended to {@link #rows()} as they are mapped
 * and sent with {@link #send()}, so PostgreSQL parses and stores them while the next batch is read and mapped.
 * The rows sent since the last commit form a chunk, kept as the COPY bytes only (the one copy of them in memory);
 * a chunk ends at the first batch boundary past {@code chunkBytes}, or when the columns change. If PostgreSQL refuses a row, the chunk
 * is loaded again row by row so that only the refused rows are set aside, with the reason.
 *
 * <p>Each chunk is one transaction on a connection held by the stream, committed with {@code synchronous_commit
 * off}: the table is a shadow that only becomes visible through a later, durable swap, and a crash before it
 * discards the shadow anyway. Not thread-safe: one stream per reading thread.
 */
public final class CopyStream implements AutoCloseable {

    private final DataSource dataSource;
    private final String qualifiedTable;
    private final long chunkBytes;
    private final CopyText chunk;
    /**
     * The chunk's buffer keeps what it grew to for the next chunk, up to this. A chunk passes {@code chunkBytes} by
     * up to a batch, so doubling takes the buffer to about twice that; shrunk after every chunk it was allocated
     * again for each (two humongous objects per chunk in a small heap, which set off most of a sync's collections).
     */
    private final int keptCapacity;
    private Connection connection;
    private CopyIn copy;
    private String columns;
    private int sent;
    private long rowsInChunk;
    private volatile boolean aborted;

    public CopyStream(DataSource dataSource, String qualifiedTable, long chunkBytes) {
        this.dataSource = dataSource;
        this.qualifiedTable = qualifiedTable;
        this.chunkBytes = chunkBytes;
        this.chunk = new CopyText((int) Math.min(chunkBytes + (chunkBytes >> 3), 1 << 20));
        this.keptCapacity = (int) Math.min(2 * chunkBytes + (chunkBytes >> 2), Integer.MAX_VALUE - 8);
    }

    /** Where the caller appends rows (whole COPY lines), then calls {@link #rowAdded}. */
    public CopyText rows() {
        return chunk;
    }

    public void rowAdded() {
        rowsInChunk++;
    }

    /** Rows appended since the last commit: not yet known to be stored. */
    public long pendingRows() {
        return rowsInChunk;
    }

    /**
     * Rows of {@code columns} follow. When they differ from the open COPY's, the chunk is committed first (its result
     * is returned); otherwise null.
     */
    public CopyLoader.Result columns(String columns) throws SQLException {
        if (columns.equals(this.columns)) {
            return null;
        }
        CopyLoader.Result committed = rowsInChunk > 0 || copy != null ? commit() : null;
        this.columns = columns;
        return committed;
    }

    /**
     * Sends the rows appended since the last call. Returns null while the COPY goes on, or the result of the chunk
     * when PostgreSQL refused a row of it already (then loaded again row by row and committed).
     */
    public CopyLoader.Result send() throws SQLException {
        try {
            push();
        } catch (SQLException e) {
            return refused(e);
        }
        return null;
    }

    /** Commits the chunk when it holds {@code chunkBytes} (called between batches); otherwise null. */
    public CopyLoader.Result commitIfFull() throws SQLException {
        return chunk.length() >= chunkBytes ? commit() : null;
    }

    /**
     * Ends the COPY and commits the chunk; a chunk with a row PostgreSQL refused is loaded again row by row. Errors
     * other than refused values (a lost connection) propagate: the caller retries the collection.
     */
    public CopyLoader.Result commit() throws SQLException {
        if (rowsInChunk == 0 && copy == null) {
            return new CopyLoader.Result(0, List.of());
        }
        try {
            push();
            copy.endCopy();
            copy = null;
            connection.commit();
        } catch (SQLException e) {
            return refused(e);
        }
        return ended(new CopyLoader.Result(rowsInChunk, List.of()));
    }

    /** PostgreSQL refused the chunk: a refused value means row by row, anything else ends the stream. */
    private CopyLoader.Result refused(SQLException e) throws SQLException {
        CopyIn open = copy;
        copy = null;
        try {
            if (open != null && open.isActive()) {
                open.cancelCopy();
            }
        } catch (SQLException | RuntimeException ignored) {
            // the connection may be gone
        }
        if (!CopyLoader.isDataError(e)) {
            // a lost connection: a COPY whose end never arrived keeps the driver's lock, and a rollback on it would
            // wait for ever; the connection is dropped instead and the caller retries the collection
            dropConnection();
            throw e;
        }
        connection.rollback();
        synchronousCommitOff();
        CopyLoader.Result result = CopyLoader.rowByRow(connection, sql(), chunk);
        connection.commit();
        return ended(result);
    }

    private void dropConnection() {
        Connection gone = connection;
        connection = null;
        if (gone == null) {
            return;
        }
        try {
            gone.abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // already closed
        }
        try {
            gone.close();
        } catch (SQLException | RuntimeException ignored) {
            // the pool evicts a connection it cannot reset
        }
    }

    private CopyLoader.Result ended(CopyLoader.Result result) {
        chunk.clear();
        chunk.shrinkTo(keptCapacity);
        sent = 0;
        rowsInChunk = 0;
        return result;
    }

    private void push() throws SQLException {
        if (copy == null) {
            open();
        }
        if (chunk.length() > sent) {
            copy.writeToCopy(chunk.array(), sent, chunk.length() - sent);
            sent = chunk.length();
        }
    }

    private void open() throws SQLException {
        if (aborted) {
            // a late caller must not open a new COPY into a table a new attempt may have made under the same name
            throw new IllegalStateException("the COPY into " + qualifiedTable + " was stopped");
        }
        if (columns == null) {
            throw new IllegalStateException("columns not set");
        }
        if (connection == null) {
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
        }
        synchronousCommitOff();
        copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql());
    }

    private void synchronousCommitOff() throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET LOCAL synchronous_commit TO off");
        }
    }

    private String sql() {
        return "COPY " + qualifiedTable + " (" + columns + ") FROM STDIN";
    }

    /** Stops a COPY under way (cancel, failure): nothing of the open chunk is stored, the connection goes back. */
    public void abort() {
        aborted = true;
        try {
            if (copy != null && copy.isActive()) {
                copy.cancelCopy();
            }
        } catch (SQLException | RuntimeException gone) {
            // the connection is gone with the COPY still open on it: a rollback would wait for ever on the driver's
            // lock, so the connection is dropped rather than closed
            dropConnection();
        }
        copy = null;
        chunk.clear();
        sent = 0;
        rowsInChunk = 0;
        close();
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                if (!connection.isClosed() && !connection.getAutoCommit()) {
                    connection.rollback();
                }
            } catch (SQLException ignored) {
                // a broken connection: the pool discards it
            }
            try {
                connection.close();
            } catch (SQLException ignored) {
                // nothing more to do
            }
            connection = null;
        }
    }
}
