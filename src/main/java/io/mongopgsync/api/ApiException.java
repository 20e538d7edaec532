package io.mongopgsync.api;

import java.util.List;

/** An error answered to the client as {@code {error, message, details?}} with the given HTTP status. */
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

    public static ApiException notFound(String what, Object id) {
        return new ApiException(404, "not_found", what + " " + id + " does not exist");
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

    /** One invalid field of a request body, named by its JSON path. */
    public record FieldError(String field, String message) {
    }
}
