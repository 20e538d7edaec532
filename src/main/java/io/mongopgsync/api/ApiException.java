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

    public ApiException(int status, String error, String message) {
        this(status, error, message, List.of());
    }

    public ApiException(int status, String error, String message, List<FieldError> details) {
        super(message);
        this.status = status;
        this.error = error;
        this.details = List.copyOf(details);
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
