package io.mongopgsync.sync;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** {@code sync.metrics.*} (documented in application.yaml); read by the metrics-refresh route. */
@Validated
@ConfigurationProperties("sync.metrics")
public record MetricsProperties(@DefaultValue("60s") Duration refreshInterval) {

    public MetricsProperties {
        if (refreshInterval.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("sync.metrics.refresh-interval must be at least 1s, got "
                    + refreshInterval);
        }
    }
}
