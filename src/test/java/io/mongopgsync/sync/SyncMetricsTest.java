package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mongopgsync.config.SyncProperties;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;

class SyncMetricsTest {

    static SyncProperties properties() {
        return new Binder(new MapConfigurationPropertySource(java.util.Map.of("sync.target-schema", "dra_mongodb")))
                .bindOrCreate("sync", SyncProperties.class);
    }

    static SyncJob job(long id) {
        return new SyncJob(id, 7, SyncType.FULL, "api", "running", false, "me", Instant.now(), Instant.now(), null,
                null, null, null, "{}");
    }

    @Test
    void shouldShowARunningSyncAndTimeItByItsOutcome() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JdbcClient jdbc = mock(JdbcClient.class, RETURNS_DEEP_STUBS);
        when(jdbc.sql(anyString()).param(anyString(), org.mockito.ArgumentMatchers.any()).query(String.class).optional())
                .thenReturn(Optional.of("shop"), Optional.of("completed"));
        SyncMetrics metrics = new SyncMetrics(registry, jdbc, properties());
        double[] runningDuringSync = new double[1];

        metrics.timeSync(job(1), () -> runningDuringSync[0] = registry.get("mongo_pg_sync.sync.running")
                .tag("source", "shop").gauge().value());

        assertThat(runningDuringSync[0]).isEqualTo(1.0);
        assertThat(registry.get("mongo_pg_sync.sync.running").tag("source", "shop").gauge().value()).isZero();
        assertThat(registry.get("mongo_pg_sync.sync.duration").tags("source", "shop", "status", "completed").timer()
                .count()).isEqualTo(1);
        assertThat(registry.get("mongo_pg_sync.last.success.timestamp").tag("source", "shop").gauge().value())
                .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(2.0));
    }

    @Test
    void shouldRecordAJobThatThrewAsInterruptedAndNotAsSuccess() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        JdbcClient jdbc = mock(JdbcClient.class, RETURNS_DEEP_STUBS);
        when(jdbc.sql(anyString()).param(anyString(), org.mockito.ArgumentMatchers.any()).query(String.class).optional())
                .thenReturn(Optional.of("shop"), Optional.of("running"));
        SyncMetrics metrics = new SyncMetrics(registry, jdbc, properties());

        try {
            metrics.timeSync(job(2), () -> {
                throw new IllegalStateException("boom");
            });
        } catch (IllegalStateException expected) {
            // the job's failure is the caller's to handle
        }

        assertThat(registry.get("mongo_pg_sync.sync.running").tag("source", "shop").gauge().value()).isZero();
        assertThat(registry.get("mongo_pg_sync.sync.duration").tags("source", "shop", "status", "interrupted")
                .timer().count()).isEqualTo(1);
        assertThat(registry.get("mongo_pg_sync.last.success.timestamp").tag("source", "shop").gauge().value()).isNaN();
    }
}
