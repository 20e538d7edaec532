package io.mongopgsync.errors;

import java.util.List;

/** An input with invalid fields; every one is named. */
public class InvalidInputException extends RuntimeException {

    private final List<FieldError> fields;

    public InvalidInputException(String message, List<FieldError> fields) {
        super(message);
        this.fields = List.copyOf(fields);
    }

    public List<FieldError> fields() {
        return fields;
    }
}
