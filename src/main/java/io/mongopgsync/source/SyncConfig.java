package io.mongopgsync.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mongopgsync.errors.FieldErrors;
import io.mongopgsync.schedule.CronSchedules;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A data source's {@code sync_config}. Every key is optional; unset keys fall back to the service defaults
 * ({@code sync.defaults.*}). Parsing validates every key and names each bad one.
 */
public record SyncConfig(
        String schedule,
        String scheduleTimeZone,
        Integer batchSize,
        Boolean incremental,
        String lastSyncField,
        List<String> include,
        List<String> exclude,
        Integer parallelism,
        Integer fullSyncEvery,
        Integer sampleSize,
        Boolean initialSync,
        String incrementalBy,
        Map<String, CollectionSettings> collectionSettings,
        VerifySchedule verify,
        Boolean realtime) {

    public static final int MIN_BATCH = 100;
    public static final int MAX_BATCH = 10_000;
    /** Bounds of the lists a request may carry, so that one body cannot hold the service busy. */
    static final int MAX_COLLECTIONS = 1000;
    static final int MAX_NAME_LENGTH = 255;

    static final Set<String> KEYS = Set.of("schedule", "scheduleTimeZone", "batchSize", "incremental",
            "lastSyncField", "collections", "parallelism", "fullSyncEvery", "sampleSize", "initialSync",
            "incrementalBy", "collectionSettings", "verify", "realtime");

    /** incrementalBy: documents whose lastSyncField is at or past the watermark (inserts and updates). */
    public static final String BY_LAST_SYNC_FIELD = "lastSyncField";
    /** incrementalBy: documents whose ObjectId {@code _id} is past the last one seen (inserts only). */
    public static final String BY_OBJECT_ID_INSERTS = "objectIdInserts";
    static final List<String> INCREMENTAL_BY = List.of(BY_LAST_SYNC_FIELD, BY_OBJECT_ID_INSERTS);

    /** Settings that one collection overrides. */
    public record CollectionSettings(String lastSyncField, String incrementalBy) {
        static final Set<String> KEYS = Set.of("lastSyncField", "incrementalBy");
    }

    /** A verification on a schedule of its own: {@code mode} quick (the default) or full. */
    public record VerifySchedule(String schedule, String mode) {
        static final Set<String> KEYS = Set.of("schedule", "mode");

        static VerifySchedule parse(JsonNode node, String prefix, FieldErrors errors) {
            if (node == null || node.isNull()) {
                return null;
            }
            String field = prefix + "verify";
            if (!node.isObject()) {
                errors.add(field, "must be an object {schedule, mode}");
                return null;
            }
            FieldErrors.rejectUnknownKeys(node, KEYS, field + ".", errors);
            String schedule = FieldErrors.optionalText(node, "schedule", field + ".", 200, errors);
            if (schedule == null || schedule.isBlank()) {
                errors.add(field + ".schedule", "is required: a cron expression");
            } else {
                try {
                    CronSchedules.toQuartz(schedule);
                } catch (IllegalArgumentException e) {
                    errors.add(field + ".schedule", e.getMessage());
                }
            }
            String mode = FieldErrors.optionalText(node, "mode", field + ".", 10, errors);
            if (mode != null && !mode.equals("quick") && !mode.equals("full")) {
                errors.add(field + ".mode", "must be 'quick' or 'full', got '" + mode + "'");
            }
            return new VerifySchedule(schedule, mode == null ? "quick" : mode);
        }
    }

    public static SyncConfig empty() {
        return new SyncConfig(null, null, null, null, null, List.of(), List.of(), null, null, null, null, null, Map.of(),
                null, null);
    }

    /** Validates {@code node} (field names in errors start with {@code prefix}); returns null when it has errors. */
    public static SyncConfig parse(JsonNode node, String prefix, FieldErrors errors) {
        if (node == null || node.isNull()) {
            return empty();
        }
        if (!node.isObject()) {
            errors.add(prefix.isEmpty() ? "syncConfig" : prefix.substring(0, prefix.length() - 1), "must be a JSON object");
            return null;
        }
        FieldErrors own = new FieldErrors();
        FieldErrors.rejectUnknownKeys(node, KEYS, prefix, own);

        String schedule = FieldErrors.optionalText(node, "schedule", prefix, 200, own);
        if (schedule != null && !schedule.isBlank()) {
            try {
                CronSchedules.toQuartz(schedule);
            } catch (IllegalArgumentException e) {
                own.add(prefix + "schedule", e.getMessage());
            }
        } else {
            schedule = null;
        }
        String zone = FieldErrors.optionalText(node, "scheduleTimeZone", prefix, 64, own);
        if (zone != null) {
            try {
                ZoneId.of(zone);
            } catch (DateTimeException e) {
                own.add(prefix + "scheduleTimeZone", "is not a known time zone: " + zone);
            }
        }
        Integer batchSize = FieldErrors.optionalInt(node, "batchSize", prefix, MIN_BATCH, MAX_BATCH, own);
        Boolean incremental = FieldErrors.optionalBoolean(node, "incremental", prefix, own);
        String lastSyncField = fieldPath(node, "lastSyncField", prefix, own);
        String incrementalBy = incrementalBy(node, lastSyncField, prefix, own);
        Integer parallelism = FieldErrors.optionalInt(node, "parallelism", prefix, 1, 16, own);
        Integer fullSyncEvery = FieldErrors.optionalInt(node, "fullSyncEvery", prefix, 1, 100_000, own);
        Integer sampleSize = FieldErrors.optionalInt(node, "sampleSize", prefix, 10, 100_000, own);
        Boolean initialSync = FieldErrors.optionalBoolean(node, "initialSync", prefix, own);
        Boolean realtime = FieldErrors.optionalBoolean(node, "realtime", prefix, own);

        List<String> include = List.of();
        List<String> exclude = List.of();
        JsonNode collections = node.get("collections");
        if (collections != null && !collections.isNull()) {
            if (!collections.isObject()) {
                own.add(prefix + "collections", "must be an object {include: [...], exclude: [...]}");
            } else {
                FieldErrors.rejectUnknownKeys(collections, Set.of("include", "exclude"), prefix + "collections.", own);
                include = names(collections.get("include"), prefix + "collections.include", own);
                exclude = names(collections.get("exclude"), prefix + "collections.exclude", own);
            }
        }

        Map<String, CollectionSettings> perCollection = new LinkedHashMap<>();
        JsonNode settings = node.get("collectionSettings");
        if (settings != null && !settings.isNull()) {
            if (!settings.isObject()) {
                own.add(prefix + "collectionSettings", "must be an object keyed by collection name");
            } else if (settings.size() > MAX_COLLECTIONS) {
                own.add(prefix + "collectionSettings", "must name at most " + MAX_COLLECTIONS + " collections, got "
                        + settings.size());
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getKey().isEmpty() || e.getKey().length() > MAX_NAME_LENGTH || e.getKey().indexOf('\0') >= 0) {
                        own.add(prefix + "collectionSettings", "must be keyed by collection names: non-empty, at most "
                                + MAX_NAME_LENGTH + " characters, without NUL");
                        continue;
                    }
                    String p = prefix + "collectionSettings." + e.getKey() + ".";
                    if (!e.getValue().isObject()) {
                        own.add(p.substring(0, p.length() - 1), "must be an object");
                        continue;
                    }
                    FieldErrors.rejectUnknownKeys(e.getValue(), CollectionSettings.KEYS, p, own);
                    String field = fieldPath(e.getValue(), "lastSyncField", p, own);
                    perCollection.put(e.getKey(),
                            new CollectionSettings(field, incrementalBy(e.getValue(), field, p, own)));
                }
            }
        }
        VerifySchedule verify = VerifySchedule.parse(node.get("verify"), prefix, own);
        if (!own.isEmpty()) {
            own.forEach(errors::add);
            return null;
        }
        return new SyncConfig(schedule, zone, batchSize, incremental, lastSyncField, include, exclude, parallelism,
                fullSyncEvery, sampleSize, initialSync, incrementalBy, perCollection, verify, realtime);
    }

    /** One of {@link #INCREMENTAL_BY}; objectIdInserts has no watermark field, so a lastSyncField beside it is refused. */
    private static String incrementalBy(JsonNode node, String lastSyncField, String prefix, FieldErrors errors) {
        String value = FieldErrors.optionalText(node, "incrementalBy", prefix, 40, errors);
        if (value == null) {
            return null;
        }
        if (!INCREMENTAL_BY.contains(value)) {
            errors.add(prefix + "incrementalBy", "must be one of " + INCREMENTAL_BY);
            return null;
        }
        if (BY_OBJECT_ID_INSERTS.equals(value) && lastSyncField != null) {
            errors.add(prefix + "lastSyncField", "is not used with incrementalBy " + BY_OBJECT_ID_INSERTS
                    + " (new documents are found by their ObjectId _id); remove one of the two");
        }
        return value;
    }

    private static String fieldPath(JsonNode node, String key, String prefix, FieldErrors errors) {
        String value = FieldErrors.optionalText(node, key, prefix, 200, errors);
        if (value != null && (value.isBlank() || value.startsWith("$") || value.contains("\0"))) {
            errors.add(prefix + key, "must be a MongoDB field path such as updatedAt or meta.updatedAt");
            return null;
        }
        return value;
    }

    private static List<String> names(JsonNode node, String field, FieldErrors errors) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            errors.add(field, "must be an array of collection names");
            return List.of();
        }
        if (node.size() > MAX_COLLECTIONS) {
            errors.add(field, "must list at most " + MAX_COLLECTIONS + " collections, got " + node.size());
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.asText().isEmpty() || item.asText().length() > MAX_NAME_LENGTH
                    || item.asText().indexOf('\0') >= 0) {
                errors.add(field, "must contain only collection names: non-empty strings of at most "
                        + MAX_NAME_LENGTH + " characters without NUL");
                return List.of();
            }
            out.add(item.asText());
        }
        return List.copyOf(out);
    }

    /** The stored JSON form: only the keys that are set. */
    public ObjectNode toJson(ObjectMapper mapper) {
        ObjectNode out = mapper.createObjectNode();
        putIfSet(out, "schedule", schedule);
        putIfSet(out, "scheduleTimeZone", scheduleTimeZone);
        if (batchSize != null) out.put("batchSize", batchSize);
        if (incremental != null) out.put("incremental", incremental);
        putIfSet(out, "lastSyncField", lastSyncField);
        if (!include.isEmpty() || !exclude.isEmpty()) {
            ObjectNode collections = out.putObject("collections");
            ArrayNode in = collections.putArray("include");
            include.forEach(in::add);
            ArrayNode ex = collections.putArray("exclude");
            exclude.forEach(ex::add);
        }
        if (parallelism != null) out.put("parallelism", parallelism);
        if (fullSyncEvery != null) out.put("fullSyncEvery", fullSyncEvery);
        if (sampleSize != null) out.put("sampleSize", sampleSize);
        if (initialSync != null) out.put("initialSync", initialSync);
        putIfSet(out, "incrementalBy", incrementalBy);
        if (realtime != null) out.put("realtime", realtime);
        if (!collectionSettings.isEmpty()) {
            ObjectNode settings = out.putObject("collectionSettings");
            collectionSettings.forEach((name, s) -> {
                ObjectNode one = settings.putObject(name);
                putIfSet(one, "lastSyncField", s.lastSyncField());
                putIfSet(one, "incrementalBy", s.incrementalBy());
            });
        }
        if (verify != null) {
            out.putObject("verify").put("schedule", verify.schedule()).put("mode", verify.mode());
        }
        return out;
    }

    private static void putIfSet(ObjectNode node, String key, String value) {
        if (value != null) {
            node.put(key, value);
        }
    }

    /** Reads a stored sync_config; stored configs were validated on the way in. */
    public static SyncConfig fromStored(String json, ObjectMapper mapper) {
        if (json == null || json.isBlank()) {
            return empty();
        }
        try {
            FieldErrors errors = new FieldErrors();
            SyncConfig config = parse(mapper.readTree(json), "syncConfig.", errors);
            if (config == null) {
                errors.throwIfAny();
            }
            return config;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("stored sync_config is not JSON", e);
        }
    }
}
