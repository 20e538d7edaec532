package io.mongopgsync.transform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bson.BsonDocument;

/**
 * What applies to one collection: the filter pushed into the read, the steps in order, and the table name
 * wanted. The fingerprint changes whenever any of them (or a key they use) changes, so that the next run can
 * tell that the rows already imported were made differently.
 */
public record CollectionTransforms(BsonDocument filter, List<TransformStep> steps, String table, String fingerprint,
                                   List<String> origins) {

    public static final CollectionTransforms NONE = new CollectionTransforms(null, List.of(), null, null, List.of());

    public boolean isEmpty() {
        return filter == null && steps.isEmpty() && table == null;
    }

    public boolean hasRouteSteps() {
        return steps.stream().anyMatch(s -> s instanceof TransformStep.Route);
    }

    public List<String> describeSteps() {
        return steps.stream().map(TransformStep::describe).toList();
    }

    /** The rule for all of a source's collections, then the collection's own (either may be null). */
    static CollectionTransforms merge(TransformRule all, TransformRule own) {
        if (all == null && own == null) {
            return NONE;
        }
        List<TransformStep> steps = new ArrayList<>();
        List<String> origins = new ArrayList<>();
        BsonDocument filter = null;
        for (TransformRule rule : new TransformRule[] {all, own}) {
            if (rule == null) {
                continue;
            }
            origins.add(rule.where());
            steps.addAll(rule.steps());
            if (rule.filter() != null) {
                filter = filter == null ? rule.filter()
                        : new BsonDocument("$and", new org.bson.BsonArray(List.of(filter, rule.filter())));
            }
        }
        String table = own == null ? null : own.table();
        StringBuilder identity = new StringBuilder();
        identity.append("filter=").append(filter == null ? "" : filter.toJson()).append('\n');
        identity.append("table=").append(table == null ? "" : table).append('\n');
        steps.forEach(s -> identity.append(s.describe()).append('\n'));
        for (TransformRule rule : new TransformRule[] {all, own}) {
            if (rule != null) {
                rule.keyFingerprints().forEach(k -> identity.append("key ").append(k).append('\n'));
            }
        }
        return new CollectionTransforms(filter, List.copyOf(steps), table, sha256(identity.toString()),
                List.copyOf(origins));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
