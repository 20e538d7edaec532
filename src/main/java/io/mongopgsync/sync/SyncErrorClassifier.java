package io.mongopgsync.sync;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoCursorNotFoundException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import org.apache.camel.Exchange;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;

/**
 * Which failures are worth another attempt (network, failover, lock waits, a lost connection) and which are not
 * (bad data, missing permissions, cancellation). The sync routes retry only the former, with backoff.
 */
@Component("syncErrorClassifier")
public class SyncErrorClassifier {

    /** SQLStates that a later attempt can succeed past. */
    private static final Set<String> RETRIABLE_SQL_STATES = Set.of(
            "40001", // serialization_failure
            "40P01", // deadlock_detected
            "55P03", // lock_not_available (lock_timeout)
            "57P01", // admin_shutdown
            "57P02", // crash_shutdown
            "57P03", // cannot_connect_now
            "53300"  // too_many_connections
    );

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SyncErrorClassifier.class);

    private final int maxAttempts;
    private final SystemRecovery recovery;

    public SyncErrorClassifier(io.mongopgsync.config.SyncProperties properties, SystemRecovery recovery) {
        this.maxAttempts = properties.retry().maxAttempts();
        this.recovery = recovery;
    }

    /**
     * Camel's retryWhile: retry while the failure is retriable and attempts remain. When MongoDB or PostgreSQL
     * cannot be reached, the next attempt waits (bounded) until it answers again rather than failing while it is
     * down.
     */
    public boolean shouldRetry(Exchange exchange) {
        // the caught exception with its whole chain: Camel hands a retryWhile bean the innermost cause otherwise
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (failure == null) {
            failure = exchange.getException();
        }
        Integer redeliveries = exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        // Camel counts the failed delivery before asking: 1 after the first attempt failed
        int attemptsSoFar = redeliveries == null ? 1 : Math.max(1, redeliveries);
        if (failure == null || attemptsSoFar >= maxAttempts || !isRetriable(failure)) {
            return false;
        }
        CollectionRun run = exchange.getProperty(CollectionRun.PROPERTY, CollectionRun.class);
        String what = run == null ? "collection sync" : "sync of " + run.source.name() + "." + run.collection;
        String message = run == null ? RunReport.rootMessage(failure)
                : java.util.Objects.requireNonNullElse(FailureMessages.describe(run, failure), RunReport.rootMessage(failure));
        log.warn("Attempt {} of {} of the {} failed for a retriable reason, retrying with backoff: {}",
                attemptsSoFar, maxAttempts, what, message);
        FailureMessages.System system = FailureMessages.systemOf(failure);
        if (run != null && system != null && !recovery.awaitRecovery(run, system)) {
            return false;
        }
        return run == null || !run.stopped();
    }

    public static boolean isRetriable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CancelledException) {
                return false;
            }
            if (t instanceof MongoSocketException || t instanceof MongoTimeoutException
                    || t instanceof MongoNotPrimaryException || t instanceof MongoNodeIsRecoveringException
                    || t instanceof MongoCursorNotFoundException) {
                return true;
            }
            if (t instanceof MongoException m && (m.hasErrorLabel("RetryableReadError")
                    || m.hasErrorLabel("TransientTransactionError") || m.hasErrorLabel("ResumableChangeStreamError"))) {
                return true;
            }
            if (t instanceof java.io.IOException || t instanceof MongoConnectionPoolClearedException) {
                return true; // the network: connection reset, broken pipe, end of stream, refused, timed out
            }
            if (t instanceof CannotGetJdbcConnectionException || t instanceof TransientDataAccessException
                    || t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || RETRIABLE_SQL_STATES.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    public static boolean isLockTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && "55P03".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
