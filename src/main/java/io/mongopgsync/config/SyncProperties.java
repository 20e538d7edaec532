package io.mongopgsync.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.util.unit.DataSize;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything under {@code sync.*} in application.yaml; each key is documented there.
 */
@Validated
@ConfigurationProperties("sync")
public record SyncProperties(
        @DefaultValue("dra_mongodb") @Pattern(regexp = "[a-z_][a-z0-9_]{0,62}",
                message = "must be a lower-case PostgreSQL identifier of at most 63 characters") String targetSchema,
        String secretKey,
        @DefaultValue List<String> previousSecretKeys,
        @Valid @DefaultValue Mongo mongo,
        @Valid @DefaultValue Demo demo,
        @Valid @DefaultValue Defaults defaults,
        @Valid @DefaultValue Jobs jobs,
        @Valid @DefaultValue Retry retry,
        @DefaultValue("10s") @NotNull Duration lockTimeout,
        @DefaultValue("./routes") String routesDir,
        @Valid @DefaultValue Events events,
        @Valid @DefaultValue Transforms transforms,
        @Valid @DefaultValue Security security,
        @Valid @DefaultValue Query query,
        @Valid @DefaultValue Memory memory,
        @Valid @DefaultValue Splits splits) {

    /** Whether the embedded demo runs: enabled and no external MongoDB configured. */
    public boolean demoMode() {
        return demo.enabled() && !mongo.configured();
    }

    /** Sync lifecycle events and the example webhook listener. */
    public record Events(@Valid @DefaultValue Webhook webhook) {
        public record Webhook(@DefaultValue("false") boolean enabled, @DefaultValue("") String url) {
        }
    }

    /** Named keys that transform files use to hash or encrypt fields (base64 AES keys for encrypt). */
    public record Transforms(java.util.Map<String, String> keys) {
        public Transforms {
            keys = keys == null ? java.util.Map.of() : java.util.Map.copyOf(keys);
        }
    }

    /** How the service talks to the MongoDB servers of registered data sources. */
    public record Mongo(
            @DefaultValue("") String uri,
            @DefaultValue("5s") @NotNull Duration connectTimeout,
            @DefaultValue("5s") @NotNull Duration serverSelectionTimeout,
            @DefaultValue("30m") @NotNull Duration socketTimeout,
            @DefaultValue List<String> allowedHosts) {

        public boolean configured() {
            return uri != null && !uri.isBlank();
        }
    }

    /** The embedded demo: a MongoDB-compatible server with generated data, registered as source "demo". */
    public record Demo(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("27017") @Min(0) @Max(65535) int port,
            @DefaultValue("demo") String sourceName,
            @DefaultValue("1") @Min(1) @Max(100) int scale) {
    }

    /** Defaults for a data source's sync_config keys it does not set. */
    public record Defaults(
            @DefaultValue("1000") @Min(100) @Max(10000) int batchSize,
            @DefaultValue("3") @Min(1) @Max(16) int parallelism,
            @DefaultValue("1000") @Min(10) @Max(100000) int sampleSize,
            @DefaultValue("updatedAt") String lastSyncField) {
    }

    /**
     * Memory a sync may hold for documents in flight: a batch ends at {@code batchSize} documents or at
     * {@code batchBytes} of BSON, whichever comes first; the parallel streams of one job share {@code jobBytes}.
     */
    public record Memory(
            @DefaultValue("8MB") @NotNull DataSize batchBytes,
            @DefaultValue("128MB") @NotNull DataSize jobBytes) {
    }

    /**
     * A full sync of a collection with at least {@code 2 x minDocuments} documents (by MongoDB's count estimate) is
     * read in {@code _id} ranges by parallel cursors when the source's parallelism leaves it more than one stream.
     */
    public record Splits(@DefaultValue("100000") @Min(1000) long minDocuments) {
    }

    /** The durable job queue. */
    public record Jobs(
            @DefaultValue("2s") @NotNull Duration pollInterval,
            @DefaultValue("2") @Min(1) @Max(32) int maxConcurrent,
            @DefaultValue("5s") @NotNull Duration heartbeatInterval,
            @DefaultValue("60s") @NotNull Duration leaseTimeout,
            @DefaultValue("true") boolean enabled) {
    }

    /** Aggregation pipelines answered by POST /api/data-sources/{id}/query. */
    public record Query(
            @DefaultValue("30s") @NotNull Duration statementTimeout,
            @DefaultValue("10000") @Min(1) @Max(1000000) int maxRows) {
    }

    /** Retries of a collection sync that failed for a retriable reason (network, failover). */
    public record Retry(
            @DefaultValue("3") @Min(1) @Max(10) int maxAttempts,
            @DefaultValue("1s") @NotNull Duration initialBackoff,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("2m") @NotNull Duration outageWait) {
    }

    /** Who may call the API: API tokens, OAuth2/OIDC bearer JWTs, roles and the Origin check. */
    public record Security(
            @DefaultValue("false") boolean viewersReadData,
            @DefaultValue("") String bootstrapToken,
            @DefaultValue List<String> allowedOrigins,
            @Valid @DefaultValue Jwt jwt) {

        public boolean hasBootstrapToken() {
            return bootstrapToken != null && !bootstrapToken.isBlank();
        }
    }

    /** Bearer JWTs of an OAuth2/OIDC provider; on when an issuer or a JWK set URI is given. */
    public record Jwt(
            @DefaultValue("") String issuerUri,
            @DefaultValue("") String jwkSetUri,
            @DefaultValue("") String audience,
            @DefaultValue("roles") @NotNull String rolesClaim,
            @DefaultValue("sub") @NotNull String principalClaim) {

        public boolean enabled() {
            return !issuerUri.isBlank() || !jwkSetUri.isBlank();
        }
    }
}
