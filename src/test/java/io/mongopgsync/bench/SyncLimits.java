package io.mongopgsync.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;

/**
 * The yardsticks a full sync is measured against, on the very rows it produced: a raw COPY of them plus the
 * primary key (the physical limit of loading), and a row-by-row upsert loop (what a naive importer does). Also
 * reads the service's GC log for the GC share and the peak heap of a time window.
 */
final class SyncLimits {

    private static final Pattern PAUSE = Pattern.compile("^\\[(\\d+\\.\\d+)s].*Pause.* (\\d+)M->(\\d+)M\\((\\d+)M\\) (\\d+\\.\\d+)ms");

    private SyncLimits() {
    }

    /** The table's rows as COPY text in a file, and its column list with types. */
    record Export(Path file, List<String[]> columns, long rows) {
    }

    static Export export(String jdbcUrl, String user, String password, String table) throws Exception {
        Path file = Files.createTempFile("bench-rows", ".copy");
        List<String[]> columns = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            try (PreparedStatement s = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod) "
                    + "FROM pg_attribute a WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped "
                    + "AND a.attname <> '_imported_at' ORDER BY a.attnum")) {
                s.setString(1, table);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        columns.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
            long rows;
            try (OutputStream out = Files.newOutputStream(file)) {
                rows = c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT " + list(columns) + " FROM "
                        + table + ") TO STDOUT", out);
            }
            return new Export(file, columns, rows);
        }
    }

    /** Seconds to COPY the exported rows into a new table and add its primary key. */
    static double rawCopyWithPrimaryKey(String jdbcUrl, String user, String password, Export export) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_raw_copy");
            s.execute("CREATE TABLE bench_raw_copy (" + definitions(export.columns()) + ")");
            long start = System.nanoTime();
            try (InputStream in = Files.newInputStream(export.file())) {
                c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY bench_raw_copy (" + list(export.columns())
                        + ") FROM STDIN", in, 1 << 16);
            }
            s.execute("ALTER TABLE bench_raw_copy ADD PRIMARY KEY (\"_id\")");
            double seconds = (System.nanoTime() - start) / 1e9;
            s.execute("DROP TABLE bench_raw_copy");
            return seconds;
        }
    }

    /**
     * Seconds per row of {@code INSERT ... ON CONFLICT DO UPDATE}, one statement and one commit per row, for the
     * first {@code sample} exported rows.
     */
    static double rowByRowSecondsPerRow(String jdbcUrl, String user, String password, Export export, int sample)
            throws Exception {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS bench_row_by_row");
            s.execute("CREATE TABLE bench_row_by_row (" + definitions(export.columns()) + ", PRIMARY KEY (\"_id\"))");
            StringBuilder values = new StringBuilder();
            StringBuilder updates = new StringBuilder();
            for (String[] col : export.columns()) {
                values.append(values.length() == 0 ? "" : ", ").append("?::").append(col[1]);
                if (!col[0].equals("_id")) {
                    updates.append(updates.length() == 0 ? "" : ", ").append(quote(col[0])).append(" = EXCLUDED.")
                            .append(quote(col[0]));
                }
            }
            String sql = "INSERT INTO bench_row_by_row (" + list(export.columns()) + ") VALUES (" + values
                    + ") ON CONFLICT (\"_id\") DO UPDATE SET " + updates;
            int done = 0;
            long start = System.nanoTime();
            try (PreparedStatement insert = c.prepareStatement(sql);
                 BufferedReader lines = Files.newBufferedReader(export.file(), StandardCharsets.UTF_8)) {
                for (String line = lines.readLine(); line != null && done < sample; line = lines.readLine()) {
                    String[] fields = line.split("\t", -1);
                    for (int i = 0; i < fields.length; i++) {
                        insert.setString(i + 1, unescape(fields[i]));
                    }
                    insert.executeUpdate();
                    done++;
                }
            }
            double perRow = (System.nanoTime() - start) / 1e9 / done;
            s.execute("DROP TABLE bench_row_by_row");
            return perRow;
        }
    }

    /** GC pauses and the largest heap before a pause, between two times of the service's uptime. */
    record Gc(double pauseSeconds, long peakHeapMb, long maxHeapMb) {
    }

    static Gc gc(Path log, double fromUptime, double toUptime) throws IOException {
        double pauses = 0;
        long peak = 0;
        long max = 0;
        for (String line : Files.readAllLines(log)) {
            Matcher m = PAUSE.matcher(line);
            if (m.find()) {
                double at = Double.parseDouble(m.group(1));
                if (at >= fromUptime && at <= toUptime) {
                    pauses += Double.parseDouble(m.group(5)) / 1000;
                    peak = Math.max(peak, Long.parseLong(m.group(2)));
                    max = Math.max(max, Long.parseLong(m.group(4)));
                }
            }
        }
        return new Gc(pauses, peak, max);
    }

    /** The service's uptime as its GC log counts it: the time of the last line. */
    static double uptime(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher m = Pattern.compile("^\\[(\\d+\\.\\d+)s]").matcher(lines.get(i));
            if (m.find()) {
                return Double.parseDouble(m.group(1));
            }
        }
        return 0;
    }

    private static String unescape(String field) {
        if (field.equals("\\N")) {
            return null;
        }
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder s = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char ch = field.charAt(i);
            if (ch == '\\' && i + 1 < field.length()) {
                char n = field.charAt(++i);
                s.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                s.append(ch);
            }
        }
        return s.toString();
    }

    private static String list(List<String[]> columns) {
        StringBuilder out = new StringBuilder();
        columns.forEach(c -> out.append(out.length() == 0 ? "" : ", ").append(quote(c[0])));
        return out.toString();
    }

    private static String definitions(List<String[]> columns) {
        StringBuilder out = new StringBuilder();
        columns.forEach(c -> out.append(out.length() == 0 ? "" : ", ").append(quote(c[0])).append(' ').append(c[1]));
        return out.toString();
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static void sqlQuietly(Connection c, String sql) {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException ignored) {
            // best effort
        }
    }
}
