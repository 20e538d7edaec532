package io.mongopgsync.source;

/**
 * Published in the transaction of a registry change, so that what listeners write to PostgreSQL (the Quartz
 * trigger, the initial job) commits with it, and a listener that fails undoes the change.
 */
public final class DataSourceEvents {

    private DataSourceEvents() {
    }

    public record Created(DataSourceRecord source, SyncConfig config) {
    }

    public record Updated(DataSourceRecord source, SyncConfig config) {
    }

    public record Deleted(long sourceId, String name) {
    }
}
