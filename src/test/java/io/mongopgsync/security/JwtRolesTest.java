package io.mongopgsync.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;

class JwtRolesTest {

    private static Jwt jwt(Map<String, Object> claims) {
        return Jwt.withTokenValue("t").header("alg", "RS256").claims(c -> c.putAll(claims))
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60)).build();
    }

    private static List<String> authorities(String claim, Map<String, Object> claims) {
        return new JwtRoles(claim).convert(jwt(claims)).stream().map(GrantedAuthority::getAuthority).toList();
    }

    @Test
    void shouldReadAListAStringANestedPathAndADottedClaimName() {
        assertThat(authorities("roles", Map.of("roles", List.of("operator", "unrelated"))))
                .containsExactly("ROLE_OPERATOR");
        assertThat(authorities("scope", Map.of("scope", "openid viewer,admin")))
                .containsExactlyInAnyOrder("ROLE_VIEWER", "ROLE_ADMIN");
        assertThat(authorities("realm_access.roles", Map.of("realm_access", Map.of("roles", List.of("Admin")))))
                .containsExactly("ROLE_ADMIN");
        assertThat(authorities("https://example.com/roles", Map.of("https://example.com/roles", List.of("viewer"))))
                .containsExactly("ROLE_VIEWER");
    }

    @Test
    void shouldGiveNoRoleWhenTheClaimIsMissingOrForeign() {
        assertThat(authorities("roles", Map.of("sub", "x"))).isEmpty();
        assertThat(authorities("roles", Map.of("roles", List.of("superuser")))).isEmpty();
        assertThat(authorities("realm_access.roles", Map.of("realm_access", "not-an-object"))).isEmpty();
    }
}
