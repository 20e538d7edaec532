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
        Map<String, CollectionSettings> collectionSettings,
        Boolean realtime) {

    public static final int MIN_BATCH = 100;
    public static final int MAX_BATCH = 10_000;

    static final Set<String> KEYS = Set.of("schedule", "scheduleTimeZone", "batchSize", "incremental",
            "lastSyncField", "collections", "parallelism", "fullSyncEvery", "sampleSize", "initialSync",
            "collectionSettings", "realtime");

    /** Settings that one collection overrides. */
    public record CollectionSettings(String lastSyncField) {
        static final Set<String> KEYS = Set.of("lastSyncField");
    }

    public static SyncConfig empty() {
        return new SyncConfig(null, null, null, null, null, List.of(), List.of(), null, null, null, null, Map.of(), null);
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
            } else {
                for (Iterator<Map.Entry<String, JsonNode>> it = settings.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String p = prefix + "collectionSettings." + e.getKey() + ".";
                    if (!e.getValue().isObject()) {
                        own.add(p.substring(0, p.length() - 1), "must be an object");
                        continue;
                    }
                    FieldErrors.rejectUnknownKeys(e.getValue(), CollectionSettings.KEYS, p, own);
                    perCollection.put(e.getKey(), new CollectionSettings(fieldPath(e.getValue(), "lastSyncField", p, own)));
                }
            }
        }
        if (!own.isEmpty()) {
            own.forEach(errors::add);
            return null;
        }
        return new SyncConfig(schedule, zone, batchSize, incremental, lastSyncField, include, exclude, parallelism,
                fullSyncEvery, sampleSize, initialSync, perCollection, realtime);
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
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual() || item.asText().isEmpty()) {
                errors.add(field, "must contain only non-empty strings");
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
        if (realtime != null) out.put("realtime", realtime);
        if (!collectionSettings.isEmpty()) {
            ObjectNode settings = out.putObject("collectionSettings");
            collectionSettings.forEach((name, s) -> {
                ObjectNode one = settings.putObject(name);
                putIfSet(one, "lastSyncField", s.lastSyncField());
            });
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
