package io.mongopgsync.query;

import static io.mongopgsync.query.BsonSql.typeOf;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * {@code $project}, {@code $addFields}/{@code $set} and {@code $unset}: a new document built from the current one.
 * Dotted paths reach into embedded documents and, for inclusion and exclusion, into each document of an array, as
 * MongoDB does; computed values under an array are refused when met.
 */
final class ProjectionTranslator {

    /** One level of a projection: a field is included, excluded, computed, or a level below. */
    private interface Node {
    }

    private record Include() implements Node {
    }

    private record Exclude() implements Node {
    }

    private record Computed(BsonValue expression, String where) implements Node {
    }

    private record Level(Map<String, Node> children) implements Node {
        boolean computes() {
            return children.values().stream().anyMatch(n -> n instanceof Computed || n instanceof Level l && l.computes());
        }
    }

    private final Sql sql;
    private final ExpressionTranslator expressions;

    ProjectionTranslator(Sql sql, ExpressionTranslator expressions) {
        this.sql = sql;
        this.expressions = expressions;
    }

    String project(BsonDocument spec, String doc, String where) {
        if (spec.isEmpty()) {
            throw PipelineException.malformed(where, "$project needs at least one field");
        }
        Level root = new Level(new LinkedHashMap<>());
        parse(spec, root, "", where, true);
        boolean idGiven = root.children().containsKey("_id");
        boolean exclusion = false;
        boolean inclusion = false;
        for (Map.Entry<String, Node> e : flatten(root, "").entrySet()) {
            if (e.getKey().equals("_id")) {
                continue;
            }
            if (e.getValue() instanceof Exclude) {
                exclusion = true;
            } else {
                inclusion = true;
            }
        }
        if (exclusion && inclusion) {
            throw PipelineException.malformed(where, "cannot mix inclusion and exclusion in one $project (except _id)");
        }
        if (exclusion || (!inclusion && root.children().get("_id") instanceof Exclude)) {
            return exclude(doc, flatten(root, "").keySet().stream().map(p -> FieldPath.parse(p, where)).toList());
        }
        if (!idGiven) {
            root.children().put("_id", new Include());
        } else if (root.children().get("_id") instanceof Exclude) {
            root.children().remove("_id");
        }
        return include(doc, root, doc);
    }

    String addFields(BsonDocument spec, String doc, String where) {
        if (spec.isEmpty()) {
            return doc;
        }
        Level root = new Level(new LinkedHashMap<>());
        parse(spec, root, "", where, false);
        return set(doc, root, doc);
    }

    String unset(List<FieldPath> paths, String doc) {
        return exclude(doc, paths);
    }

    private void parse(BsonDocument spec, Level level, String prefix, String where, boolean projection) {
        for (Map.Entry<String, BsonValue> e : spec.entrySet()) {
            String key = e.getKey();
            String at = where + "." + key;
            FieldPath path = FieldPath.parse(key, at);
            Level target = level;
            for (String k : path.keys().subList(0, path.keys().size() - 1)) {
                Node child = target.children().computeIfAbsent(k, x -> new Level(new LinkedHashMap<>()));
                if (!(child instanceof Level l)) {
                    throw PipelineException.malformed(at, "path collides with another field of this stage");
                }
                target = l;
            }
            String last = path.keys().get(path.keys().size() - 1);
            BsonValue v = e.getValue();
            Node node;
            if (v.isDocument() && !v.asDocument().isEmpty() && !v.asDocument().getFirstKey().startsWith("$")) {
                Node existing = target.children().get(last);
                Level sub = existing instanceof Level l ? l : new Level(new LinkedHashMap<>());
                parse(v.asDocument(), sub, prefix + key + ".", at, projection);
                node = sub;
            } else if (projection && (v.isBoolean() || v.isNumber())) {
                boolean on = v.isBoolean() ? v.asBoolean().getValue() : v.asNumber().doubleValue() != 0;
                node = on ? new Include() : new Exclude();
            } else {
                node = new Computed(v, at);
            }
            if (target.children().containsKey(last) && !(node instanceof Level)) {
                throw PipelineException.malformed(at, "path collides with another field of this stage");
            }
            target.children().put(last, node);
        }
    }

    private static Map<String, Node> flatten(Level level, String prefix) {
        Map<String, Node> out = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : level.children().entrySet()) {
            if (e.getValue() instanceof Level l) {
                out.putAll(flatten(l, prefix + e.getKey() + "."));
            } else {
                out.put(prefix + e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** Inclusion: only the named fields, from {@code v} (an object), computed ones from the root document. */
    private String include(String v, Level level, String root) {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<String, Node> e : level.children().entrySet()) {
            String key = e.getKey();
            String child = v + " -> " + sql.text(key);
            Node node = e.getValue();
            String value;
            if (node instanceof Include) {
                value = child;
            } else if (node instanceof Computed c) {
                value = expressions.expression(c.expression(), root, c.where());
            } else if (node instanceof Level l) {
                String el = sql.alias("j");
                String otherwise = l.computes() ? include("'{}'::jsonb", l, root) : "NULL";
                String inArray = l.computes()
                        ? BsonSql.fail(child, "computed fields inside arrays are not supported")
                        : "(SELECT COALESCE(jsonb_agg(" + include(el + ".x", l, root) + " ORDER BY " + el + ".i) FILTER (WHERE "
                        + typeOf(el + ".x") + " = 'object'), '[]'::jsonb) FROM jsonb_array_elements(" + child
                        + ") WITH ORDINALITY AS " + el + "(x, i))";
                value = "(CASE " + typeOf(child) + " WHEN 'object' THEN " + include(child, l, root) + " WHEN 'array' THEN "
                        + inArray + " ELSE " + otherwise + " END)";
            } else {
                throw new IllegalStateException("exclusion in an inclusion projection");
            }
            parts.add(expressions.field(key, value));
        }
        return parts.isEmpty() ? "'{}'::jsonb" : "('{}'::jsonb || " + String.join(" || ", parts) + ")";
    }

    /** $addFields: each named field set (or removed, when its value is missing) on {@code v}. */
    private String set(String v, Level level, String root) {
        String result = v;
        for (Map.Entry<String, Node> e : level.children().entrySet()) {
            String key = sql.text(e.getKey());
            Node node = e.getValue();
            String value;
            if (node instanceof Computed c) {
                value = expressions.expression(c.expression(), root, c.where());
            } else if (node instanceof Level l) {
                String child = v + " -> " + key;
                value = "(CASE " + typeOf(child) + " WHEN 'object' THEN " + set(child, l, root) + " WHEN 'array' THEN "
                        + BsonSql.fail(child, "setting fields inside arrays is not supported") + " ELSE "
                        + set("'{}'::jsonb", l, root) + " END)";
            } else {
                throw new IllegalStateException("inclusion in $addFields");
            }
            String alias = sql.alias("s");
            result = "(SELECT CASE WHEN " + alias + ".x IS NULL THEN " + alias + ".d - " + key + " ELSE " + alias
                    + ".d || jsonb_build_object(" + key + ", " + alias + ".x) END FROM (SELECT " + result + " AS d, " + value
                    + " AS x " + ExpressionTranslator.FENCE + ") AS " + alias + ")";
        }
        return result;
    }

    /** Exclusion: the named paths removed, inside each document of an array on the way too. */
    private String exclude(String doc, List<FieldPath> paths) {
        String result = doc;
        for (FieldPath p : paths) {
            result = remove(result, p.keys());
        }
        return result;
    }

    private String remove(String v, List<String> keys) {
        String key = sql.text(keys.get(0));
        if (keys.size() == 1) {
            return "(" + v + " - " + key + ")";
        }
        List<String> rest = keys.subList(1, keys.size());
        String alias = sql.alias("r");
        String child = alias + ".d -> " + key;
        String el = sql.alias("j");
        return "(SELECT CASE " + typeOf(child) + " WHEN 'object' THEN jsonb_set(" + alias + ".d, ARRAY[" + key + "], "
                + remove(child, rest) + ") WHEN 'array' THEN jsonb_set(" + alias + ".d, ARRAY[" + key + "], (SELECT COALESCE("
                + "jsonb_agg(CASE WHEN " + typeOf(el + ".x") + " = 'object' THEN " + remove(el + ".x", rest) + " ELSE " + el
                + ".x END ORDER BY " + el + ".i), '[]'::jsonb) FROM jsonb_array_elements(" + child + ") WITH ORDINALITY AS "
                + el + "(x, i))) ELSE " + alias + ".d END FROM (SELECT " + v + " AS d " + ExpressionTranslator.FENCE + ") AS "
                + alias + ")";
    }
}
