package io.mongopgsync.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.source.ConnectionStrings;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.MongoConnections;
import java.time.Instant;

/** A data source as the API shows it: the connection string redacted, never in full. */
public record DataSourceView(
        long id,
        String name,
        String description,
        String type,
        String connectionString,
        String database,
        String syncStatus,
        Instant lastSyncAt,
        String syncErrorMessage,
        long totalRecordsSynced,
        JsonNode syncConfig,
        Instant createdAt,
        Instant updatedAt,
        boolean drift) {

    /** {@code drift}: a verification found the source's tables differing from MongoDB (see DriftStatus). */
    static DataSourceView of(DataSourceRecord r, MongoConnections connections, ObjectMapper mapper, boolean drift) {
        String redacted;
        try {
            redacted = ConnectionStrings.redact(connections.connectionString(r));
        } catch (IllegalStateException e) {
            redacted = "(cannot be decrypted with SYNC_SECRET_KEY or SYNC_PREVIOUS_SECRET_KEYS)";
        }
        JsonNode config;
        try {
            config = mapper.readTree(r.syncConfigJson() == null ? "{}" : r.syncConfigJson());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new DataSourceView(r.id(), r.name(), r.description(), r.type(), redacted, r.database(), r.syncStatus(),
                r.lastSyncAt(), r.syncErrorMessage(), r.totalRecordsSynced(), config, r.createdAt(), r.updatedAt(), drift);
    }
}
