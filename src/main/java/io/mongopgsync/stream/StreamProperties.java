package io.mongopgsync.stream;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** {@code sync.stream.*}: change-stream consumers (each key is documented in application.yaml). */
@Validated
@ConfigurationProperties("sync.stream")
public record StreamProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("500") @Min(1) @Max(10000) int batchSize,
        @DefaultValue("200ms") @NotNull Duration batchInterval,
        @DefaultValue("15s") @NotNull Duration leaseTimeout,
        @DefaultValue("1s") @NotNull Duration pollInterval,
        @DefaultValue("50ms") @NotNull Duration maxAwait,
        @DefaultValue("10s") @NotNull Duration retryBackoff) {
}
