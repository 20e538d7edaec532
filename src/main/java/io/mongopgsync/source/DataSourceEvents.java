package io.mongopgsync.source;

/** Published after the registry changed and the change is committed. */
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
