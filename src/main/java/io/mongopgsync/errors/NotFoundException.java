package io.mongopgsync.errors;

/** Something the caller named does not exist (a data source id, a collection). */
public class NotFoundException extends RuntimeException {

    public NotFoundException(String message) {
        super(message);
    }

    public static NotFoundException of(String what, Object id) {
        return new NotFoundException(what + " " + id + " does not exist");
    }
}
