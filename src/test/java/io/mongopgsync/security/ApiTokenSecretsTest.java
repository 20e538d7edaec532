package io.mongopgsync.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiTokenSecretsTest {

    @Test
    void shouldMakeDistinctPrefixedTokensOf256Bits() {
        Set<String> tokens = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String token = ApiTokenSecrets.generate();
            assertThat(token).matches("mps_[A-Za-z0-9_-]{43}");
            tokens.add(token);
        }
        assertThat(tokens).hasSize(100);
    }

    @Test
    void shouldHashWithSha256AndHintWithoutTheSecret() {
        // SHA-256 of "abc", a published test vector.
        assertThat(ApiTokenSecrets.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        String token = ApiTokenSecrets.generate();
        assertThat(ApiTokenSecrets.hint(token)).isEqualTo(token.substring(0, 8) + "…");
    }

    @Test
    void shouldTellApiTokensFromJwts() {
        assertThat(ApiTokenSecrets.looksLikeApiToken("mps_abc")).isTrue();
        assertThat(ApiTokenSecrets.looksLikeApiToken("eyJhbGciOiJSUzI1NiJ9.e30.sig")).isFalse();
        assertThat(ApiTokenSecrets.looksLikeApiToken(null)).isFalse();
    }

    @Test
    void shouldRefuseWeakOrMalformedConfiguredTokens() {
        assertThat(ApiTokenSecrets.problemWithConfigured("secret")).contains("must start with 'mps_'");
        assertThat(ApiTokenSecrets.problemWithConfigured("mps_short")).contains("at least 32 characters");
        assertThat(ApiTokenSecrets.problemWithConfigured("mps_" + "a".repeat(31) + " ")).contains("may only contain");
        assertThat(ApiTokenSecrets.problemWithConfigured("mps_" + "0123456789abcdef".repeat(4))).isNull();
    }
}
