package io.mongopgsync.retention;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code sync.retention.*}: how long sync records and audit entries are kept, and when the cleanup runs
 * (each key is documented in application.yaml).
 */
@Validated
@ConfigurationProperties("sync.retention")
public record RetentionProperties(
        @DefaultValue("90d") @NotNull Duration history,
        @DefaultValue("365d") @NotNull Duration audit,
        @DefaultValue("0 30 3 * * ?") @NotBlank String cron,
        @DefaultValue("10000") int batchSize) {

    public RetentionProperties {
        if (history != null && history.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("sync.retention.history must be at least 1h, got " + history);
        }
        if (audit != null && audit.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException("sync.retention.audit must be at least 1h, got " + audit);
        }
        if (batchSize < 100 || batchSize > 1_000_000) {
            throw new IllegalArgumentException("sync.retention.batch-size must be between 100 and 1000000, got "
                    + batchSize);
        }
    }
}
