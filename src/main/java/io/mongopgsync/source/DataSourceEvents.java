package io.mongopgsync.source;

/**
 * Created and Updated are published in the transaction of the registry change: what a plain listener writes to
 * PostgreSQL (the Quartz trigger) commits with it, and a listener that fails undoes the change. Listeners that must
 * see the change committed (queueing the initial import) use a TransactionalEventListener.
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
