package io.mongopgsync.query;

import java.util.Map;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonValue;

/**
 * Refuses, anywhere in a pipeline (sub-pipelines and expressions included), the stages that write and the
 * operators that run server-side JavaScript, whichever side would answer: the fallback to MongoDB never writes
 * and never runs code.
 */
public final class ReadOnlyPipelines {

    private static final Set<String> FORBIDDEN = Set.of("$out", "$merge", "$where", "$function", "$accumulator");

    private ReadOnlyPipelines() {
    }

    public static void check(BsonArray pipeline) {
        for (int i = 0; i < pipeline.size(); i++) {
            scan(pipeline.get(i), "pipeline[" + i + "]");
        }
    }

    private static void scan(BsonValue value, String where) {
        if (value.isDocument()) {
            for (Map.Entry<String, BsonValue> e : value.asDocument().entrySet()) {
                String at = where + "." + e.getKey();
                if (FORBIDDEN.contains(e.getKey())) {
                    boolean writes = e.getKey().equals("$out") || e.getKey().equals("$merge");
                    throw new PipelineException(PipelineException.Kind.FORBIDDEN, at, e.getKey()
                            + (writes ? " writes data; queries never write" : " runs server-side JavaScript; queries never run code"));
                }
                scan(e.getValue(), at);
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.asArray().size(); i++) {
                scan(value.asArray().get(i), where + "[" + i + "]");
            }
        }
    }
}
