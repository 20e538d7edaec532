package io.mongopgsync.query;

/**
 * A pipeline the service will not answer: malformed (the message says where) or using a stage, operator or value
 * the translator cannot answer faithfully (the message names it). Never answered with an approximation.
 */
public class PipelineException extends RuntimeException {

    /** Why a pipeline is refused. */
    public enum Kind {
        MALFORMED("invalid_pipeline"),
        UNSUPPORTED("unsupported_pipeline"),
        FORBIDDEN("forbidden_pipeline");

        public final String code;

        Kind(String code) {
            this.code = code;
        }
    }

    private final Kind kind;
    private final String where;

    public PipelineException(Kind kind, String where, String message) {
        super(where + ": " + message);
        this.kind = kind;
        this.where = where;
    }

    public static PipelineException malformed(String where, String message) {
        return new PipelineException(Kind.MALFORMED, where, message);
    }

    public static PipelineException unsupported(String where, String message) {
        return new PipelineException(Kind.UNSUPPORTED, where, message);
    }

    public Kind kind() {
        return kind;
    }

    /** The JSON path in the request, e.g. {@code pipeline[2].$group._id}. */
    public String where() {
        return where;
    }
}
