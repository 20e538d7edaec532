package io.mongopgsync.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.mongopgsync.load.TargetTables;
import io.mongopgsync.mapping.IdEncoder;
import io.mongopgsync.source.SyncConfig;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.springframework.stereotype.Component;

/**
 * Decides whether a collection runs full or incremental: a requested incremental run falls back to full when it
 * cannot be incremental, and the history row says why.
 */
@Component
public class ModeDecision {

    private final SyncHistory history;
    private final TargetTables tables;
    private final CollectionReader reader;
    private final ObjectMapper json;

    public ModeDecision(SyncHistory history, TargetTables tables, CollectionReader reader, ObjectMapper json) {
        this.history = history;
        this.tables = tables;
        this.reader = reader;
        this.json = json;
    }

    public void decide(CollectionRun run) {
        var last = history.lastCompleted(run.source.id(), run.collection);
        ObjectNode lastMetadata = last.map(r -> RunReport.parse(json, r.syncMetadataJson())).orElse(json.createObjectNode());
        run.incrementalRunsSinceFull = lastMetadata.path("incrementalRunsSinceFull").asLong(0);
        String fullBecause = whyFull(run, lastMetadata);
        if (fullBecause != null) {
            run.mode = SyncType.FULL;
            run.modeReason = fullBecause;
        } else {
            run.mode = SyncType.INCREMENTAL;
            run.watermarkFrom = Watermarks.fromJson(lastMetadata.path("watermark").path("value").toString());
            run.modeReason = run.insertsOnly
                    ? "new documents since _id " + run.watermarkFrom.asObjectId().getValue().toHexString()
                    + " (incrementalBy " + SyncConfig.BY_OBJECT_ID_INSERTS
                    + ": inserts only; updated and deleted documents are not read)"
                    : "changes since watermark";
        }
        run.metadata.put("mode", run.mode.value());
        run.metadata.put("modeReason", run.modeReason);
        run.metadata.put("requestedSyncType", run.job.syncType().value());
        if (run.insertsOnly) {
            run.metadata.put("incrementalBy", SyncConfig.BY_OBJECT_ID_INSERTS);
        }
        if (run.mode == SyncType.INCREMENTAL) {
            run.metadata.put("watermarkFrom", Watermarks.toJson(run.watermarkFrom));
            run.metadata.put("deletes", "not detected: incremental sync reads changed documents only; "
                    + "documents deleted in MongoDB stay until the next full sync");
            if (run.insertsOnly) {
                run.metadata.put("updates", "not detected: incrementalBy objectIdInserts reads new documents only; "
                        + "changes to documents already imported arrive with the next full sync");
            }
        }
    }

    /** Why this run must be full, or null when it can be incremental. */
    private String whyFull(CollectionRun run, ObjectNode lastMetadata) {
        if (run.job.syncType() == SyncType.FULL) {
            return "full sync requested";
        }
        if (!tables.exists(run.schema, run.table)) {
            return "no imported table yet";
        }
        String lastTransforms = lastMetadata.path("transforms").path("fingerprint").asText(null);
        if (!java.util.Objects.equals(lastTransforms, run.transforms.fingerprint())) {
            return "the collection's transforms changed since the last run, so its rows are rebuilt";
        }
        String unusable = run.insertsOnly ? notAllObjectIds(run) : fieldAbsent(run);
        if (unusable != null) {
            return unusable;
        }
        JsonNode watermark = lastMetadata.path("watermark");
        if (!watermark.has("value") || !run.lastSyncField.equals(watermark.path("field").asText())) {
            return "no watermark yet for field '" + run.lastSyncField + "'";
        }
        if (run.insertsOnly && !Watermarks.fromJson(watermark.path("value").toString()).isObjectId()) {
            return "the last run's highest _id is not an ObjectId, so new documents cannot be found after it";
        }
        if (run.config.fullSyncEvery() > 0 && run.incrementalRunsSinceFull + 1 >= run.config.fullSyncEvery()) {
            return "periodic full sync (fullSyncEvery " + run.config.fullSyncEvery() + ")";
        }
        return null;
    }

    /**
     * Why the watermark field cannot find changes: no document has it. Checked before the watermark, so that a
     * collection without the field is told so, not that its watermark is still to come.
     */
    private String fieldAbsent(CollectionRun run) {
        if (reader.collection(run).find(Filters.exists(run.lastSyncField)).limit(1).first() != null) {
            return null;
        }
        return "field '" + run.lastSyncField + "' is absent from the collection (no document has it), so changes "
                + "cannot be found by it and every run is full; set collectionSettings." + run.collection
                + ".lastSyncField to a field it has, or, if its documents are only inserted and have ObjectId _ids, "
                + "collectionSettings." + run.collection + ".incrementalBy " + SyncConfig.BY_OBJECT_ID_INSERTS
                + " (inserts only)";
    }

    /**
     * Inserts are found by {@code _id} only when every {@code _id} is an ObjectId: MongoDB compares within one type,
     * so a document with another {@code _id} type would never be found. The {@code _id} index orders types
     * (numbers, strings, ... ObjectIds, booleans, dates ...), so the smallest and largest {@code _id} tell.
     */
    private String notAllObjectIds(CollectionRun run) {
        for (int order : new int[] {1, -1}) {
            BsonDocument edge = reader.collection(run).find().projection(Projections.include("_id"))
                    .sort(Sorts.orderBy(order > 0 ? Sorts.ascending("_id") : Sorts.descending("_id"))).limit(1).first();
            if (edge == null) {
                return null; // empty: nothing to tell yet, a full run finds nothing either
            }
            BsonValue id = edge.get("_id");
            if (!id.isObjectId()) {
                return "incrementalBy " + SyncConfig.BY_OBJECT_ID_INSERTS + " needs ObjectId _ids, and the collection "
                        + "has an _id of type " + id.getBsonType().name().toLowerCase() + " (" + IdEncoder.encode(id)
                        + "), so every run is full";
            }
        }
        return null;
    }
}
