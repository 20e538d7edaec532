package io.mongopgsync.api;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.stereotype.Component;

/**
 * Whether PostgreSQL answers, known ahead of the calls that need it. A probe opens a connection of its own with
 * short timeouts every {@code sync.api.database-probe-interval} (the pool would wait its full connection timeout for
 * a database that is gone); after three failures in a row, or a call that lost its connection, and until a probe
 * succeeds, API calls are answered 503 at once (DatabaseUnavailableFilter) and the
 * readiness group is DOWN (health indicator "database"), so that a load balancer sends callers elsewhere. Liveness
 * stays UP: a restart brings no database back.
 */
@Component("database")
public class DatabaseAvailability implements HealthIndicator, InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(DatabaseAvailability.class);
    private static final int TIMEOUT_SECONDS = 3;
    private static final int FAILURES_TO_BE_DOWN = 3;
    private static final String TOO_MANY_CONNECTIONS = "53300";

    private final DataSourceProperties dataSource;
    private final Duration interval;
    private volatile String downReason;
    private int failuresInARow; // only the probe thread uses it
    private ScheduledExecutorService probe;

    public DatabaseAvailability(DataSourceProperties dataSource, ApiProperties properties) {
        this.dataSource = dataSource;
        this.interval = properties.databaseProbeInterval();
    }

    /** Null while PostgreSQL answers; otherwise what failed, in words. */
    public String downReason() {
        return downReason;
    }

    /** A call found the database gone before the probe did: the next calls need not wait to find out again. */
    public void reportFailure(String reason) {
        if (downReason == null) {
            markDown(reason);
        }
    }

    @Override
    public Health health() {
        String reason = downReason;
        return reason == null ? Health.up().build() : Health.down().withDetail("reason", reason).build();
    }

    void probeOnce() {
        Properties props = new Properties();
        if (dataSource.determineUsername() != null) {
            props.setProperty("user", dataSource.determineUsername());
        }
        if (dataSource.determinePassword() != null) {
            props.setProperty("password", dataSource.determinePassword());
        }
        props.setProperty("connectTimeout", String.valueOf(TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", String.valueOf(TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", String.valueOf(TIMEOUT_SECONDS * 2));
        props.setProperty("ApplicationName", "mongo-pg-sync availability probe");
        try (Connection connection = DriverManager.getConnection(dataSource.determineUrl(), props);
             Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(TIMEOUT_SECONDS);
            statement.execute("SELECT 1");
            answered();
        } catch (SQLException e) {
            if (TOO_MANY_CONNECTIONS.equals(e.getSQLState())) {
                // it answers, it only has no room for one more connection: the pool's connections still work
                answered();
                return;
            }
            // one slow answer on a busy machine is not an outage: only failures in a row are
            if (++failuresInARow >= FAILURES_TO_BE_DOWN) {
                markDown("PostgreSQL does not answer: " + e.getMessage());
            }
        }
    }

    private void answered() {
        failuresInARow = 0;
        if (downReason != null) {
            log.info("PostgreSQL answers again; API calls are served again");
            downReason = null;
        }
    }

    private void markDown(String reason) {
        if (downReason == null) {
            log.warn("{}; API calls are answered 503 and readiness is DOWN until it answers again", reason);
        }
        downReason = reason;
    }

    @Override
    public void afterPropertiesSet() {
        probe = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "database-availability-probe");
            thread.setDaemon(true);
            return thread;
        });
        probe.scheduleWithFixedDelay(this::probeOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        probe.shutdownNow();
    }
}
