package io.mongopgsync.sync;

import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.source.SyncConfig;
import java.util.List;

/** A source's sync_config with the service defaults filled in. */
public record EffectiveConfig(
        int batchSize,
        int parallelism,
        int sampleSize,
        boolean incremental,
        String lastSyncField,
        int fullSyncEvery,
        List<String> include,
        List<String> exclude,
        SyncConfig raw) {

    public static EffectiveConfig of(SyncConfig c, SyncProperties.Defaults d) {
        return new EffectiveConfig(
                c.batchSize() != null ? c.batchSize() : d.batchSize(),
                c.parallelism() != null ? c.parallelism() : d.parallelism(),
                c.sampleSize() != null ? c.sampleSize() : d.sampleSize(),
                Boolean.TRUE.equals(c.incremental()),
                c.lastSyncField() != null ? c.lastSyncField() : d.lastSyncField(),
                c.fullSyncEvery() != null ? c.fullSyncEvery() : 0,
                c.include(),
                c.exclude(),
                c);
    }

    /** The watermark field of one collection: its own setting, else the source's, else the default. */
    public String lastSyncField(String collection) {
        SyncConfig.CollectionSettings own = raw.collectionSettings().get(collection);
        return own != null && own.lastSyncField() != null ? own.lastSyncField() : lastSyncField;
    }

    /**
     * How an incremental run of one collection finds new documents: its own incrementalBy; else by its own
     * lastSyncField when it sets one; else the source's incrementalBy; else by lastSyncField.
     */
    public String incrementalBy(String collection) {
        SyncConfig.CollectionSettings own = raw.collectionSettings().get(collection);
        if (own != null && own.incrementalBy() != null) {
            return own.incrementalBy();
        }
        if ((own != null && own.lastSyncField() != null) || raw.incrementalBy() == null) {
            return SyncConfig.BY_LAST_SYNC_FIELD;
        }
        return raw.incrementalBy();
    }

    /** Whether new documents of the collection are found by their ObjectId {@code _id}: inserts only. */
    public boolean insertsOnly(String collection) {
        return SyncConfig.BY_OBJECT_ID_INSERTS.equals(incrementalBy(collection));
    }

    /** Include list first (empty means all), then the exclude list; system collections never. */
    public boolean wants(String collection) {
        if (collection.startsWith("system.")) {
            return false;
        }
        if (!include.isEmpty() && !include.contains(collection)) {
            return false;
        }
        return !exclude.contains(collection);
    }
}
