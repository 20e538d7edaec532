package io.mongopgsync.sync;

import java.util.Locale;

/** What a sync run does: reload everything, or load what changed since the watermark. */
public enum SyncType {
    FULL, INCREMENTAL;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SyncType parse(String value) {
        return switch (value) {
            case "full" -> FULL;
            case "incremental" -> INCREMENTAL;
            default -> throw new IllegalArgumentException("must be 'full' or 'incremental', got '" + value + "'");
        };
    }
}
