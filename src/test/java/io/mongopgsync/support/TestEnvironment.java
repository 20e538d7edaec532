package io.mongopgsync.support;

import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** Points the service under test at this run's PostgreSQL database, with short timings for fast tests. */
public class TestEnvironment implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    /** Base64 of a fixed 32-byte AES key, for tests only. */
    public static final String SECRET_KEY = "dGVzdC1rZXktZm9yLWludGVncmF0aW9uLXRlc3RzISE=";

    /** Connection tests one caller may start per minute in the test services (sync.api.test-connection.per-caller). */
    public static final int TEST_CONNECTIONS_PER_CALLER = 30;

    /** The admin API token every test service is started with (sync.security.bootstrap-token); tests only. */
    public static final String ADMIN_TOKEN = "mps_test-admin-token-for-integration-tests-only-0123456789";

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("test-environment", properties()));
    }

    private static final java.util.concurrent.atomic.AtomicInteger CONTEXTS = new java.util.concurrent.atomic.AtomicInteger();

    public static Map<String, Object> properties() {
        TestPostgres pg = TestPostgres.get();
        Map<String, Object> p = new HashMap<>();
        // Quartz registers its data source JVM-wide under the scheduler's name: every context of the suite gets its
        // own name, so a context closed after its class never takes the shared context's connections with it
        p.put("spring.quartz.properties.org.quartz.scheduler.instanceName", "mongo-pg-sync-test-" + CONTEXTS.incrementAndGet());
        p.put("spring.datasource.url", pg.jdbcUrl());
        p.put("spring.datasource.username", pg.user());
        p.put("spring.datasource.password", pg.password());
        p.put("sync.secret-key", SECRET_KEY);
        p.put("sync.security.bootstrap-token", ADMIN_TOKEN);
        // PostgreSQL's connections are shared: open them as syncs need them and give idle ones back.
        p.put("spring.datasource.hikari.minimum-idle", "1");
        p.put("spring.datasource.hikari.idle-timeout", "10000");
        p.put("sync.demo.enabled", "false");
        p.put("sync.jobs.poll-interval", "200ms");
        p.put("sync.jobs.heartbeat-interval", "500ms");
        p.put("sync.retry.initial-backoff", "100ms");
        // the live channel reads the sync state often enough that a sync of a few seconds shows several steps
        p.put("sync.events.poll-interval", "100ms");
        p.put("sync.mongo.server-selection-timeout", "3s");
        p.put("sync.mongo.connect-timeout", "2s");
        // the suite's classes share the admin token: room for all their connection tests within one window
        p.put("sync.api.test-connection.per-caller", String.valueOf(TEST_CONNECTIONS_PER_CALLER));
        // the suite shares PostgreSQL with other work: a small pool that does not hold idle connections
        p.put("spring.datasource.hikari.maximum-pool-size", "10");
        p.put("spring.datasource.hikari.minimum-idle", "2");
        return p;
    }
}
