package io.mongopgsync.sync;

import io.mongopgsync.config.SyncProperties;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Waits, before a collection's next attempt, until the system whose connection failed answers again: a restart of
 * MongoDB or PostgreSQL, a failover or a short network outage costs the sync time, not its attempts. The wait is
 * bounded by {@code sync.retry.outage-wait} and ends early when the run is cancelled or the service stops.
 */
@Component
public class SystemRecovery {

    private static final Logger log = LoggerFactory.getLogger(SystemRecovery.class);
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(500);

    private final DataSource dataSource;
    private final Duration outageWait;

    public SystemRecovery(DataSource dataSource, SyncProperties properties) {
        this.dataSource = dataSource;
        this.outageWait = properties.retry().outageWait();
    }

    /** True when the system answers (at once, or within the wait); false when it stayed away or the run stopped. */
    boolean awaitRecovery(CollectionRun run, FailureMessages.System system) {
        if (answers(run, system)) {
            return true;
        }
        String name = system == FailureMessages.System.MONGODB ? "MongoDB" : "PostgreSQL";
        log.warn("{} does not answer; the sync of {}.{} waits up to {} s for it to come back before its next attempt",
                name, run.source.name(), run.collection, outageWait.toSeconds());
        Instant started = Instant.now();
        Instant deadline = started.plus(outageWait);
        while (Instant.now().isBefore(deadline)) {
            if (run.stopped()) {
                return false;
            }
            LockSupport.parkNanos(PROBE_INTERVAL.toNanos());
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
            if (answers(run, system)) {
                log.info("{} answers again after {} s; the sync of {}.{} goes on", name,
                        Duration.between(started, Instant.now()).toSeconds(), run.source.name(), run.collection);
                return true;
            }
        }
        log.warn("{} did not come back within {} s; the sync of {}.{} fails", name, outageWait.toSeconds(),
                run.source.name(), run.collection);
        run.outage = name + " did not answer again within " + outageWait.toSeconds() + " s";
        return false;
    }

    /**
     * Before a failed run records its outcome (drops its shadow table, writes its history row): when PostgreSQL is
     * what failed, waits for it once more (bounded), so the failure is recorded and the shadow dropped as soon as it
     * is back. If it stays away, the job's lease runs out and the job is queued again once it is back.
     */
    void awaitPostgresBeforeRecording(CollectionRun run, Throwable failure) {
        if (FailureMessages.systemOf(failure) != FailureMessages.System.POSTGRESQL
                || answers(run, FailureMessages.System.POSTGRESQL)) {
            return;
        }
        Instant deadline = Instant.now().plus(outageWait);
        while (Instant.now().isBefore(deadline) && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(PROBE_INTERVAL.toNanos());
            if (answers(run, FailureMessages.System.POSTGRESQL)) {
                return;
            }
        }
    }

    private boolean answers(CollectionRun run, FailureMessages.System system) {
        try {
            if (system == FailureMessages.System.MONGODB) {
                run.mongo.getDatabase("admin").runCommand(new Document("ping", 1));
                return true;
            }
            try (Connection connection = dataSource.getConnection()) {
                return connection.isValid(2);
            }
        } catch (Exception e) {
            return false;
        }
    }
}
