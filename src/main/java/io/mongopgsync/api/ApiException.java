package io.mongopgsync.api;

import io.mongopgsync.errors.FieldError;
import java.util.List;

/**
 * An error of the REST layer itself (content type, malformed JSON, ids in paths), answered as
 * {@code {error, message, details?}} with the given HTTP status. Domain errors are in {@code io.mongopgsync.errors}.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String error;
    private final List<FieldError> details;
    private final Integer retryAfterSeconds;

    public ApiException(int status, String error, String message) {
        this(status, error, message, List.of());
    }

    public ApiException(int status, String error, String message, List<FieldError> details) {
        this(status, error, message, details, null);
    }

    /** With a Retry-After header: the refusal is temporary (429, 503). */
    public ApiException(int status, String error, String message, List<FieldError> details,
                        Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.error = error;
        this.details = List.copyOf(details);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds after which the same call may succeed, or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public List<FieldError> details() {
        return details;
    }
}
