package io.mongopgsync.errors;

/** The request clashes with the current state (a sync already running, a duplicate name); {@code code} names it. */
public class ConflictException extends RuntimeException {

    private final String code;

    public ConflictException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
