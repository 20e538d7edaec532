package io.mongopgsync.verify;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** {@code sync.verify.*}: how verifications compare (each key is documented in application.yaml). */
@Validated
@ConfigurationProperties("sync.verify")
public record VerificationProperties(
        @DefaultValue("1000") @Min(1) @Max(100000) int sampleSize) {
}
