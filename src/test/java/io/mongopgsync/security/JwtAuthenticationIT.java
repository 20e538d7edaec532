package io.mongopgsync.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.mongopgsync.support.ApiClient;
import io.mongopgsync.support.ServiceIT;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Bearer JWTs of an OIDC provider, here a JWK set served by a small local HTTP server and tokens signed with its
 * RSA key. Roles come from a nested claim; this service lets viewers read data and accepts one foreign origin.
 */
@ServiceIT
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class JwtAuthenticationIT {

    static final String ISSUER = "https://idp.example.test/realms/analytics";
    static final RSAKey PROVIDER_KEY = rsaKey("provider");
    static final HttpServer JWKS = jwkServer();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void jwtSettings(DynamicPropertyRegistry registry) {
        registry.add("sync.security.jwt.jwk-set-uri", () -> "http://127.0.0.1:" + JWKS.getAddress().getPort() + "/jwks");
        registry.add("sync.security.jwt.issuer-uri", () -> ISSUER);
        registry.add("sync.security.jwt.audience", () -> "mongo-pg-sync");
        registry.add("sync.security.jwt.roles-claim", () -> "realm_access.roles");
        registry.add("sync.security.jwt.principal-claim", () -> "preferred_username");
        registry.add("sync.security.viewers-read-data", () -> "true");
        registry.add("sync.security.allowed-origins", () -> "https://dashboard.example.test");
        // A second application context in this run: keep its share of PostgreSQL connections small.
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "4");
        registry.add("spring.datasource.hikari.minimum-idle", () -> "1");
        registry.add("sync.jobs.enabled", () -> "false");
    }

    @AfterAll
    static void stopProvider() {
        JWKS.stop(0);
    }

    private ApiClient as(String jwt) {
        return new ApiClient(port).withToken(jwt);
    }

    @Test
    void shouldAcceptASignedJwtWithItsRoleFromTheConfiguredClaim() {
        ApiClient alice = as(jwt(PROVIDER_KEY, "alice", List.of("operator", "offline_access"), ISSUER, "mongo-pg-sync",
                Instant.now().plusSeconds(300)));

        JsonNode me = alice.get("/api/me").json();

        assertThat(me.get("subject").asText()).isEqualTo("alice");
        assertThat(me.get("role").asText()).isEqualTo("operator");
        assertThat(me.get("authMethod").asText()).isEqualTo("jwt");
        assertThat(alice.post("/api/data-sources/999999/sync", "{}").status()).isEqualTo(404);
        ApiClient.Response delete = alice.delete("/api/data-sources/999999");
        assertThat(delete.status()).isEqualTo(403);
        assertThat(delete.json().get("message").asText()).contains("'operator'").contains("'admin'");
        await().atMost(Duration.ofSeconds(10)).until(() -> new ApiClient(port)
                .get("/api/audit?actor=alice&action=/sync").json().path("items").path(0).path("authMethod").asText()
                .equals("jwt"));
    }

    @Test
    void shouldLetViewersReadDataWhenConfiguredSo() {
        ApiClient viewer = as(jwt(PROVIDER_KEY, "vera", List.of("viewer"), ISSUER, "mongo-pg-sync",
                Instant.now().plusSeconds(300)));

        assertThat(viewer.get("/api/data-sources/999999/rejects").status()).isEqualTo(404);
        assertThat(viewer.post("/api/data-sources/999999/sync", "{}").status()).isEqualTo(403);
    }

    @Test
    void shouldRefuseExpiredForeignAndMisaddressedJwts() {
        Instant later = Instant.now().plusSeconds(300);
        String expired = jwt(PROVIDER_KEY, "alice", List.of("admin"), ISSUER, "mongo-pg-sync",
                Instant.now().minusSeconds(600));
        String otherKey = jwt(rsaKey("provider"), "alice", List.of("admin"), ISSUER, "mongo-pg-sync", later);
        String otherIssuer = jwt(PROVIDER_KEY, "alice", List.of("admin"), "https://evil.example.test", "mongo-pg-sync", later);
        String otherAudience = jwt(PROVIDER_KEY, "alice", List.of("admin"), ISSUER, "another-service", later);

        for (String token : List.of(expired, otherKey, otherIssuer, otherAudience)) {
            ApiClient.Response response = as(token).get("/api/data-sources");
            assertThat(response.status()).as(response.toString()).isEqualTo(401);
            assertThat(response.json().get("error").asText()).isEqualTo("invalid_token");
        }
        assertThat(as(expired).get("/api/me").json().get("message").asText()).contains("expired");
        assertThat(as(otherAudience).get("/api/me").json().get("message").asText()).contains("audience");
    }

    @Test
    void shouldKnowACallerWithoutRoleButLetThemDoNothing() {
        ApiClient nobody = as(jwt(PROVIDER_KEY, "nemo", List.of("offline_access"), ISSUER, "mongo-pg-sync",
                Instant.now().plusSeconds(300)));

        JsonNode me = nobody.get("/api/me").json();
        ApiClient.Response list = nobody.get("/api/data-sources");

        assertThat(me.get("subject").asText()).isEqualTo("nemo");
        assertThat(me.get("role").isNull()).isTrue();
        assertThat(list.status()).isEqualTo(403);
        assertThat(list.json().get("message").asText()).contains("without one of the roles");
    }

    @Test
    void shouldStillAcceptApiTokensAndAListedOrigin() {
        ApiClient admin = new ApiClient(port);

        assertThat(admin.withHeader("Origin", "https://dashboard.example.test")
                .post("/api/data-sources/999999/sync", "{}").status()).isEqualTo(404);
        assertThat(admin.withHeader("Origin", "https://other.example.test")
                .post("/api/data-sources/999999/sync", "{}").status()).isEqualTo(403);
    }

    private static String jwt(RSAKey key, String user, List<String> roles, String issuer, String audience, Instant expiry) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject("f3b0c2d4-" + user).claim("preferred_username", user)
                .claim("realm_access", Map.of("roles", roles))
                .issuer(issuer).audience(audience)
                .issueTime(Date.from(expiry.minusSeconds(900))).expirationTime(Date.from(expiry))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key.toRSAPrivateKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** A fresh RSA key; two keys with the same id differ, as a forger's key would. */
    private static RSAKey rsaKey(String id) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate())
                    .keyID(id).build();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpServer jwkServer() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] body = new JWKSet(PROVIDER_KEY.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/jwks", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
