package io.mongopgsync.transform;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonParseException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The {@code filter} of a transform entry: a MongoDB query written in YAML (or as a JSON string) that is pushed
 * into the read. Only query operators that read are accepted; anything that runs code is refused at load time.
 */
final class TransformFilters {

    /** Query operators a filter may use; anything that runs code ($where, $function, $accumulator) is refused. */
    static final Set<String> QUERY_OPERATORS = Set.of("$and", "$or", "$nor", "$not", "$eq", "$ne", "$gt", "$gte",
            "$lt", "$lte", "$in", "$nin", "$exists", "$type", "$regex", "$options", "$elemMatch", "$size", "$all",
            "$mod", "$bitsAllSet", "$bitsAnySet", "$bitsAllClear", "$bitsAnyClear", "$comment");
    /** Extended JSON wrappers that are values, not operators. */
    static final Set<String> VALUE_WRAPPERS = Set.of("$oid", "$date", "$numberLong", "$numberInt", "$numberDouble",
            "$numberDecimal", "$binary", "$uuid", "$timestamp", "$regularExpression", "$minKey", "$maxKey",
            "$symbol", "$code", "$undefined");
    private static final ObjectMapper JSON = new ObjectMapper();

    private TransformFilters() {
    }

    static BsonDocument parse(String file, Node node) {
        BsonDocument filter;
        try {
            String json = node instanceof ScalarNode scalar ? scalar.getValue()
                    : JSON.writeValueAsString(plain(node));
            filter = BsonDocument.parse(json);
        } catch (JsonParseException | com.fasterxml.jackson.core.JsonProcessingException | ClassCastException
                 | NumberFormatException e) {
            throw TransformException.at(file, node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1, "filter is not a MongoDB query document: " + e.getMessage());
        }
        String problem = checkQuery(filter, "filter");
        if (problem != null) {
            throw TransformException.at(file, node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1, problem);
        }
        return filter;
    }

    /** A YAML node as plain Java values (maps, lists, numbers, booleans, strings) for JSON. */
    private static Object plain(Node node) {
        if (node instanceof MappingNode map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : map.getValue()) {
                out.put(((ScalarNode) t.getKeyNode()).getValue(), plain(t.getValueNode()));
            }
            return out;
        }
        if (node instanceof SequenceNode seq) {
            List<Object> out = new ArrayList<>();
            seq.getValue().forEach(n -> out.add(plain(n)));
            return out;
        }
        ScalarNode scalar = (ScalarNode) node;
        String text = scalar.getValue();
        org.yaml.snakeyaml.nodes.Tag tag = scalar.getTag();
        if (tag.equals(org.yaml.snakeyaml.nodes.Tag.INT)) {
            return new java.math.BigInteger(text.replace("_", ""));
        }
        if (tag.equals(org.yaml.snakeyaml.nodes.Tag.FLOAT)) {
            return Double.valueOf(text.replace("_", ""));
        }
        if (tag.equals(org.yaml.snakeyaml.nodes.Tag.BOOL)) {
            return Boolean.valueOf(text.equalsIgnoreCase("true") || text.equalsIgnoreCase("yes") || text.equalsIgnoreCase("on"));
        }
        if (tag.equals(org.yaml.snakeyaml.nodes.Tag.NULL)) {
            return null;
        }
        return text;
    }

    /** Null when the query uses only operators that read; otherwise what is wrong, with its path. */
    static String checkQuery(BsonValue value, String path) {
        if (value.isDocument()) {
            for (Map.Entry<String, BsonValue> e : value.asDocument().entrySet()) {
                String key = e.getKey();
                if (key.startsWith("$") && !QUERY_OPERATORS.contains(key) && !VALUE_WRAPPERS.contains(key)) {
                    return path + "." + key + ": " + (Set.of("$where", "$function", "$accumulator", "$expr").contains(key)
                            ? "is not allowed in a filter (it runs code or expressions on the server)"
                            : "is not a MongoDB query operator this service accepts");
                }
                String problem = checkQuery(e.getValue(), path + "." + key);
                if (problem != null) {
                    return problem;
                }
            }
        } else if (value.isArray()) {
            BsonArray array = value.asArray();
            for (int i = 0; i < array.size(); i++) {
                String problem = checkQuery(array.get(i), path + "[" + i + "]");
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }
}
