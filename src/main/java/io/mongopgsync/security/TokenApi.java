package io.mongopgsync.security;

import io.mongopgsync.errors.NotFoundException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mongopgsync.api.ApiException;
import io.mongopgsync.api.ApiResponse;
import io.mongopgsync.api.DataSourceApi;
import io.mongopgsync.errors.FieldErrors;
import io.mongopgsync.api.JsonBodies;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/** The caller and the API tokens (routes/api-security.camel.yaml calls these). */
@Component("tokenApi")
public class TokenApi {

    /** Names the service gives the tokens it creates itself. */
    static final String BOOTSTRAP_NAME = "bootstrap";
    static final String DEMO_NAME = "demo-admin";

    private static final Set<String> CREATE_KEYS = Set.of("name", "role", "expiresAt");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 _.@\\-]{0,99}");

    private final ApiTokenStore store;
    private final JsonBodies bodies;

    public TokenApi(ApiTokenStore store, JsonBodies bodies) {
        this.store = store;
        this.bodies = bodies;
    }

    /** GET /api/me: who the caller is to this service. */
    public ApiResponse me(Exchange exchange) {
        Caller caller = RequestCaller.of(exchange);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("subject", caller.subject());
        body.put("role", caller.role() == null ? null : caller.role().value());
        body.put("authMethod", caller.authMethod());
        return ApiResponse.ok(body);
    }

    /** POST /api/tokens: the token is in this answer and nowhere else, ever. */
    public ApiResponse create(Exchange exchange, @Header("Content-Type") String contentType, String body) {
        Caller caller = RequestCaller.of(exchange);
        ObjectNode json = bodies.object(contentType, body);
        FieldErrors errors = new FieldErrors();
        FieldErrors.rejectUnknownKeys(json, CREATE_KEYS, "", errors);
        String name = FieldErrors.optionalText(json, "name", "", 100, errors);
        if (name == null && (json.get("name") == null || json.get("name").isNull())) {
            errors.add("name", "is required");
        } else if (name != null && !NAME.matcher(name).matches()) {
            errors.add("name", "must start with a letter or digit and contain only letters, digits, spaces, '_', '.', '@' or '-'");
        } else if (BOOTSTRAP_NAME.equals(name) || DEMO_NAME.equals(name)) {
            errors.add("name", "'" + name + "' is reserved for the tokens the service creates itself");
        }
        String roleText = FieldErrors.optionalText(json, "role", "", 20, errors);
        Role role = Role.parse(roleText).orElse(null);
        if (role == null) {
            errors.add("role", "must be one of viewer, operator, admin");
        }
        Instant expiresAt = expiresAt(json.get("expiresAt"), errors);
        errors.throwIfAny();

        String secret = ApiTokenSecrets.generate();
        ApiTokenStore.StoredToken token;
        try {
            token = store.insert(name, role, secret, "api", caller.subject(), expiresAt);
        } catch (DuplicateKeyException e) {
            throw new ApiException(409, "duplicate_name", "An API token named '" + name
                    + "' is already live; revoke it first or choose another name");
        }
        Map<String, Object> answer = view(token);
        answer.put("token", secret);
        answer.put("message", "Store this token now: the service keeps only its hash and will not show it again");
        return ApiResponse.created(answer);
    }

    /** GET /api/tokens: every token, never its secret. */
    public ApiResponse list() {
        return ApiResponse.ok(store.list().stream().map(this::view).toList());
    }

    /** DELETE /api/tokens/{id}: revoked at once, on every replica (each request looks the token up). */
    public ApiResponse revoke(Exchange exchange, @Header("id") String id) {
        Caller caller = RequestCaller.of(exchange);
        long tokenId = DataSourceApi.parseId(id);
        store.findById(tokenId).orElseThrow(() -> NotFoundException.of("API token", tokenId));
        store.revoke(tokenId, caller.subject());
        return ApiResponse.noContent();
    }

    private Map<String, Object> view(ApiTokenStore.StoredToken t) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", t.id());
        view.put("name", t.name());
        view.put("role", t.role().value());
        view.put("hint", t.hint());
        view.put("status", t.status(Instant.now()));
        view.put("origin", t.origin());
        view.put("createdBy", t.createdBy());
        view.put("createdAt", t.createdAt());
        view.put("expiresAt", t.expiresAt());
        view.put("lastUsedAt", t.lastUsedAt());
        view.put("revokedAt", t.revokedAt());
        view.put("revokedBy", t.revokedBy());
        return view;
    }

    private static Instant expiresAt(JsonNode value, FieldErrors errors) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add("expiresAt", "must be an ISO-8601 date and time with offset, e.g. 2030-01-31T12:00:00Z");
            return null;
        }
        try {
            Instant at = OffsetDateTime.parse(value.asText()).toInstant();
            if (!at.isAfter(Instant.now())) {
                errors.add("expiresAt", "must be in the future");
                return null;
            }
            return at;
        } catch (DateTimeParseException e) {
            errors.add("expiresAt", "must be an ISO-8601 date and time with offset, e.g. 2030-01-31T12:00:00Z");
            return null;
        }
    }
}
