package io.mongopgsync.security;

/** What a caller needs to reach an endpoint. */
public enum Access {
    /** No authentication: probes, the dashboard's files, the API description. */
    ANONYMOUS,
    /** Any authenticated caller, with or without one of the service's roles. */
    AUTHENTICATED,
    VIEWER,
    /**
     * Answers that hold documents (rejects, query results), which can be personal data: viewer when
     * {@code sync.security.viewers-read-data} is true, otherwise operator.
     */
    VIEWER_IF_DATA_ALLOWED,
    OPERATOR,
    ADMIN;

    /** The lowest role that passes, for the access levels that need one. */
    public Role minimalRole(boolean viewersReadData) {
        return switch (this) {
            case VIEWER -> Role.VIEWER;
            case VIEWER_IF_DATA_ALLOWED -> viewersReadData ? Role.VIEWER : Role.OPERATOR;
            case OPERATOR -> Role.OPERATOR;
            case ADMIN -> Role.ADMIN;
            case ANONYMOUS, AUTHENTICATED -> null;
        };
    }
}
