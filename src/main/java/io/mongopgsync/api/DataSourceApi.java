package io.mongopgsync.api;

import io.mongopgsync.errors.ConflictException;
import io.mongopgsync.errors.FieldErrors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mongopgsync.config.SyncProperties;
import io.mongopgsync.schedule.CronSchedules;
import io.mongopgsync.schedule.ScheduleManager;
import io.mongopgsync.source.ConnectionCheck;
import io.mongopgsync.sync.EffectiveConfig;
import io.mongopgsync.source.ConnectionStrings;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.DataSourceService;
import io.mongopgsync.source.MongoConnections;
import io.mongopgsync.source.MongoHostPolicy;
import io.mongopgsync.source.SyncConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import io.mongopgsync.security.RequestCaller;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/** The data-source operations of the REST API (routes/api-data-sources.camel.yaml calls these). */
@Component("dataSourceApi")
public class DataSourceApi {

    private static final Set<String> CREATE_KEYS = Set.of("name", "description", "type", "connectionString",
            "connectionDetails", "database", "syncConfig");
    private static final Set<String> DETAIL_KEYS = Set.of("host", "port", "username", "password", "authSource", "tls");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 _.\\-]{0,99}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,253})|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern CANONICAL_ID = Pattern.compile("[1-9][0-9]{0,18}");
    private static final Pattern DATABASE_FORBIDDEN = Pattern.compile("[/\\\\. \"$*<>:|?\\x00]");

    private final DataSourceService service;
    private final MongoConnections connections;
    private final ConnectionCheck connectionCheck;
    private final JsonBodies bodies;
    private final ObjectMapper mapper;
    private final SyncProperties.Defaults defaults;
    private final ScheduleManager schedules;
    private final MongoHostPolicy hostPolicy;
    private final io.mongopgsync.verify.DriftStatus drift;
    private final ConnectionCheckGate checkGate;

    public DataSourceApi(DataSourceService service, MongoConnections connections, ConnectionCheck connectionCheck,
                         JsonBodies bodies, ObjectMapper mapper, SyncProperties properties, ScheduleManager schedules,
                         MongoHostPolicy hostPolicy, io.mongopgsync.verify.DriftStatus drift,
                         ConnectionCheckGate checkGate) {
        this.checkGate = checkGate;
        this.schedules = schedules;
        this.service = service;
        this.connections = connections;
        this.connectionCheck = connectionCheck;
        this.bodies = bodies;
        this.mapper = mapper;
        this.defaults = properties.defaults();
        this.hostPolicy = hostPolicy;
        this.drift = drift;
    }

    public ApiResponse list() {
        java.util.Set<Long> drifting = drift.driftingCollections().keySet();
        return ApiResponse.ok(service.list().stream()
                .map(r -> DataSourceView.of(r, connections, mapper, drifting.contains(r.id()))).toList());
    }

    public ApiResponse get(@Header("id") String id) {
        return ApiResponse.ok(view(service.get(parseId(id))));
    }

    public ApiResponse create(@Header("Content-Type") String contentType, String body) {
        ObjectNode json = bodies.object(contentType, body);
        return ApiResponse.created(view(service.create(changes(json, true))));
    }

    public ApiResponse update(@Header("id") String id, @Header("Content-Type") String contentType, String body) {
        long sourceId = parseId(id);
        service.get(sourceId);
        ObjectNode json = bodies.object(contentType, body);
        return ApiResponse.ok(view(service.update(sourceId, changes(json, false))));
    }

    public ApiResponse delete(@Header("id") String id, @Header("dropTables") String dropTables) {
        if (dropTables != null && !dropTables.equals("true") && !dropTables.equals("false")) {
            throw new ApiException(400, "validation_failed", "dropTables must be true or false",
                    java.util.List.of(new io.mongopgsync.errors.FieldError("dropTables", "must be true or false")));
        }
        service.delete(parseId(id), "true".equals(dropTables));
        return ApiResponse.noContent();
    }

    public ApiResponse testConnection(@Header("id") String id, Exchange exchange) {
        DataSourceRecord source = service.get(parseId(id));
        requireAllowedHosts(decryptedConnectionString(source), "connectionString");
        try {
            ConnectionCheck.Result result = checkGate.run(RequestCaller.of(exchange).subject(),
                    () -> connectionCheck.check(source));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ok", true);
            body.put("serverVersion", result.serverVersion());
            body.put("database", source.database());
            body.put("collections", result.collections());
            return ApiResponse.ok(body);
        } catch (ConnectionCheck.CheckFailedException e) {
            throw new ApiException(502, e.failure().code, e.getMessage());
        }
    }

    private String decryptedConnectionString(DataSourceRecord source) {
        try {
            return connections.connectionString(source);
        } catch (IllegalStateException e) {
            throw new ConflictException("connection_string_undecryptable", "The stored connection string of data "
                    + "source " + source.id() + " cannot be decrypted with the configured keys (" + e.getMessage()
                    + "): add the key it was encrypted with to SYNC_PREVIOUS_SECRET_KEYS, or store the connection "
                    + "string again with PUT /api/data-sources/" + source.id());
        }
    }

    /** GET /sync-config: the stored config and the one in effect with service defaults filled in. */
    public ApiResponse getSyncConfig(@Header("id") String id) {
        DataSourceRecord source = service.get(parseId(id));
        return ApiResponse.ok(syncConfigView(source));
    }

    /** PUT /sync-config: replaces the whole config; every bad key is named in the 400. */
    public ApiResponse putSyncConfig(@Header("id") String id, @Header("Content-Type") String contentType, String body) {
        long sourceId = parseId(id);
        service.get(sourceId);
        ObjectNode json = bodies.object(contentType, body);
        FieldErrors errors = new FieldErrors();
        SyncConfig config = SyncConfig.parse(json, "", errors);
        errors.throwIfAny();
        DataSourceRecord updated = service.update(sourceId, new DataSourceService.Changes(null, null, null, null, config));
        return ApiResponse.ok(syncConfigView(updated));
    }

    private Map<String, Object> syncConfigView(DataSourceRecord source) {
        SyncConfig config = service.syncConfig(source);
        EffectiveConfig effective = EffectiveConfig.of(config, defaults);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dataSourceId", source.id());
        body.put("syncConfig", config.toJson(mapper));
        Map<String, Object> inEffect = new LinkedHashMap<>();
        inEffect.put("schedule", config.schedule());
        inEffect.put("quartzSchedule", config.schedule() == null ? null : CronSchedules.toQuartz(config.schedule()));
        inEffect.put("scheduleTimeZone", config.scheduleTimeZone() == null ? "UTC" : config.scheduleTimeZone());
        inEffect.put("nextRunAt", config.schedule() == null ? null : schedules.nextRun(source.id()).orElse(null));
        inEffect.put("batchSize", effective.batchSize());
        inEffect.put("incremental", effective.incremental());
        inEffect.put("lastSyncField", effective.lastSyncField());
        inEffect.put("incrementalBy", config.incrementalBy() == null ? SyncConfig.BY_LAST_SYNC_FIELD : config.incrementalBy());
        inEffect.put("parallelism", effective.parallelism());
        inEffect.put("sampleSize", effective.sampleSize());
        inEffect.put("fullSyncEvery", effective.fullSyncEvery() == 0 ? null : effective.fullSyncEvery());
        inEffect.put("initialSync", !Boolean.FALSE.equals(config.initialSync()));
        inEffect.put("realtime", Boolean.TRUE.equals(config.realtime()));
        inEffect.put("collections", Map.of("include", effective.include(), "exclude", effective.exclude()));
        // each configured collection with what applies to it, its own settings merged over the source's
        Map<String, Object> perCollection = new LinkedHashMap<>();
        config.collectionSettings().keySet().forEach(name -> {
            Map<String, Object> settings = new LinkedHashMap<>();
            boolean insertsOnly = effective.insertsOnly(name);
            settings.put("incrementalBy", effective.incrementalBy(name));
            settings.put("lastSyncField", insertsOnly ? "_id" : effective.lastSyncField(name));
            settings.put("included", effective.wants(name));
            perCollection.put(name, settings);
        });
        inEffect.put("collectionSettings", perCollection);
        body.put("effective", inEffect);
        return body;
    }

    /** Only the canonical form of a positive integer is an id: {@code +1}, {@code 01} or {@code 1.0} are not. */
    public static long parseId(String id) {
        if (id != null && CANONICAL_ID.matcher(id).matches()) {
            try {
                return Long.parseLong(id);
            } catch (NumberFormatException tooLarge) {
                // answered below
            }
        }
        String shown = id == null ? "" : id.length() > 40 ? id.substring(0, 40) + "..." : id;
        throw new ApiException(400, "invalid_id", "Id must be a positive integer written without sign or leading "
                + "zeros, got '" + shown + "'");
    }

    private DataSourceView view(DataSourceRecord r) {
        return DataSourceView.of(r, connections, mapper, !drift.driftingCollections(r.id()).isEmpty());
    }

    private DataSourceService.Changes changes(ObjectNode json, boolean creating) {
        FieldErrors errors = new FieldErrors();
        FieldErrors.rejectUnknownKeys(json, CREATE_KEYS, "", errors);

        String name = FieldErrors.optionalText(json, "name", "", 100, errors);
        if (name != null && !NAME.matcher(name).matches()) {
            errors.add("name", "must start with a letter or digit and contain only letters, digits, spaces, '_', '.' or '-'");
        } else if (creating && (json.get("name") == null || json.get("name").isNull())) {
            errors.add("name", "is required");
        }
        String description = FieldErrors.optionalText(json, "description", "", 2000, errors);
        String type = FieldErrors.optionalText(json, "type", "", 20, errors);
        if (type != null && !type.equals("mongodb")) {
            errors.add("type", "must be 'mongodb'");
        }

        String connectionString = connectionString(json, creating, errors);
        String database = FieldErrors.optionalText(json, "database", "", 63, errors);
        if (creating && database == null && connectionString != null && json.get("database") == null) {
            try {
                database = ConnectionStrings.parse(connectionString).getDatabase();
            } catch (IllegalArgumentException ignored) {
                // reported by connectionString()
            }
        }
        if (database != null && (database.isEmpty() || DATABASE_FORBIDDEN.matcher(database).find())) {
            errors.add("database", "is not a valid MongoDB database name");
        } else if (database == null && creating) {
            errors.add("database", "is required (or give it in the connection string's path)");
        }

        SyncConfig syncConfig = null;
        if (json.has("syncConfig")) {
            syncConfig = SyncConfig.parse(json.get("syncConfig"), "syncConfig.", errors);
        }
        errors.throwIfAny();
        if (connectionString != null) {
            requireAllowedHosts(connectionString, json.has("connectionDetails") ? "connectionDetails.host"
                    : "connectionString");
        }
        return new DataSourceService.Changes(name, description, connectionString, database, syncConfig);
    }

    /** 400 before any connection when the allow-list (sync.mongo.allowed-hosts) does not contain a host. */
    private void requireAllowedHosts(String connectionString, String field) {
        try {
            hostPolicy.check(connectionString);
        } catch (MongoHostPolicy.HostNotAllowedException e) {
            throw new ApiException(400, "host_not_allowed", e.getMessage(),
                    java.util.List.of(new io.mongopgsync.errors.FieldError(field, e.getMessage())));
        } catch (MongoHostPolicy.SrvLookupException e) {
            throw new ApiException(502, "mongodb_unreachable", e.getMessage());
        }
    }

    private static String connectionString(ObjectNode json, boolean creating, FieldErrors errors) {
        JsonNode uriNode = json.get("connectionString");
        JsonNode details = json.get("connectionDetails");
        boolean hasUri = uriNode != null && !uriNode.isNull();
        boolean hasDetails = details != null && !details.isNull();
        if (hasUri && hasDetails) {
            errors.add("connectionString", "give either connectionString or connectionDetails, not both");
            return null;
        }
        if (hasUri) {
            if (!uriNode.isTextual()) {
                errors.add("connectionString", "must be a string");
                return null;
            }
            try {
                ConnectionStrings.parse(uriNode.asText());
                return uriNode.asText();
            } catch (IllegalArgumentException e) {
                errors.add("connectionString", e.getMessage());
                return null;
            }
        }
        if (hasDetails) {
            return fromDetails(details, errors);
        }
        if (creating) {
            errors.add("connectionString", "is required (or connectionDetails {host, port, username, password, "
                    + "authSource, tls})");
        }
        return null;
    }

    private static String fromDetails(JsonNode details, FieldErrors errors) {
        String p = "connectionDetails.";
        if (!details.isObject()) {
            errors.add("connectionDetails", "must be an object {host, port, username, password, authSource, tls}");
            return null;
        }
        FieldErrors own = new FieldErrors();
        FieldErrors.rejectUnknownKeys(details, DETAIL_KEYS, p, own);
        String host = FieldErrors.optionalText(details, "host", p, 255, own);
        if (host == null || !HOST.matcher(host).matches()) {
            own.add(p + "host", "is required and must be a host name, an IPv4 address or a bracketed IPv6 address");
        }
        Integer port = FieldErrors.optionalInt(details, "port", p, 1, 65535, own);
        String username = FieldErrors.optionalText(details, "username", p, 255, own);
        String password = FieldErrors.optionalText(details, "password", p, 1024, own);
        String authSource = FieldErrors.optionalText(details, "authSource", p, 63, own);
        Boolean tls = FieldErrors.optionalBoolean(details, "tls", p, own);
        if (password != null && username == null) {
            own.add(p + "username", "is required when a password is given");
        }
        if (!own.isEmpty()) {
            own.forEach(errors::add);
            return null;
        }
        String uri = ConnectionStrings.fromDetails(host, port == null ? 27017 : port, username, password, authSource,
                Boolean.TRUE.equals(tls));
        try {
            ConnectionStrings.parse(uri);
        } catch (IllegalArgumentException e) {
            errors.add("connectionDetails", "do not form a valid connection string: " + e.getMessage());
            return null;
        }
        return uri;
    }
}
