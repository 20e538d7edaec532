package io.mongopgsync.api;

import io.mongopgsync.errors.FieldErrors;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.DataSourceService;
import io.mongopgsync.sync.SyncPreview;
import java.util.Set;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** POST /api/data-sources/{id}/preview {collection, limit?}: what the next run would write (routes/api-sync.camel.yaml). */
@Component("previewApi")
public class PreviewApi {

    private final DataSourceService sources;
    private final SyncPreview preview;
    private final JsonBodies bodies;

    public PreviewApi(DataSourceService sources, SyncPreview preview, JsonBodies bodies) {
        this.sources = sources;
        this.preview = preview;
        this.bodies = bodies;
    }

    public ApiResponse preview(@Header("id") String id, @Header("Content-Type") String contentType, String body) {
        DataSourceRecord source = sources.get(DataSourceApi.parseId(id));
        ObjectNode json = bodies.object(contentType, body);
        FieldErrors errors = new FieldErrors();
        FieldErrors.rejectUnknownKeys(json, Set.of("collection", "limit"), "", errors);
        String collection = FieldErrors.optionalText(json, "collection", "", 255, errors);
        if (collection == null && !json.has("collection")) {
            errors.add("collection", "is required");
        }
        Integer limit = FieldErrors.optionalInt(json, "limit", "", 1, SyncPreview.MAX_LIMIT, errors);
        errors.throwIfAny();
        return ApiResponse.ok(preview.preview(source, collection, limit == null ? 20 : limit));
    }
}
