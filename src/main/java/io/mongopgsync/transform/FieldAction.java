package io.mongopgsync.transform;

import org.bson.BsonDocument;

/** One of the service's own steps: changes a document in place. */
public interface FieldAction {

    void apply(BsonDocument document);

    /** The step as written, for history rows and the preview. */
    String describe();
}
