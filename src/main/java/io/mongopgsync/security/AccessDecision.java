package io.mongopgsync.security;

import org.springframework.security.authorization.AuthorizationDecision;

/** An authorization decision that can say, in user words, why it refused. */
final class AccessDecision extends AuthorizationDecision {

    private final String reason;

    private AccessDecision(boolean granted, String reason) {
        super(granted);
        this.reason = reason;
    }

    static AccessDecision granted() {
        return new AccessDecision(true, null);
    }

    static AccessDecision denied(String reason) {
        return new AccessDecision(false, reason);
    }

    String reason() {
        return reason;
    }
}
