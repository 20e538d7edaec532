package io.mongopgsync.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.api.ApiException;
import io.mongopgsync.api.ApiResponse;
import io.mongopgsync.api.SyncApi;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** GET /api/audit (routes/api-security.camel.yaml calls this). */
@Component("auditApi")
public class AuditApi {

    private final AuditLog auditLog;
    private final ObjectMapper mapper;

    public AuditApi(AuditLog auditLog, ObjectMapper mapper) {
        this.auditLog = auditLog;
        this.mapper = mapper;
    }

    public ApiResponse list(@Header("limit") String limit, @Header("offset") String offset,
                            @Header("actor") String actor, @Header("action") String action,
                            @Header("status") String status, @Header("since") String since,
                            @Header("until") String until) {
        int l = SyncApi.intParam("limit", limit, 50, 1, 500);
        int o = SyncApi.intParam("offset", offset, 0, 0, Integer.MAX_VALUE);
        AuditLog.Filter filter = new AuditLog.Filter(blankToNull(actor), blankToNull(action),
                status == null || status.isBlank() ? null : SyncApi.intParam("status", status, 0, 100, 599),
                instant("since", since), instant("until", until));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", auditLog.count(filter));
        answer.put("limit", l);
        answer.put("offset", o);
        answer.put("items", auditLog.page(filter, l, o).stream().map(this::view).toList());
        return ApiResponse.ok(answer);
    }

    private Map<String, Object> view(AuditLog.Entry e) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", e.id());
        view.put("time", e.occurredAt());
        view.put("actor", e.actor());
        view.put("role", e.role());
        view.put("authMethod", e.authMethod());
        view.put("action", e.action());
        view.put("target", e.target());
        view.put("status", e.status());
        view.put("clientAddress", e.clientAddress());
        try {
            view.put("summary", mapper.readTree(e.summaryJson()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
            throw new IllegalStateException("audit entry " + e.id() + " has an unreadable summary", ex);
        }
        return view;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static Instant instant(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            // A '+' of an offset that was not URL-encoded arrives as a space.
            return OffsetDateTime.parse(value.trim().replace(' ', '+')).toInstant();
        } catch (DateTimeParseException e) {
            throw new ApiException(400, "validation_failed", name + " must be an ISO-8601 date and time with offset, "
                    + "e.g. 2030-01-31T12:00:00Z", List.of(new io.mongopgsync.errors.FieldError(name,
                    "must be an ISO-8601 date and time with offset")));
        }
    }
}
