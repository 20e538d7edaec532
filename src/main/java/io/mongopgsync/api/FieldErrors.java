package io.mongopgsync.api;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Collects every invalid field of a request so that one 400 names them all. */
public final class FieldErrors {

    private final List<ApiException.FieldError> errors = new ArrayList<>();

    public void add(String field, String message) {
        errors.add(new ApiException.FieldError(field, message));
    }

    public void forEach(java.util.function.BiConsumer<String, String> action) {
        errors.forEach(e -> action.accept(e.field(), e.message()));
    }

    public boolean isEmpty() {
        return errors.isEmpty();
    }

    public void throwIfAny() {
        if (!errors.isEmpty()) {
            String summary = errors.stream().map(e -> e.field() + " " + e.message()).collect(Collectors.joining("; "));
            throw new ApiException(400, "validation_failed", "Invalid request: " + summary, errors);
        }
    }
}
