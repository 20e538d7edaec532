package io.mongopgsync.security;

import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The authenticated caller of a request: who (token name or JWT subject), the role (null for a JWT that carries
 * none of the service's roles) and how they authenticated ("token" or "jwt").
 */
public record Caller(String subject, Role role, String authMethod) {

    public static final String TOKEN = "token";
    public static final String JWT = "jwt";

    /** The request attribute under which the security filters leave the caller for the REST beans and the audit. */
    public static final String REQUEST_ATTRIBUTE = Caller.class.getName();

    /** The caller an authentication stands for; empty for anonymous requests. */
    public static Optional<Caller> of(Authentication authentication) {
        if (authentication instanceof ApiTokenAuthentication token) {
            return Optional.of(token.caller());
        }
        if (authentication instanceof JwtAuthenticationToken jwt) {
            return Optional.of(new Caller(jwt.getName(), highestRole(jwt), JWT));
        }
        return Optional.empty();
    }

    private static Role highestRole(Authentication authentication) {
        Role highest = null;
        for (GrantedAuthority authority : authentication.getAuthorities()) {
            Role role = Role.fromAuthority(authority.getAuthority()).orElse(null);
            if (role != null && (highest == null || role.includes(highest))) {
                highest = role;
            }
        }
        return highest;
    }
}
