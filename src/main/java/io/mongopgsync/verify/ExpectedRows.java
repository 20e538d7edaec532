package io.mongopgsync.verify;

import com.fasterxml.jackson.databind.JsonNode;
import io.mongopgsync.mapping.IdEncoder;
import io.mongopgsync.mapping.TableSchema;
import io.mongopgsync.sync.BatchLoader;
import io.mongopgsync.sync.DocumentSteps;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.springframework.stereotype.Component;

/**
 * What the rows of a batch of documents should be: each document through the collection's steps (as a sync
 * would send it), as a canonical tree and hash, and whether the steps changed it. Documents the steps drop and
 * documents that can never be rows are counted, not expected.
 */
@Component
class ExpectedRows {

    private final DocumentSteps steps;

    ExpectedRows(DocumentSteps steps) {
        this.steps = steps;
    }

    /** One document as its row should hold it. */
    record Expected(BsonValue id, String rowId, JsonNode tree, String hash, boolean transformed) {
    }

    /** The batch's expected rows, and how many documents had none. */
    record Batch(List<Expected> rows, int dropped, int unstorable) {
    }

    Batch of(VerificationTarget target, List<BsonDocument> documents) {
        List<BsonDocument> storable = new ArrayList<>(documents.size());
        int unstorable = 0;
        for (BsonDocument doc : documents) {
            if (BatchLoader.unstorable(doc) == null) {
                storable.add(doc);
            } else {
                unstorable++;
            }
        }
        if (target.transforms().steps().isEmpty()) {
            List<Expected> rows = new ArrayList<>(storable.size());
            for (BsonDocument doc : storable) {
                JsonNode tree = CanonicalDocuments.ofDocument(doc);
                rows.add(new Expected(doc.get(TableSchema.ID), IdEncoder.encode(doc.get(TableSchema.ID)), tree,
                        CanonicalDocuments.hash(tree), false));
            }
            return new Batch(rows, 0, unstorable);
        }
        Map<String, String> rawHashes = new HashMap<>();
        for (BsonDocument doc : storable) {
            rawHashes.put(IdEncoder.encode(doc.get(TableSchema.ID)), CanonicalDocuments.hash(CanonicalDocuments.ofDocument(doc)));
        }
        DocumentSteps.Outcome outcome = steps.apply(target.transforms(), storable, new DocumentSteps.Context(
                target.source().name(), target.collection(), "verify", true));
        List<Expected> rows = new ArrayList<>(outcome.kept().size());
        List<List<String>> encrypted = target.encryptedPaths();
        for (BsonDocument doc : outcome.kept()) {
            String rowId = IdEncoder.encode(doc.get(TableSchema.ID));
            JsonNode tree = CanonicalDocuments.maskEncrypted(CanonicalDocuments.ofDocument(doc), encrypted);
            String hash = CanonicalDocuments.hash(tree);
            rows.add(new Expected(doc.get(TableSchema.ID), rowId, tree, hash, !hash.equals(rawHashes.get(rowId))));
        }
        return new Batch(rows, outcome.dropped().size(), unstorable);
    }
}
