package io.mongopgsync.sync;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.model.Filters;
import io.mongopgsync.load.TargetTables;
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
        String lastTransforms = lastMetadata.path("transforms").path("fingerprint").asText(null);
        run.mode = SyncType.FULL;
        if (run.job.syncType() == SyncType.FULL) {
            run.modeReason = "full sync requested";
        } else if (!tables.exists(run.schema, run.table)) {
            run.modeReason = "no imported table yet";
        } else if (!java.util.Objects.equals(lastTransforms, run.transforms.fingerprint())) {
            run.modeReason = "the collection's transforms changed since the last run, so its rows are rebuilt";
        } else if (!lastMetadata.has("watermark")
                || !run.lastSyncField.equals(lastMetadata.path("watermark").path("field").asText())) {
            run.modeReason = "no watermark yet for field '" + run.lastSyncField + "'";
        } else if (run.config.fullSyncEvery() > 0 && run.incrementalRunsSinceFull + 1 >= run.config.fullSyncEvery()) {
            run.modeReason = "periodic full sync (fullSyncEvery " + run.config.fullSyncEvery() + ")";
        } else if (reader.collection(run).find(Filters.exists(run.lastSyncField)).limit(1).first() == null) {
            run.modeReason = "no document has field '" + run.lastSyncField + "'";
        } else {
            run.mode = SyncType.INCREMENTAL;
            run.watermarkFrom = Watermarks.fromJson(lastMetadata.path("watermark").path("value").toString());
            run.modeReason = "changes since watermark";
        }
        run.metadata.put("mode", run.mode.value());
        run.metadata.put("modeReason", run.modeReason);
        run.metadata.put("requestedSyncType", run.job.syncType().value());
        if (run.mode == SyncType.INCREMENTAL) {
            run.metadata.put("watermarkFrom", Watermarks.toJson(run.watermarkFrom));
            run.metadata.put("deletes", "not detected: incremental sync reads changed documents only; "
                    + "documents deleted in MongoDB stay until the next full sync");
        }
    }
}
