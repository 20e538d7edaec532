package io.mongopgsync.source;

import java.time.Instant;

/** A row of dra_data_sources. The connection string stays encrypted until a connection is made. */
public record DataSourceRecord(
        long id,
        String name,
        String description,
        String type,
        String encryptedConnectionString,
        String database,
        String syncStatus,
        Instant lastSyncAt,
        String syncErrorMessage,
        long totalRecordsSynced,
        String syncConfigJson,
        Instant createdAt,
        Instant updatedAt) {
}
