package io.mongopgsync.transform;

import java.util.List;
import org.bson.BsonDocument;

/**
 * One entry of a transform file: what applies to one collection of a data source, or to all of them
 * ({@code collection: "*"}).
 */
public record TransformRule(String file, int line, String source, String collection, String table,
                            BsonDocument filter, List<TransformStep> steps, List<String> keyFingerprints) {

    public static final String ALL_COLLECTIONS = "*";

    public boolean forAllCollections() {
        return ALL_COLLECTIONS.equals(collection);
    }

    public String where() {
        return file + " line " + line;
    }
}
