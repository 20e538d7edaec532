package io.mongopgsync.query;

import static io.mongopgsync.query.BsonSql.typeOf;

import io.mongopgsync.mapping.Identifiers;
import io.mongopgsync.mapping.TableSchema;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;

/**
 * The stages that bring in rows from elsewhere: {@code $unwind} (a row per array element, as a lateral join) and
 * {@code $lookup} (matching documents of another imported collection, as an array). They return SQL for
 * {@link PipelineTranslator} to place in its chain of stages; values are bind parameters, identifiers quoted.
 */
final class LookupUnwindTranslator {

    /** What {@code $unwind} makes of each input row: its new document, and the lateral rows it is made from. */
    record Unwound(String newDoc, String lateral) {
    }

    private final Sql sql;
    private final ExpressionTranslator expressions;
    private final MatchTranslator match;
    private final PipelineTranslator.Collections others;

    LookupUnwindTranslator(Sql sql, ExpressionTranslator expressions, MatchTranslator match,
                           PipelineTranslator.Collections others) {
        this.sql = sql;
        this.expressions = expressions;
        this.match = match;
        this.others = others;
    }

    /**
     * {@code $unwind}: the new document of each output row and the lateral rows it comes from ({@code e} the
     * element, {@code i} its index, {@code k} 0 for an element, 1 for a non-array value kept as it is, 2 for a null,
     * missing or empty array kept by preserveNullAndEmptyArrays); {@code u} names the lateral's index column.
     */
    Unwound unwind(BsonValue spec, String doc, String where) {
        String pathText;
        String indexName = null;
        boolean preserve = false;
        if (spec.isString()) {
            pathText = spec.asString().getValue();
        } else if (spec.isDocument()) {
            BsonDocument options = spec.asDocument();
            for (String key : options.keySet()) {
                if (!List.of("path", "includeArrayIndex", "preserveNullAndEmptyArrays").contains(key)) {
                    throw PipelineException.malformed(where + "." + key, "is not an option of $unwind");
                }
            }
            if (!options.containsKey("path") || !options.get("path").isString()) {
                throw PipelineException.malformed(where + ".path", "$unwind needs a path such as \"$items\"");
            }
            pathText = options.getString("path").getValue();
            if (options.containsKey("includeArrayIndex")) {
                indexName = outputName(options.get("includeArrayIndex"), where + ".includeArrayIndex", "includeArrayIndex");
            }
            if (options.containsKey("preserveNullAndEmptyArrays")) {
                if (!options.get("preserveNullAndEmptyArrays").isBoolean()) {
                    throw PipelineException.malformed(where + ".preserveNullAndEmptyArrays", "must be true or false");
                }
                preserve = options.getBoolean("preserveNullAndEmptyArrays").getValue();
            }
        } else {
            throw PipelineException.malformed(where, "$unwind takes \"$path\" or {path, includeArrayIndex?, preserveNullAndEmptyArrays?}");
        }
        if (!pathText.startsWith("$")) {
            throw PipelineException.malformed(where, "the $unwind path must start with '$'");
        }
        FieldPath path = FieldPath.parse(pathText.substring(1), where);
        String keys = path.textArray(sql);
        String v = "(" + doc + " #> " + keys + ")";
        String newDoc = "(CASE u.k WHEN 0 THEN jsonb_set(" + doc + ", " + keys + ", u.e) WHEN 2 THEN (CASE WHEN " + v
                + " = '[]'::jsonb THEN " + doc + " #- " + keys + " ELSE " + doc + " END) ELSE " + doc + " END)";
        if (indexName != null) {
            newDoc = "(" + newDoc + " || jsonb_build_object(" + sql.text(indexName) + ", COALESCE(to_jsonb(u.i), 'null'::jsonb)))";
        }
        String lateral = "SELECT a.e, a.i - 1 AS i, 0 AS k FROM jsonb_array_elements(CASE WHEN " + typeOf(v)
                + " = 'array' THEN " + v + " END) WITH ORDINALITY AS a(e, i)"
                + " UNION ALL SELECT NULL, NULL, 1 WHERE " + v + " IS NOT NULL AND " + typeOf(v) + " NOT IN ('array', 'null')"
                + (preserve ? " UNION ALL SELECT NULL, NULL, 2 WHERE " + BsonSql.isNullOrMissing(v) + " OR " + v + " = '[]'::jsonb" : "");
        return new Unwound(newDoc, lateral);
    }

    /** {@code $lookup} with localField/foreignField: the input document with the matches as an array in {@code as}. */
    String lookup(BsonDocument spec, String doc, String where) {
        for (String key : spec.keySet()) {
            if (key.equals("pipeline") || key.equals("let")) {
                throw PipelineException.unsupported(where + "." + key, "$lookup with " + key + " is not supported; use localField/foreignField");
            }
            if (!List.of("from", "localField", "foreignField", "as").contains(key)) {
                throw PipelineException.malformed(where + "." + key, "is not an option of $lookup");
            }
        }
        for (String key : List.of("from", "localField", "foreignField", "as")) {
            if (!spec.containsKey(key) || !spec.get(key).isString()) {
                throw PipelineException.malformed(where + "." + key, "$lookup needs " + key + " as a string");
            }
        }
        String from = spec.getString("from").getValue();
        ImportedCollection foreign = others.imported(from).orElseThrow(() -> new PipelineTranslator.NotImportedException(from));
        FieldPath local = FieldPath.parse(spec.getString("localField").getValue(), where + ".localField");
        FieldPath foreignPath = FieldPath.parse(spec.getString("foreignField").getValue(), where + ".foreignField");
        String as = spec.getString("as").getValue();
        if (as.isEmpty() || as.startsWith("$") || as.contains(".")) {
            throw PipelineException.unsupported(where + ".as", "$lookup into a nested field is not supported");
        }
        String localValue = expressions.path(doc, local);
        String l = sql.alias("l");
        String f = sql.alias("f");
        String locals = "(SELECT x.e FROM jsonb_array_elements(CASE WHEN " + typeOf(localValue) + " = 'array' THEN " + localValue
                + " END) AS x(e) UNION ALL SELECT COALESCE(" + localValue + ", 'null'::jsonb) WHERE " + typeOf(localValue)
                + " IS DISTINCT FROM 'array')";
        String foreignMatch = match.any(Scope.document(f + "." + Identifiers.quote(TableSchema.SOURCE_DOCUMENT)), foreignPath,
                y -> "(CASE WHEN " + typeOf(l + ".e") + " = 'null' THEN " + BsonSql.isNullOrMissing(y) + " WHEN "
                        + BsonSql.isNumber(l + ".e") + " THEN " + BsonSql.isNumber(y) + " AND " + BsonSql.num(y) + " = "
                        + BsonSql.num(l + ".e") + " ELSE " + y + " = " + l + ".e END)", true);
        String joined = "(SELECT COALESCE(jsonb_agg(" + f + "." + Identifiers.quote(TableSchema.SOURCE_DOCUMENT) + "), '[]'::jsonb) FROM "
                + foreign.qualifiedTable() + " AS " + f + " WHERE EXISTS (SELECT 1 FROM " + locals + " AS " + l + "(e) WHERE "
                + foreignMatch + "))";
        return "(" + doc + " || jsonb_build_object(" + sql.text(as) + ", " + joined + "))";
    }

    /** A field name a stage writes to: not empty, not an operator, no '.', no NUL. */
    static String outputName(BsonValue spec, String where, String stage) {
        if (!spec.isString() || spec.asString().getValue().isEmpty() || spec.asString().getValue().startsWith("$")
                || spec.asString().getValue().contains(".") || spec.asString().getValue().indexOf('\0') >= 0) {
            throw PipelineException.malformed(where, stage + " needs a field name: a non-empty string without '.' that does not start with '$'");
        }
        return spec.asString().getValue();
    }
}
