package io.mongopgsync.audit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** dra_audit_log: one row per changing or refused call. */
@Repository
public class AuditLog {

    private final JdbcClient jdbc;

    public AuditLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One audited call; {@code summaryJson} holds no secrets (see {@link RequestSummaries}). */
    public record Entry(long id, Instant occurredAt, String actor, String role, String authMethod, String action,
                        String target, int status, String clientAddress, String summaryJson) {
    }

    /** Which entries to list; null fields do not filter. {@code action} matches any part, case-insensitively. */
    public record Filter(String actor, String action, Integer status, Instant since, Instant until) {
    }

    public void add(String actor, String role, String authMethod, String action, String target, int status,
                    String clientAddress, String summaryJson) {
        jdbc.sql("INSERT INTO dra_audit_log (actor, role, auth_method, action, target, status, client_address, summary) "
                        + "VALUES (:actor, :role, :method, :action, :target, :status, :client, CAST(:summary AS jsonb))")
                .param("actor", actor).param("role", role).param("method", authMethod).param("action", action)
                .param("target", target).param("status", status).param("client", clientAddress)
                .param("summary", summaryJson).update();
    }

    public long count(Filter filter) {
        Map<String, Object> params = new LinkedHashMap<>();
        return jdbc.sql("SELECT count(*) FROM dra_audit_log" + where(filter, params)).params(params)
                .query(Long.class).single();
    }

    /** Newest first. */
    public List<Entry> page(Filter filter, int limit, int offset) {
        Map<String, Object> params = new LinkedHashMap<>();
        String sql = "SELECT id, occurred_at, actor, role, auth_method, action, target, status, client_address, "
                + "summary::text AS summary FROM dra_audit_log" + where(filter, params)
                + " ORDER BY occurred_at DESC, id DESC LIMIT :limit OFFSET :offset";
        params.put("limit", limit);
        params.put("offset", offset);
        return jdbc.sql(sql).params(params)
                .query((rs, n) -> new Entry(rs.getLong("id"), rs.getTimestamp("occurred_at").toInstant(),
                        rs.getString("actor"), rs.getString("role"), rs.getString("auth_method"), rs.getString("action"),
                        rs.getString("target"), rs.getInt("status"), rs.getString("client_address"),
                        rs.getString("summary")))
                .list();
    }

    /** Fixed SQL fragments only; every value goes as a parameter. */
    private static String where(Filter filter, Map<String, Object> params) {
        List<String> conditions = new ArrayList<>();
        if (filter.actor() != null) {
            conditions.add("actor = :actor");
            params.put("actor", filter.actor());
        }
        if (filter.action() != null) {
            conditions.add("strpos(lower(action), lower(:action)) > 0");
            params.put("action", filter.action());
        }
        if (filter.status() != null) {
            conditions.add("status = :status");
            params.put("status", filter.status());
        }
        if (filter.since() != null) {
            conditions.add("occurred_at >= :since");
            params.put("since", Timestamp.from(filter.since()));
        }
        if (filter.until() != null) {
            conditions.add("occurred_at < :until");
            params.put("until", Timestamp.from(filter.until()));
        }
        return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    }
}
