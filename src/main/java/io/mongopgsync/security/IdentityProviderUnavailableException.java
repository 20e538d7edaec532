package io.mongopgsync.security;

import org.springframework.security.core.AuthenticationException;

/** A JWT could not be checked because the OIDC provider (issuer metadata or JWK set) could not be reached. */
class IdentityProviderUnavailableException extends AuthenticationException {

    IdentityProviderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
