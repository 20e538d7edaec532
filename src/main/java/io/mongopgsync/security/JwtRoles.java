package io.mongopgsync.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Reads the service's roles from a JWT claim: a list of strings or a space- or comma-separated string. The claim is
 * looked up by its whole name first (namespaced claims such as {@code https://example.com/roles} contain dots),
 * then as a dotted path into nested claims ({@code realm_access.roles}). Values that are not viewer, operator or
 * admin are ignored.
 */
final class JwtRoles implements Converter<Jwt, Collection<GrantedAuthority>> {

    private final String claim;

    JwtRoles(String claim) {
        this.claim = claim;
    }

    @Override
    public Collection<GrantedAuthority> convert(Jwt jwt) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        for (String value : values(claimValue(jwt.getClaims()))) {
            Role.parse(value).ifPresent(role -> authorities.add(new SimpleGrantedAuthority(role.authority())));
        }
        return authorities;
    }

    private Object claimValue(Map<String, Object> claims) {
        if (claims.containsKey(claim)) {
            return claims.get(claim);
        }
        Object current = claims;
        for (String part : claim.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(part);
        }
        return current;
    }

    private static List<String> values(Object value) {
        if (value instanceof String text) {
            return List.of(text.split("[\\s,]+"));
        }
        if (value instanceof Collection<?> collection) {
            return collection.stream().filter(v -> v != null).map(String::valueOf).toList();
        }
        return List.of();
    }
}
