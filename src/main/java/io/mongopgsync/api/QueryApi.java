package io.mongopgsync.api;

import io.mongopgsync.errors.FieldErrors;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mongopgsync.query.PipelineException;
import io.mongopgsync.query.PostgresQueries;
import io.mongopgsync.query.QueryResult;
import io.mongopgsync.query.QueryService;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.source.DataSourceService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Header;
import org.bson.BsonArray;
import org.bson.json.JsonParseException;
import org.springframework.stereotype.Component;

/** POST /api/data-sources/{id}/query (routes/api-query.camel.yaml calls this). */
@Component("queryApi")
public class QueryApi {

    private static final int MAX_COLLECTION_NAME = 255;

    private final DataSourceService sources;
    private final QueryService queries;
    private final JsonBodies bodies;
    private final ObjectReader documents;

    public QueryApi(DataSourceService sources, QueryService queries, JsonBodies bodies, ObjectMapper mapper) {
        this.sources = sources;
        this.queries = queries;
        this.bodies = bodies;
        // exact decimals: a numeric value of an imported row is shown with every digit it has
        this.documents = mapper.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /** {collection, pipeline, explain?} → {documents, source, truncated} or, for explain, {source, sql, params}. */
    public ApiResponse query(@Header("id") String id, @Header("Content-Type") String contentType, String body) {
        DataSourceRecord source = sources.get(DataSourceApi.parseId(id));
        ObjectNode json = bodies.object(contentType, body);
        FieldErrors errors = new FieldErrors();
        FieldErrors.rejectUnknownKeys(json, Set.of("collection", "pipeline", "explain"), "", errors);
        String collection = FieldErrors.optionalText(json, "collection", "", MAX_COLLECTION_NAME, errors);
        if (collection == null && !json.hasNonNull("collection")) {
            errors.add("collection", "is required");
        } else if (collection != null && (collection.isEmpty() || collection.indexOf('\0') >= 0)) {
            errors.add("collection", "must be a non-empty collection name without NUL characters");
        }
        Boolean explain = FieldErrors.optionalBoolean(json, "explain", "", errors);
        JsonNode pipelineNode = json.get("pipeline");
        BsonArray pipeline = null;
        if (pipelineNode == null || !pipelineNode.isArray()) {
            errors.add("pipeline", "is required and must be an array of stages");
        } else {
            for (int i = 0; i < pipelineNode.size(); i++) {
                if (!pipelineNode.get(i).isObject()) {
                    errors.add("pipeline[" + i + "]", "must be a stage document such as {\"$match\": {...}}");
                }
            }
            try {
                pipeline = BsonArray.parse(pipelineNode.toString());
            } catch (JsonParseException | IllegalArgumentException | org.bson.BsonInvalidOperationException e) {
                errors.add("pipeline", "is not valid Extended JSON: " + e.getMessage());
            }
        }
        errors.throwIfAny();
        QueryResult result;
        try {
            result = queries.query(source, collection, pipeline, Boolean.TRUE.equals(explain));
        } catch (PipelineException e) {
            throw QueryService.refusal(e);
        }
        return ApiResponse.ok(answer(result));
    }

    private Map<String, Object> answer(QueryResult result) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("source", result.source().value);
        if (result.explained()) {
            answer.put("explain", true);
            if (result.sql() != null) {
                answer.put("sql", result.sql().sql());
                answer.put("params", result.sql().params().stream().map(PostgresQueries::shown).toList());
            } else {
                answer.put("message", "The collection has no completed import; MongoDB would answer this pipeline");
            }
            return answer;
        }
        List<JsonNode> docs = new ArrayList<>(result.documents().size());
        for (String text : result.documents()) {
            try {
                docs.add(documents.readTree(text));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("an answered document is not JSON", e);
            }
        }
        answer.put("documents", docs);
        answer.put("count", docs.size());
        answer.put("truncated", result.truncated());
        if (result.sql() != null) {
            answer.put("sql", result.sql().sql());
            answer.put("params", result.sql().params().stream().map(PostgresQueries::shown).toList());
        }
        return answer;
    }
}
