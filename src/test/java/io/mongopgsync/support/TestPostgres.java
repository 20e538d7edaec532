package io.mongopgsync.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The PostgreSQL server of a test run: {@code DB_URL} (with DB_USER/DB_PASSWORD) when set, otherwise a
 * Testcontainers server when Docker works, otherwise the local server at 127.0.0.1:5432. Each test run gets its
 * own freshly created database, dropped when the JVM exits, so runs never see each other's data.
 */
public final class TestPostgres {

    private static TestPostgres instance;
    private static final java.util.concurrent.atomic.AtomicInteger EXTRA_DATABASES = new java.util.concurrent.atomic.AtomicInteger();

    private final String serverUrl;
    private final String user;
    private final String password;
    private final String database;
    private final String origin;

    private TestPostgres(String serverUrl, String user, String password, String origin) {
        this.serverUrl = serverUrl;
        this.user = user;
        this.password = password;
        this.origin = origin;
        this.database = "mps_test_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")) + "_"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
        execute("CREATE DATABASE " + database);
        Runtime.getRuntime().addShutdownHook(new Thread(this::dropDatabase, "drop-test-database"));
    }

    public static synchronized TestPostgres get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static TestPostgres start() {
        String url = System.getenv("DB_URL");
        if (url != null && !url.isBlank()) {
            return new TestPostgres(url, env("DB_USER", "postgres"), env("DB_PASSWORD", ""), "DB_URL");
        }
        if (dockerAvailable()) {
            try {
                PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine");
                container.start();
                return new TestPostgres(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                        "Testcontainers");
            } catch (RuntimeException e) {
                // Docker answers but cannot run the image (no registry access, for one): use the local server
                System.err.println("Testcontainers PostgreSQL unavailable (" + e.getMessage() + "); using 127.0.0.1:5432");
            }
        }
        return new TestPostgres("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "", "local server");
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    /** JDBC URL of this run's own database. */
    public String jdbcUrl() {
        return jdbcUrl(database);
    }

    private String jdbcUrl(String db) {
        int slash = serverUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = serverUrl.indexOf('?', slash);
        String base = serverUrl.substring(0, slash + 1);
        String params = query >= 0 ? serverUrl.substring(query) : "";
        return base + db + params;
    }

    /**
     * Another fresh database of this run (dropped at exit), for service processes that must not share the job
     * queue with the in-JVM test context.
     */
    public String createExtraDatabase(String purpose) {
        // numbered: two test classes may name the same purpose
        String name = database + "_" + EXTRA_DATABASES.incrementAndGet() + "_" + purpose;
        execute("CREATE DATABASE " + name);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (RuntimeException e) {
                System.err.println("Could not drop test database " + name + ": " + e.getMessage());
            }
        }, "drop-" + name));
        return jdbcUrl(name);
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    public String origin() {
        return origin;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /** The single number a query on another database of this run answers (for service processes' databases). */
    public long queryLong(String jdbcUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
             java.sql.ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public void execute(String jdbcUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection(serverUrl, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL for tests (" + origin + ", " + serverUrl + "): " + e.getMessage(), e);
        }
    }

    private void dropDatabase() {
        try {
            execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } catch (RuntimeException e) {
            System.err.println("Could not drop test database " + database + ": " + e.getMessage());
        }
    }
}
