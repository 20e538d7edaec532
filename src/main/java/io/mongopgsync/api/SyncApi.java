package io.mongopgsync.api;

import io.mongopgsync.errors.FieldErrors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mongopgsync.load.RejectStore;
import io.mongopgsync.load.TableRegistry;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.DataSourceService;
import io.mongopgsync.source.SyncConfig;
import io.mongopgsync.sync.SyncHistory;
import io.mongopgsync.sync.SyncJob;
import io.mongopgsync.sync.SyncJobQueue;
import io.mongopgsync.sync.SyncMetrics;
import io.mongopgsync.sync.SyncService;
import io.mongopgsync.sync.SyncType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** Sync operations of the REST API (routes/api-sync.camel.yaml calls these). */
@Component("syncApi")
public class SyncApi {

    private static final List<String> HISTORY_STATUSES = List.of("in_progress", "completed", "failed", "cancelled");

    private final DataSourceService sources;
    private final SyncService syncs;
    private final SyncJobQueue jobs;
    private final SyncHistory history;
    private final TableRegistry registry;
    private final RejectStore rejects;
    private final JsonBodies bodies;
    private final ObjectMapper mapper;
    private final SyncMetrics metrics;
    private final io.mongopgsync.verify.DriftStatus drift;
    private final io.mongopgsync.stream.StreamApi streams;

    public SyncApi(DataSourceService sources, SyncService syncs, SyncJobQueue jobs, SyncHistory history,
                   TableRegistry registry, RejectStore rejects, JsonBodies bodies, ObjectMapper mapper,
                   SyncMetrics metrics, io.mongopgsync.verify.DriftStatus drift,
                   io.mongopgsync.stream.StreamApi streams) {
        this.sources = sources;
        this.syncs = syncs;
        this.jobs = jobs;
        this.history = history;
        this.registry = registry;
        this.rejects = rejects;
        this.bodies = bodies;
        this.mapper = mapper;
        this.metrics = metrics;
        this.drift = drift;
        this.streams = streams;
    }

    /** POST /sync {syncType?}: 202 with the queued job; 409 when one is queued or running. */
    public ApiResponse trigger(@Header("id") String id, @Header("Content-Type") String contentType, String body) {
        DataSourceRecord source = sources.get(DataSourceApi.parseId(id));
        ObjectNode json = bodies.optionalObject(contentType, body);
        FieldErrors errors = new FieldErrors();
        FieldErrors.rejectUnknownKeys(json, Set.of("syncType"), "", errors);
        String requested = FieldErrors.optionalText(json, "syncType", "", 20, errors);
        SyncType type = null;
        if (requested != null) {
            try {
                type = SyncType.parse(requested);
            } catch (IllegalArgumentException e) {
                errors.add("syncType", e.getMessage());
            }
        }
        errors.throwIfAny();
        if (type == null) {
            type = Boolean.TRUE.equals(SyncConfig.fromStored(source.syncConfigJson(), mapper).incremental())
                    ? SyncType.INCREMENTAL : SyncType.FULL;
        }
        SyncJob job = syncs.trigger(source.id(), type, "api");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("message", "Sync queued");
        answer.put("dataSourceId", source.id());
        answer.put("syncType", type.value());
        answer.put("jobId", job.id());
        return ApiResponse.accepted(answer);
    }

    public ApiResponse cancel(@Header("id") String id) {
        long sourceId = sources.get(DataSourceApi.parseId(id)).id();
        SyncJob job = syncs.cancel(sourceId);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("message", job.status().equals("cancelled") ? "Queued sync cancelled"
                : "Cancellation requested; the sync stops at its next batch and live tables stay as they were");
        answer.put("dataSourceId", sourceId);
        answer.put("jobId", job.id());
        return ApiResponse.accepted(answer);
    }

    public ApiResponse status(@Header("id") String id) {
        long sourceId = DataSourceApi.parseId(id);
        // the job before the source: a job ends in the transaction that sets the source's status, so a finished
        // job is never shown next to the status it had while running
        var activeJob = jobs.active(sourceId);
        DataSourceRecord source = sources.get(sourceId);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("dataSourceId", source.id());
        answer.put("syncStatus", source.syncStatus());
        answer.put("lastSyncAt", source.lastSyncAt());
        answer.put("totalRecordsSynced", source.totalRecordsSynced());
        answer.put("syncErrorMessage", source.syncErrorMessage());
        answer.put("job", activeJob.map(this::job).orElse(null));
        List<String> drifting = drift.driftingCollections(source.id());
        answer.put("drift", !drifting.isEmpty());
        answer.put("driftCollections", drifting);
        List<Map<String, Object>> current = new ArrayList<>();
        for (SyncHistory.Row row : history.inProgress(source.id())) {
            if ("stream".equals(row.syncType())) {
                continue; // a change-stream session: shown as "stream" below, it has no end to measure progress by
            }
            JsonNode metadata = parse(row.syncMetadataJson());
            Map<String, Object> progress = new LinkedHashMap<>();
            progress.put("collection", row.collectionName());
            progress.put("table", row.tableName());
            progress.put("syncType", metadata.path("mode").asText(row.syncType()));
            long processed = row.recordsSynced() + row.recordsFailed();
            progress.put("processed", processed);
            Long total = metadata.has("estimatedTotal") ? metadata.get("estimatedTotal").asLong() : null;
            progress.put("total", total);
            progress.put("percent", total == null || total == 0 ? null
                    : Math.min(100.0, Math.round(processed * 1000.0 / total) / 10.0));
            current.add(progress);
        }
        answer.put("current", current);
        streams.summary(source).ifPresent(stream -> answer.put("stream", stream));
        answer.put("history", history.page(source.id(), 10, 0).stream().map(this::historyRow).toList());
        return ApiResponse.ok(answer);
    }

    public ApiResponse history(@Header("id") String id, @Header("limit") String limit, @Header("offset") String offset,
                               @Header("status") String status) {
        long sourceId = sources.get(DataSourceApi.parseId(id)).id();
        int l = intParam("limit", limit, 50, 1, 500);
        int o = intParam("offset", offset, 0, 0, Integer.MAX_VALUE);
        String s = status == null || status.isBlank() ? null : status.trim();
        if (s != null && !HISTORY_STATUSES.contains(s)) {
            throw new ApiException(400, "validation_failed", "status must be one of " + HISTORY_STATUSES,
                    List.of(new io.mongopgsync.errors.FieldError("status", "must be one of " + HISTORY_STATUSES)));
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", history.count(sourceId, s));
        answer.put("limit", l);
        answer.put("offset", o);
        answer.put("status", s);
        answer.put("items", history.page(sourceId, s, l, o).stream().map(this::historyRow).toList());
        return ApiResponse.ok(answer);
    }

    public ApiResponse jobs(@Header("id") String id, @Header("limit") String limit) {
        long sourceId = sources.get(DataSourceApi.parseId(id)).id();
        return ApiResponse.ok(jobs.recent(sourceId, intParam("limit", limit, 20, 1, 500)).stream().map(this::job).toList());
    }

    /** The imported tables and, per table, which field went to which column. */
    public ApiResponse tables(@Header("id") String id) {
        long sourceId = sources.get(DataSourceApi.parseId(id)).id();
        List<Map<String, Object>> answer = new ArrayList<>();
        for (TableRegistry.ImportedTable t : registry.tables(sourceId)) {
            Map<String, Object> table = new LinkedHashMap<>();
            table.put("collection", t.collectionName());
            table.put("table", t.tableName());
            table.put("columns", registry.columns(sourceId, t.collectionName()).stream().map(c -> {
                Map<String, Object> column = new LinkedHashMap<>();
                column.put("field", c.field());
                column.put("column", c.name());
                column.put("type", c.type().sql());
                column.put("bsonTypes", c.bsonTypes());
                return column;
            }).toList());
            answer.add(table);
        }
        return ApiResponse.ok(answer);
    }

    public ApiResponse rejects(@Header("id") String id, @Header("limit") String limit, @Header("offset") String offset) {
        long sourceId = sources.get(DataSourceApi.parseId(id)).id();
        return ApiResponse.ok(rejects.recent(sourceId, intParam("limit", limit, 50, 1, 500),
                intParam("offset", offset, 0, 0, Integer.MAX_VALUE)));
    }

    /** GET /api/metrics: cluster-wide figures from the job and history tables. */
    public ApiResponse metrics() {
        return ApiResponse.ok(metrics.summary());
    }

    private Map<String, Object> historyRow(SyncHistory.Row r) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", r.id());
        row.put("jobId", r.jobId());
        row.put("collectionName", r.collectionName());
        row.put("tableName", r.tableName());
        row.put("syncType", r.syncType());
        row.put("status", r.status());
        row.put("recordsSynced", r.recordsSynced());
        row.put("recordsFailed", r.recordsFailed());
        row.put("startedAt", r.startedAt());
        row.put("completedAt", r.completedAt());
        row.put("errorMessage", r.errorMessage());
        row.put("syncMetadata", parse(r.syncMetadataJson()));
        return row;
    }

    private Map<String, Object> job(SyncJob j) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("id", j.id());
        job.put("syncType", j.syncType().value());
        job.put("trigger", j.trigger());
        job.put("status", j.status());
        job.put("cancelRequested", j.cancelRequested());
        job.put("createdAt", j.createdAt());
        job.put("startedAt", j.startedAt());
        job.put("finishedAt", j.finishedAt());
        job.put("errorMessage", j.errorMessage());
        job.put("retryOf", j.retryOf());
        return job;
    }

    private JsonNode parse(String text) {
        try {
            return text == null ? mapper.createObjectNode() : mapper.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int intParam(String name, String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new ApiException(400, "validation_failed", name + " must be an integer between " + min + " and " + max,
                List.of(new io.mongopgsync.errors.FieldError(name, "must be an integer between " + min + " and " + max)));
    }
}
