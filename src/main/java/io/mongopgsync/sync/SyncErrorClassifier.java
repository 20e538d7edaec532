package io.mongopgsync.sync;

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
import org.apache.camel.ExchangeException;
import org.apache.camel.Header;
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

    public SyncErrorClassifier(io.mongopgsync.config.SyncProperties properties) {
        this.maxAttempts = properties.retry().maxAttempts();
    }

    /** Camel's retryWhile: retry while the failure is retriable and attempts remain. */
    public boolean shouldRetry(@ExchangeException Throwable failure,
                               @Header(Exchange.REDELIVERY_COUNTER) Integer redeliveries) {
        // Camel counts the failed delivery before asking: 1 after the first attempt failed
        int attemptsSoFar = redeliveries == null ? 1 : Math.max(1, redeliveries);
        boolean retry = attemptsSoFar < maxAttempts && isRetriable(failure);
        if (retry) {
            log.warn("Collection sync attempt {} of {} failed for a retriable reason, retrying with backoff: {}",
                    attemptsSoFar, maxAttempts, RunReport.rootMessage(failure));
        }
        return retry;
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
