package io.mongopgsync.security;

import io.mongopgsync.config.SyncProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Makes sure someone can authenticate. A configured bootstrap token (SYNC_BOOTSTRAP_TOKEN) is stored as an admin
 * token. The embedded demo creates an admin token at its first start and prints it once. Otherwise, with no JWT
 * provider, no bootstrap token and no live token in the database, the service refuses to start: it would be
 * unusable, and there is no default password to fall back on.
 */
@Component
class AuthenticationSetup implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(AuthenticationSetup.class);

    private final ApiTokenStore store;
    private final SyncProperties properties;

    AuthenticationSetup(ApiTokenStore store, SyncProperties properties) {
        this.store = store;
        this.properties = properties;
    }

    @Override
    public void afterPropertiesSet() {
        SyncProperties.Security security = properties.security();
        if (security.hasBootstrapToken()) {
            storeBootstrapToken(security.bootstrapToken().trim());
        }
        if (!properties.demoMode() && !security.jwt().enabled() && !security.hasBootstrapToken() && store.countLive() == 0) {
            throw new IllegalStateException("No authentication is configured: every API call needs a bearer token, and "
                    + "this service has no way to check one. Set SYNC_BOOTSTRAP_TOKEN to an initial admin API token "
                    + "(for example: echo mps_$(openssl rand -hex 32)), or configure an OIDC provider with "
                    + "SYNC_SECURITY_JWT_ISSUER_URI or SYNC_SECURITY_JWT_JWK_SET_URI. Only the embedded demo "
                    + "(sync.demo.enabled=true, no MONGODB_URI) creates a token by itself.");
        }
    }

    private void storeBootstrapToken(String token) {
        String problem = ApiTokenSecrets.problemWithConfigured(token);
        if (problem != null) {
            throw new IllegalStateException("SYNC_BOOTSTRAP_TOKEN is unusable: " + problem
                    + ". Generate one with: echo mps_$(openssl rand -hex 32)");
        }
        var existing = store.findBySecret(token);
        if (existing.isPresent()) {
            if (existing.get().revokedAt() != null) {
                log.warn("SYNC_BOOTSTRAP_TOKEN was revoked at {} and is not accepted; remove it from the configuration "
                        + "or set a new one", existing.get().revokedAt());
            }
            return;
        }
        int replaced = store.revokeOthersOfOrigin("bootstrap", token, "SYNC_BOOTSTRAP_TOKEN changed");
        try {
            store.insert(TokenApi.BOOTSTRAP_NAME, Role.ADMIN, token, "bootstrap", "SYNC_BOOTSTRAP_TOKEN", null);
            log.info("Stored SYNC_BOOTSTRAP_TOKEN as the admin API token '{}'{}", TokenApi.BOOTSTRAP_NAME,
                    replaced > 0 ? " (the earlier bootstrap token is revoked)" : "");
        } catch (org.springframework.dao.DuplicateKeyException e) {
            // Another replica stored it at the same moment.
            log.debug("SYNC_BOOTSTRAP_TOKEN was stored by another instance");
        }
    }

    /**
     * The demo's admin token, made once the service is up so that a start that fails half-way does not create a
     * token nobody saw. Printed this once; the database keeps only its hash.
     */
    @EventListener(ApplicationReadyEvent.class)
    public void createDemoToken() {
        if (!properties.demoMode() || store.countLiveAdmins() > 0) {
            return;
        }
        String secret = ApiTokenSecrets.generate();
        store.insert(TokenApi.DEMO_NAME, Role.ADMIN, secret, "demo", "embedded demo", null);
        log.warn("""

                ==========================================================================================
                  Demo admin API token (shown only this once; the service keeps only its hash):
                    {}
                  Paste it into the dashboard, or call the API with: -H 'Authorization: Bearer <token>'
                ==========================================================================================""",
                secret);
    }
}
