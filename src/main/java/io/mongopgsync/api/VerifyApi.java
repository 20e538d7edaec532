package io.mongopgsync.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mongopgsync.errors.FieldErrors;
import io.mongopgsync.errors.NotFoundException;
import io.mongopgsync.source.DataSourceService;
import io.mongopgsync.sync.SyncHistory;
import io.mongopgsync.sync.SyncJob;
import io.mongopgsync.sync.SyncJobQueue;
import io.mongopgsync.sync.SyncType;
import io.mongopgsync.verify.VerificationRequest;
import io.mongopgsync.verify.VerificationService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** Verification of imported tables against their collections (routes/api-verify.camel.yaml calls these). */
@Component("verifyApi")
public class VerifyApi {

    private final DataSourceService sources;
    private final VerificationService verifications;
    private final SyncJobQueue jobs;
    private final SyncHistory history;
    private final JsonBodies bodies;
    private final ObjectMapper mapper;

    public VerifyApi(DataSourceService sources, VerificationService verifications, SyncJobQueue jobs,
                     SyncHistory history, JsonBodies bodies, ObjectMapper mapper) {
        this.sources = sources;
        this.verifications = verifications;
        this.jobs = jobs;
        this.history = history;
        this.bodies = bodies;
        this.mapper = mapper;
    }

    /** POST /verify {mode, collections?, repair?}: 202 with the queued job; 409 when the source has one active. */
    public ApiResponse verify(@Header("id") String id, @Header("Content-Type") String contentType, String body) {
        long sourceId = sources.get(DataSourceApi.parseId(id)).id();
        ObjectNode json = bodies.object(contentType, body);
        FieldErrors errors = new FieldErrors();
        VerificationRequest request = VerificationRequest.parse(json, errors);
        errors.throwIfAny();
        SyncJob job = verifications.request(sourceId, request, "api");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("message", "Verification queued");
        answer.put("dataSourceId", sourceId);
        answer.put("jobId", job.id());
        answer.put("mode", request.mode().value());
        answer.put("collections", request.collections());
        answer.put("repair", request.repair());
        return ApiResponse.accepted(answer);
    }

    /** GET /verify/{jobId}: the job and, per collection, what the verification found. */
    public ApiResponse result(@Header("id") String id, @Header("jobId") String jobId) {
        long sourceId = sources.get(DataSourceApi.parseId(id)).id();
        long job = parseJobId(jobId);
        SyncJob found = jobs.find(sourceId, job).filter(j -> j.syncType() == SyncType.VERIFY)
                .orElseThrow(() -> new NotFoundException("Data source " + sourceId + " has no verification job " + job));
        VerificationRequest request = VerificationRequest.fromDetails(found.detailsJson(), mapper);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("jobId", found.id());
        answer.put("dataSourceId", sourceId);
        answer.put("status", found.status());
        answer.put("trigger", found.trigger());
        answer.put("mode", request.mode().value());
        answer.put("repair", request.repair());
        answer.put("createdAt", found.createdAt());
        answer.put("startedAt", found.startedAt());
        answer.put("finishedAt", found.finishedAt());
        answer.put("errorMessage", found.errorMessage());
        boolean drift = false;
        List<Map<String, Object>> collections = new ArrayList<>();
        for (SyncHistory.Row row : history.ofJob(found.id())) {
            JsonNode report = parse(row.syncMetadataJson());
            drift |= report.path("drift").asBoolean(false);
            Map<String, Object> collection = new LinkedHashMap<>();
            collection.put("collection", row.collectionName());
            collection.put("status", row.status());
            collection.put("errorMessage", row.errorMessage());
            collection.put("startedAt", row.startedAt());
            collection.put("completedAt", row.completedAt());
            collection.put("report", report);
            collections.add(collection);
        }
        answer.put("drift", drift);
        answer.put("collections", collections);
        return ApiResponse.ok(answer);
    }

    /** A job id has the same canonical form as a source id ({@code +1} or {@code 01} are not ids). */
    private static long parseJobId(String jobId) {
        return DataSourceApi.parseId(jobId);
    }

    private JsonNode parse(String text) {
        try {
            return text == null ? mapper.createObjectNode() : mapper.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a stored verification report is not JSON", e);
        }
    }
}
