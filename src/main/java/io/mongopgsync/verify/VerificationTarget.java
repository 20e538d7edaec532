package io.mongopgsync.verify;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import io.mongopgsync.source.DataSourceRecord;
import io.mongopgsync.sync.CancelledException;
import io.mongopgsync.sync.EffectiveConfig;
import io.mongopgsync.sync.SyncJob;
import io.mongopgsync.transform.CollectionTransforms;
import com.fasterxml.jackson.databind.JsonNode;
import io.mongopgsync.transform.FieldActions;
import io.mongopgsync.transform.TransformStep;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.bson.BsonDocument;
import org.bson.conversions.Bson;

/**
 * One collection under verification: where its documents are, which table holds its rows ({@code table} null
 * when it was never imported), the team's filter and steps that decide what the rows should be.
 */
record VerificationTarget(SyncJob job, DataSourceRecord source, EffectiveConfig config, String collection,
                          String schema, String table, CollectionTransforms transforms, MongoClient mongo,
                          Supplier<String> stopReason) {

    MongoCollection<BsonDocument> documents() {
        return mongo.getDatabase(source.database()).getCollection(collection, BsonDocument.class);
    }

    /** The team's filter: documents it excludes are never imported, so they are not expected as rows. */
    Bson filter() {
        return transforms.filter() == null ? new BsonDocument() : transforms.filter();
    }

    void checkStopped() {
        String reason = stopReason.get();
        if (reason != null) {
            throw new CancelledException(reason);
        }
    }

    String describe() {
        return source.name() + "." + collection;
    }

    /** The field paths the collection's steps encrypt (each run writes a new ciphertext), as path parts. */
    List<List<String>> encryptedPaths() {
        List<List<String>> paths = new ArrayList<>();
        for (TransformStep step : transforms.steps()) {
            if (step instanceof TransformStep.Action action
                    && action.action() instanceof FieldActions.EncryptFields encrypt) {
                encrypt.fields().forEach(field -> paths.add(field.parts()));
            }
        }
        return paths;
    }

    /** A row's {@code _source_document} as compared: encrypted values by presence only. */
    JsonNode rowTree(String sourceDocument) {
        return CanonicalDocuments.maskEncrypted(CanonicalDocuments.parse(sourceDocument), encryptedPaths());
    }
}
