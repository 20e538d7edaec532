package io.mongopgsync.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.errors.ConflictException;
import io.mongopgsync.errors.InvalidInputException;
import io.mongopgsync.errors.NotFoundException;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;

/**
 * Answers every failed REST operation with {@code {error, message, details?}}: the status of an
 * {@link ApiException}, or 500 for anything unexpected (logged here, never shown to the client).
 */
@Component("apiErrorWriter")
public class ApiErrorWriter implements Processor {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorWriter.class);

    private final ObjectMapper mapper;
    private final DatabaseAvailability database;

    public ApiErrorWriter(ObjectMapper mapper, DatabaseAvailability database) {
        this.mapper = mapper;
        this.database = database;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Map<String, Object> body = new LinkedHashMap<>();
        int status;
        if (failure instanceof ApiException api) {
            status = api.status();
            body.put("error", api.error());
            body.put("message", api.getMessage());
            if (!api.details().isEmpty()) {
                body.put("details", api.details());
            }
        } else if (failure instanceof InvalidInputException invalid) {
            status = 400;
            body.put("error", "validation_failed");
            body.put("message", invalid.getMessage());
            body.put("details", invalid.fields());
        } else if (failure instanceof NotFoundException notFound) {
            status = 404;
            body.put("error", "not_found");
            body.put("message", notFound.getMessage());
        } else if (failure instanceof ConflictException conflict) {
            status = 409;
            body.put("error", conflict.code());
            body.put("message", conflict.getMessage());
        } else if (failure instanceof com.mongodb.MongoException mongo) {
            status = 502;
            body.put("error", "mongodb_unreachable");
            // the driver's messages name hosts and states, never credentials
            body.put("message", "MongoDB could not be read for this request: "
                    + (mongo.getMessage() == null ? mongo.getClass().getSimpleName() : mongo.getMessage()));
        } else if (failure instanceof CannotGetJdbcConnectionException || connectionFailure(failure) != null) {
            status = 503;
            SQLException lost = connectionFailure(failure);
            String reason = lost != null ? "PostgreSQL does not answer: " + lost.getMessage()
                    : "No PostgreSQL connection became free in time (all are in use)";
            if (lost != null) {
                database.reportFailure(reason);
            }
            body.put("error", "database_unavailable");
            body.put("message", reason + "; try again shortly");
        } else {
            status = 500;
            String path = exchange.getMessage().getHeader(Exchange.HTTP_URI, String.class);
            log.error("Unexpected failure answering {} {}", exchange.getMessage().getHeader(Exchange.HTTP_METHOD), path,
                    failure);
            body.put("error", "internal_error");
            body.put("message", "The service failed to answer this request; the service log has the details");
        }
        ApiResponseWriter.write(exchange.getMessage(), status, mapper.writeValueAsString(body));
        if (status == 503 && "database_unavailable".equals(body.get("error"))) {
            exchange.getMessage().setHeader("Retry-After", DatabaseUnavailableFilter.RETRY_AFTER_SECONDS);
        }
        if (failure instanceof ApiException api && api.retryAfterSeconds() != null) {
            exchange.getMessage().setHeader("Retry-After", api.retryAfterSeconds());
        }
    }

    /** The lost or refused connection (SQL state class 08, or 57P0x: the server shut down) behind a failure. */
    private static SQLException connectionFailure(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0"))) {
                return sql;
            }
        }
        return null;
    }
}
