package io.mongopgsync.sync;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Locale;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * A collection's failure in words: which system failed (MongoDB or PostgreSQL), how (connection reset, unreachable,
 * refused the credentials, …), what the sync was doing and how far it got, e.g. "MongoDB connection reset while
 * reading shop.orders after 108,000 documents". Failures of neither system keep their own message.
 */
final class FailureMessages {

    enum System { MONGODB, POSTGRESQL }

    private FailureMessages() {
    }

    /** The system a failure came from, or null when it came from neither (bad data, a team's step, a bug). */
    static System systemOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MongoException) {
                return System.MONGODB;
            }
            if (t instanceof SQLException || t instanceof CannotGetJdbcConnectionException
                    || t instanceof org.springframework.dao.DataAccessException) {
                return System.POSTGRESQL;
            }
        }
        return null;
    }

    /** The sentence for a failed attempt of a run, or null when the failure is not one of MongoDB or PostgreSQL. */
    static String describe(CollectionRun run, Throwable failure) {
        System system = systemOf(failure);
        if (system == null || !isDriverFailure(unwrapped(failure))) {
            return null; // the service's own messages (a view that cannot be recreated, …) already say it in words
        }
        String namespace = run.source.database() + "." + run.collection;
        String progress = run.synced + run.failed + run.droppedByStep > 0
                ? " after " + String.format(Locale.ROOT, "%,d", run.synced + run.failed + run.droppedByStep) + " documents"
                : "";
        if (system == System.MONGODB) {
            String doing = run.stage == CollectionRun.Stage.PREPARING ? "sampling " + namespace
                    : run.stage == CollectionRun.Stage.FINISHING ? "reading the indexes of " + namespace
                    : "reading " + namespace + progress;
            return "MongoDB " + mongoProblem(failure) + " while " + doing;
        }
        String target = run.schema + "." + (run.table == null ? run.collection : run.table);
        String doing = switch (run.stage) {
            case PREPARING -> "preparing the table " + target + " for " + namespace;
            case LOADING -> "copying " + namespace + " into " + target + progress;
            case FINISHING -> "swapping in the new version of " + target + " (the table in use is unchanged)";
        };
        return "PostgreSQL " + postgresProblem(failure) + " while " + doing;
    }

    private static String mongoProblem(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MongoSecurityException) {
                return "refused the credentials";
            }
            if (t instanceof MongoSocketReadTimeoutException) {
                return "did not answer in time";
            }
            if (t instanceof MongoSocketOpenException) {
                return "could not be connected to (" + lastMessage(t) + ")";
            }
            if (t instanceof MongoTimeoutException) {
                return "could not be reached (no server answered before the timeout)";
            }
            if (t instanceof MongoCommandException command) {
                return "refused the command (error " + command.getErrorCode() + ": " + command.getErrorMessage() + ")";
            }
        }
        String reason = lastMessage(failure).toLowerCase(Locale.ROOT);
        if (reason.contains("reset")) {
            return "connection reset";
        }
        if (hasCause(failure, IOException.class) || reason.contains("end of stream") || reason.contains("closed")) {
            return "connection lost";
        }
        return "failed (" + RunReport.rootMessage(failure) + ")";
    }

    private static String postgresProblem(Throwable failure) {
        String state = null;
        for (Throwable t = failure; t != null && state == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                state = sql.getSQLState();
            }
        }
        if (state != null) {
            switch (state) {
                case "57P01", "57P02" -> {
                    return "was shut down";
                }
                case "57P03" -> {
                    return "is starting up and refused the connection";
                }
                case "53300" -> {
                    return "has no free connections";
                }
                case "55P03" -> {
                    return "timed out waiting for a lock";
                }
                case "40P01" -> {
                    return "found a deadlock";
                }
                case "08001", "08004" -> {
                    return "could not be reached (" + lastMessage(failure) + ")";
                }
                default -> {
                    if (state.startsWith("08")) {
                        return lastMessage(failure).toLowerCase(Locale.ROOT).contains("reset")
                                ? "connection reset" : "connection lost";
                    }
                }
            }
        }
        if (hasCause(failure, CannotGetJdbcConnectionException.class)) {
            return "could not be reached (" + lastMessage(failure) + ")";
        }
        if (hasCause(failure, IOException.class)) {
            return "connection lost";
        }
        return "refused the statement (" + RunReport.rootMessage(failure) + ")";
    }

    /** Past the wrappers of Camel and executors, to the exception that says what happened. */
    private static Throwable unwrapped(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t && (t instanceof org.apache.camel.CamelException
                || t instanceof org.apache.camel.RuntimeCamelException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean isDriverFailure(Throwable t) {
        return t instanceof MongoException || t instanceof SQLException || t instanceof IOException
                || t instanceof org.springframework.dao.DataAccessException;
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message of the chain (the network's own words, "Connection reset by peer"). */
    private static String lastMessage(Throwable failure) {
        String message = null;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message == null ? failure.getClass().getSimpleName() : message;
    }
}
