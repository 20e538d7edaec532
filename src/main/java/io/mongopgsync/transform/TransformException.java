package io.mongopgsync.transform;

/** A transform file that cannot be used: names the file, the line when known, and the problem. */
public class TransformException extends RuntimeException {

    public TransformException(String message) {
        super(message);
    }

    public TransformException(String message, Throwable cause) {
        super(message, cause);
    }

    static TransformException at(String file, int line, String problem) {
        return new TransformException(file + (line > 0 ? " line " + line : "") + ": " + problem);
    }
}
