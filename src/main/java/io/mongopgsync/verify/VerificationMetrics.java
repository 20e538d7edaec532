package io.mongopgsync.verify;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Verification meters of this instance, tagged {@code source} and {@code collection}:
 * {@code mongo_pg_sync.verify.drift} (gauge): documents found drifting (missing, extra and differing) by the
 * collection's last verification here, 0 once clean; {@code mongo_pg_sync.verify.duration} (timer, also tagged
 * {@code mode}).
 */
@Component
public class VerificationMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> drift = new ConcurrentHashMap<>();

    public VerificationMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void verified(String source, String collection, String mode, long driftingDocuments, Duration took) {
        drift.computeIfAbsent(source + "\u0000" + collection, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("mongo_pg_sync.verify.drift", value, AtomicLong::get).tag("source", source)
                    .tag("collection", collection)
                    .description("Documents the collection's last verification found missing, extra or differing")
                    .register(registry);
            return value;
        }).set(driftingDocuments);
        Timer.builder("mongo_pg_sync.verify.duration").tag("source", source).tag("mode", mode)
                .description("Duration of one collection's verification").register(registry).record(took);
    }
}
