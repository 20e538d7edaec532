package io.mongopgsync.sync;

import java.util.Locale;

/**
 * What a job does: reload everything, load what changed since the watermark, or verify the imported tables
 * against their collections (a verification job changes rows only when asked to repair).
 */
public enum SyncType {
    FULL, INCREMENTAL, VERIFY;

    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A sync type a user asks for: full or incremental (verification has its own endpoint). */
    public static SyncType parse(String value) {
        return switch (value) {
            case "full" -> FULL;
            case "incremental" -> INCREMENTAL;
            default -> throw new IllegalArgumentException("must be 'full' or 'incremental', got '" + value + "'");
        };
    }

    /** A job's type as stored. */
    public static SyncType fromStored(String value) {
        return "verify".equals(value) ? VERIFY : parse(value);
    }
}
