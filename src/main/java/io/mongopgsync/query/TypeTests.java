package io.mongopgsync.query;

import static io.mongopgsync.query.BsonSql.isNumber;
import static io.mongopgsync.query.BsonSql.rank;

import java.util.Optional;
import java.util.function.Function;
import org.bson.BsonValue;

/** {@code $type} in a filter: one SQL test per BSON type name or number, on a value's JSONB form. */
final class TypeTests {

    private TypeTests() {
    }

    static Function<String, String> of(BsonValue w, FieldPath path, Scope scope, String where) {
        String name = w.isString() ? w.asString().getValue() : w.isNumber() ? switch (w.asNumber().intValue()) {
            case 1 -> "double";
            case 2 -> "string";
            case 3 -> "object";
            case 4 -> "array";
            case 5 -> "binData";
            case 7 -> "objectId";
            case 8 -> "bool";
            case 9 -> "date";
            case 10 -> "null";
            case 11 -> "regex";
            case 16 -> "int";
            case 17 -> "timestamp";
            case 18 -> "long";
            case 19 -> "decimal";
            case -1 -> "minKey";
            case 127 -> "maxKey";
            default -> "#" + w.asNumber().intValue();
        } : null;
        if (name == null) {
            throw PipelineException.malformed(where, "$type needs a type name or number");
        }
        int rankOf = switch (name) {
            case "string" -> BsonSql.STRING;
            case "object" -> BsonSql.OBJECT;
            case "array" -> BsonSql.ARRAY;
            case "binData" -> BsonSql.BINARY;
            case "objectId" -> BsonSql.OBJECT_ID;
            case "bool" -> BsonSql.BOOLEAN;
            case "date" -> BsonSql.DATE;
            case "null" -> BsonSql.NULL;
            case "regex" -> BsonSql.REGEX;
            case "timestamp" -> BsonSql.TIMESTAMP;
            case "minKey" -> BsonSql.MIN_KEY;
            case "maxKey" -> BsonSql.MAX_KEY;
            default -> -1;
        };
        if (rankOf > 0) {
            return x -> "(" + rank(x, BsonSql.MISSING) + " = " + rankOf + ")";
        }
        switch (name) {
            case "number":
                return BsonSql::isNumber;
            case "decimal":
                return BsonSql::isDecimal;
            case "int", "long", "double": {
                // relaxed Extended JSON writes int, long and most doubles as plain numbers; the column registry
                // knows which numeric type a top-level field has had
                Optional<String> single = scope.rawRows() && path.isTopLevel()
                        ? scope.rows().singleNumericType(path.first()) : Optional.empty();
                if (single.isEmpty()) {
                    throw PipelineException.unsupported(where, "$type '" + name + "' is only supported on a top-level "
                            + "field of an imported collection whose numbers all had one BSON type");
                }
                boolean match = single.get().equals(name);
                return x -> match ? "(" + isNumber(x) + " AND NOT " + BsonSql.isDecimal(x) + ")" : "false";
            }
            default:
                throw PipelineException.unsupported(where, "$type '" + name + "' is not supported");
        }
    }
}
