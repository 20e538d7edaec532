package io.mongopgsync.errors;

/** One invalid field of an input, named by its JSON path. */
public record FieldError(String field, String message) {
}
