package io.mongopgsync.security;

import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Authenticates a bearer token: one that starts with {@code mps_} is an API token, anything else is a JWT (when an
 * OIDC provider is configured).
 */
final class BearerAuthenticationManager implements AuthenticationManager {

    private final ApiTokenAuthenticator apiTokens;
    private final AuthenticationProvider jwt;
    private final String jwtSource;

    /** {@code jwt} is null when no OIDC provider is configured; {@code jwtSource} names it in messages. */
    BearerAuthenticationManager(ApiTokenAuthenticator apiTokens, AuthenticationProvider jwt, String jwtSource) {
        this.apiTokens = apiTokens;
        this.jwt = jwt;
        this.jwtSource = jwtSource;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        String token = ((BearerTokenAuthenticationToken) authentication).getToken();
        if (ApiTokenSecrets.looksLikeApiToken(token)) {
            return apiTokens.authenticate(token);
        }
        if (jwt == null) {
            throw new InvalidBearerTokenException("The bearer token is not an API token (they start with '"
                    + ApiTokenSecrets.PREFIX + "') and this service accepts no JWTs (no OIDC issuer is configured)");
        }
        try {
            return jwt.authenticate(authentication);
        } catch (AuthenticationServiceException e) {
            throw new IdentityProviderUnavailableException("The JWT could not be checked: the OIDC provider "
                    + jwtSource + " did not answer (" + e.getMessage() + ")", e);
        } catch (AuthenticationException e) {
            throw e;
        } catch (RuntimeException e) {
            // SupplierJwtDecoder fails this way when the issuer's metadata cannot be fetched.
            throw new IdentityProviderUnavailableException("The JWT could not be checked: the OIDC provider "
                    + jwtSource + " did not answer (" + e.getMessage() + ")", e);
        }
    }
}
