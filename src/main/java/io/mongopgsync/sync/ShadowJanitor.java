package io.mongopgsync.sync;

import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.load.TargetTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Drops shadow tables that no running job owns: those a sync could not drop itself because PostgreSQL went away
 * while it failed, or that a killed instance left. Runs with the cluster's housekeeping (every few seconds, on one
 * instance), so such a table is gone soon after the database is back rather than at the next sync of its
 * collection.
 */
@Component("shadowJanitor")
public class ShadowJanitor {

    private static final Logger log = LoggerFactory.getLogger(ShadowJanitor.class);
    private static final String PREFIX = "_mps_shadow_";

    private final TargetTables tables;
    private final SyncJobQueue jobs;
    private final String schema;

    public ShadowJanitor(TargetTables tables, SyncJobQueue jobs, SyncProperties properties) {
        this.tables = tables;
        this.jobs = jobs;
        this.schema = properties.targetSchema();
    }

    /** Drops every shadow table whose job is not running; returns how many it dropped. */
    public int dropOrphaned() {
        int dropped = 0;
        for (String shadow : tables.shadowsOf(schema, "%")) {
            long owningJob;
            try {
                owningJob = Long.parseLong(shadow.substring(PREFIX.length(), shadow.indexOf('_', PREFIX.length())));
            } catch (RuntimeException notOurs) {
                continue;
            }
            if (!jobs.isRunning(owningJob)) {
                tables.dropIfExists(schema, shadow);
                log.info("Dropped shadow table {}.{}: its job {} is no longer running", schema, shadow, owningJob);
                dropped++;
            }
        }
        return dropped;
    }
}
