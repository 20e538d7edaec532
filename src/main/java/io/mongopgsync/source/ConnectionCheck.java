package io.mongopgsync.source;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;
import org.springframework.stereotype.Component;

/** Checks that a source's MongoDB answers, accepts the credentials and has the database. */
@Component
public class ConnectionCheck {

    /** Which part of a connection failed. */
    public enum Failure {
        UNREACHABLE("mongodb_unreachable"),
        AUTHENTICATION("mongodb_authentication_failed"),
        UNKNOWN_DATABASE("mongodb_unknown_database"),
        ERROR("mongodb_error");

        public final String code;

        Failure(String code) {
            this.code = code;
        }
    }

    public record Result(String serverVersion, List<String> collections) {
    }

    public static class CheckFailedException extends RuntimeException {
        private final Failure failure;

        public CheckFailedException(Failure failure, String message, Throwable cause) {
            super(message, cause);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    private final MongoConnections connections;

    public ConnectionCheck(MongoConnections connections) {
        this.connections = connections;
    }

    public Result check(DataSourceRecord source) {
        String uri = connections.connectionString(source);
        try (MongoClient client = connections.createUnshared(uri)) {
            Document buildInfo = client.getDatabase("admin").runCommand(new Document("buildInfo", 1));
            String version = buildInfo.get("version", "unknown");
            requireDatabase(client, source.database());
            MongoDatabase db = client.getDatabase(source.database());
            List<String> names = new ArrayList<>();
            for (String name : db.listCollectionNames()) {
                if (!name.startsWith("system.")) {
                    names.add(name);
                }
            }
            names.sort(String::compareTo);
            return new Result(version, names);
        } catch (CheckFailedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw classify(e, uri);
        }
    }

    private static void requireDatabase(MongoClient client, String database) {
        List<String> databases = new ArrayList<>();
        try {
            client.listDatabaseNames().into(databases);
        } catch (MongoCommandException e) {
            if (e.getErrorCode() == 13) {
                return; // not authorised to list databases: the collection listing below still proves access
            }
            throw e;
        }
        if (!databases.contains(database)) {
            throw new CheckFailedException(Failure.UNKNOWN_DATABASE, "Database '" + database
                    + "' does not exist on the server (it has: " + String.join(", ", databases) + ")", null);
        }
    }

    /** Turns a driver exception into a failure kind and a message that names the cause without secrets. */
    public static CheckFailedException classify(RuntimeException e, String uri) {
        String chain = describeChain(e);
        Failure failure;
        String message;
        if (e instanceof MongoSecurityException || chain.contains("MongoSecurityException")
                || (e instanceof MongoCommandException c && (c.getErrorCode() == 18 || c.getErrorCode() == 13))) {
            failure = Failure.AUTHENTICATION;
            message = "Authentication failed: the server rejected the credentials";
        } else if (chain.contains("UnknownHostException")) {
            failure = Failure.UNREACHABLE;
            message = "Host not found: the MongoDB host name does not resolve";
        } else if (chain.contains("Connection refused")) {
            failure = Failure.UNREACHABLE;
            message = "Host unreachable: connection refused (nothing listens on that host and port)";
        } else if (e instanceof MongoTimeoutException) {
            failure = Failure.UNREACHABLE;
            message = "Host unreachable: no MongoDB server answered before the timeout";
        } else {
            failure = Failure.ERROR;
            message = "MongoDB error: " + e.getMessage();
        }
        return new CheckFailedException(failure, ConnectionStrings.redactIn(message, uri), e);
    }

    private static String describeChain(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            out.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return out.toString();
    }
}
