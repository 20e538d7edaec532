package io.mongopgsync.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.source.DataSourceEvents;
import io.mongopgsync.source.SyncConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Syncs nobody has to ask for: a newly registered source gets its initial full import, and at start-up every
 * source that was never synced gets one too (the upgrade path for sources registered before).
 * {@code syncConfig.initialSync: false} opts out of both.
 */
@Component
public class AutomaticTriggers {

    private static final Logger log = LoggerFactory.getLogger(AutomaticTriggers.class);

    private final SyncService syncs;
    private final JdbcClient jdbc;
    private final ObjectMapper json;

    public AutomaticTriggers(SyncService syncs, JdbcClient jdbc, ObjectMapper json) {
        this.syncs = syncs;
        this.jdbc = jdbc;
        this.json = json;
    }

    /** After the source's transaction commits, so that the worker woken here finds the job it is woken for. */
    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
    public void onCreated(DataSourceEvents.Created event) {
        if (!Boolean.FALSE.equals(event.config().initialSync())) {
            syncs.triggerIfIdle(event.source().id(), SyncType.FULL, "registration", null).ifPresent(job ->
                    log.info("Queued the initial import of data source {} as job {}", event.source().id(), job.id()));
        }
    }

    @EventListener(ApplicationReadyEvent.class)
    @Order(1)
    public void queueNeverSyncedSources() {
        record Candidate(long id, String config) {
        }
        var candidates = jdbc.sql("SELECT s.id, s.sync_config::text FROM dra_data_sources s WHERE s.last_sync_at IS NULL "
                        + "AND NOT EXISTS (SELECT 1 FROM dra_sync_jobs j WHERE j.data_source_id = s.id)")
                .query((rs, n) -> new Candidate(rs.getLong(1), rs.getString(2))).list();
        for (Candidate c : candidates) {
            if (Boolean.FALSE.equals(SyncConfig.fromStored(c.config(), json).initialSync())) {
                continue;
            }
            syncs.triggerIfIdle(c.id(), SyncType.FULL, "startup", null).ifPresent(job ->
                    log.info("Queued the initial import of never-synced data source {} as job {}", c.id(), job.id()));
        }
    }
}
