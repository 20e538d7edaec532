package io.mongopgsync.security;

import java.time.Instant;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.stereotype.Component;

/** Checks an API token against the stored hashes: unknown, revoked and expired tokens are refused. */
@Component
class ApiTokenAuthenticator {

    private final ApiTokenStore store;

    ApiTokenAuthenticator(ApiTokenStore store) {
        this.store = store;
    }

    Authentication authenticate(String secret) {
        ApiTokenStore.StoredToken token = store.findBySecret(secret).orElseThrow(() ->
                new InvalidBearerTokenException("The API token is not known to this service"));
        if (token.revokedAt() != null) {
            throw new InvalidBearerTokenException("The API token '" + token.name() + "' was revoked at "
                    + token.revokedAt());
        }
        if (token.expiresAt() != null && !token.expiresAt().isAfter(Instant.now())) {
            throw new InvalidBearerTokenException("The API token '" + token.name() + "' expired at " + token.expiresAt());
        }
        store.touch(token.id());
        return new ApiTokenAuthentication(token.id(), new Caller(token.name(), token.role(), Caller.TOKEN));
    }
}
