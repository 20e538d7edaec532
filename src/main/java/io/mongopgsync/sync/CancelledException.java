package io.mongopgsync.sync;

/** A sync stopped because someone asked it to, or because its instance must stop; never retried. */
public class CancelledException extends RuntimeException {

    /** The stop reason of a cancel request (the others are shutdown and a lost lease). */
    public static final String BY_REQUEST = "cancelled by request";

    public CancelledException(String message) {
        super(message);
    }

    /** A user's cancel, as opposed to the instance stopping: the run ends cancelled, not interrupted. */
    public boolean byRequest() {
        return BY_REQUEST.equals(getMessage());
    }
}
