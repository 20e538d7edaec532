package io.mongopgsync.security;

import io.mongopgsync.config.SyncProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;

/**
 * The JWT side of authentication, from {@code sync.security.jwt.*}: signature checked against the provider's JWK
 * set, expiry and (when configured) issuer and audience validated, roles from the configured claim.
 */
final class JwtAuthenticationFactory {

    private JwtAuthenticationFactory() {
    }

    /** Null when no issuer and no JWK set URI are configured. */
    static AuthenticationProvider provider(SyncProperties.Jwt settings) {
        if (!settings.enabled()) {
            return null;
        }
        JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
        converter.setJwtGrantedAuthoritiesConverter(new JwtRoles(settings.rolesClaim()));
        converter.setPrincipalClaimName(settings.principalClaim());
        JwtAuthenticationProvider provider = new JwtAuthenticationProvider(decoder(settings));
        provider.setJwtAuthenticationConverter(converter);
        return provider;
    }

    /** Names the provider in messages. */
    static String describe(SyncProperties.Jwt settings) {
        return settings.jwkSetUri().isBlank() ? "issuer " + settings.issuerUri() : "JWK set " + settings.jwkSetUri();
    }

    private static JwtDecoder decoder(SyncProperties.Jwt settings) {
        OAuth2TokenValidator<Jwt> validator = validator(settings);
        if (!settings.jwkSetUri().isBlank()) {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(settings.jwkSetUri())
                    .jwsAlgorithms(algorithms -> algorithms.addAll(List.of(SignatureAlgorithm.RS256,
                            SignatureAlgorithm.RS384, SignatureAlgorithm.RS512, SignatureAlgorithm.ES256,
                            SignatureAlgorithm.ES384, SignatureAlgorithm.ES512, SignatureAlgorithm.PS256,
                            SignatureAlgorithm.PS384, SignatureAlgorithm.PS512)))
                    .build();
            decoder.setJwtValidator(validator);
            return decoder;
        }
        // The issuer's metadata is fetched when the first JWT arrives, so the service starts while the provider is down.
        return new SupplierJwtDecoder(() -> {
            NimbusJwtDecoder decoder = NimbusJwtDecoder.withIssuerLocation(settings.issuerUri()).build();
            decoder.setJwtValidator(validator);
            return decoder;
        });
    }

    private static OAuth2TokenValidator<Jwt> validator(SyncProperties.Jwt settings) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(settings.issuerUri().isBlank() ? JwtValidators.createDefault()
                : JwtValidators.createDefaultWithIssuer(settings.issuerUri()));
        if (!settings.audience().isBlank()) {
            String audience = settings.audience();
            validators.add(jwt -> jwt.getAudience() != null && jwt.getAudience().contains(audience)
                    ? OAuth2TokenValidatorResult.success()
                    : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token",
                            "The JWT is not meant for this service: its audience does not include " + audience, null)));
        }
        return new DelegatingOAuth2TokenValidator<>(validators);
    }
}
