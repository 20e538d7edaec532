package io.mongopgsync.sync;

/** A sync stopped because someone asked it to; never retried. */
public class CancelledException extends RuntimeException {
    public CancelledException(String message) {
        super(message);
    }
}
