package io.mongopgsync.source;

import io.mongopgsync.config.SyncProperties;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SecretCipherConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecretCipherConfiguration.class);

    /** A fixed, public key: only ever used by the embedded demo, whose data is generated. */
    static final String DEVELOPMENT_KEY = "ZGV2ZWxvcG1lbnQta2V5LW5vdC1mb3ItcHJvZHVjdGk=";

    @Bean
    SecretCipher secretCipher(SyncProperties properties) {
        String key = properties.secretKey();
        List<String> previous = properties.previousSecretKeys().stream().filter(k -> !k.isBlank()).toList();
        if (key != null && !key.isBlank()) {
            try {
                SecretCipher cipher = SecretCipher.fromBase64(key, previous);
                log.info("Connection strings are encrypted with key {}{}", cipher.primaryKeyId(), previous.isEmpty()
                        ? "" : "; previous keys " + cipher.keyIds().subList(1, cipher.keyIds().size())
                        + " still decrypt (POST /api/admin/re-encrypt moves every stored value to the new key)");
                return cipher;
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("SYNC_SECRET_KEY or SYNC_PREVIOUS_SECRET_KEYS is unusable: "
                        + e.getMessage());
            }
        }
        boolean demoMode = properties.demoMode();
        if (!demoMode) {
            throw new IllegalStateException("SYNC_SECRET_KEY is not set. Connection strings are encrypted at rest with "
                    + "AES-GCM; set SYNC_SECRET_KEY to a base64 AES key (for example: openssl rand -base64 32). "
                    + "Only the embedded demo mode (sync.demo.enabled=true, no MONGODB_URI) runs without one.");
        }
        log.warn("SYNC_SECRET_KEY is not set: embedded demo mode uses a PUBLIC development key to encrypt connection "
                + "strings. Do not register real MongoDB servers in this mode.");
        try {
            return SecretCipher.fromBase64(DEVELOPMENT_KEY, previous);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("SYNC_PREVIOUS_SECRET_KEYS is unusable: " + e.getMessage());
        }
    }
}
