package io.mongopgsync.stream;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;

/**
 * What one collection's events of a batch do to its table, decided before anything is written: the last change
 * of each row wins, and a change older than what the row already holds (its recorded cluster time) is refused, so
 * a replayed or late event never takes a row back in time and a replayed insert never revives a deleted row.
 * Planning stops at a gap: what follows it is covered by the snapshot the gap leads to.
 */
public final class BatchPlan {

    /** The cluster time of the newest change applied to a row, and whether that change deleted it. */
    public record Version(long clusterTime, boolean deleted) {
    }

    private final Map<String, BsonDocument> upserts = new LinkedHashMap<>();
    private final Set<String> deletes = new LinkedHashSet<>();
    private final Map<String, Version> versions = new LinkedHashMap<>();
    private long inserted;
    private long updated;
    private long deleted;
    private long refused;
    private long planned;
    private ChangeEvent gap;
    private ChangeEvent last;

    private BatchPlan() {
    }

    /**
     * Plans {@code events} (one collection, in stream order) against the recorded versions of their rows
     * ({@code stored}: document id to version; rows without an entry hold a snapshot older than the stream).
     */
    public static BatchPlan of(List<ChangeEvent> events, Map<String, Version> stored) {
        BatchPlan plan = new BatchPlan();
        for (ChangeEvent event : events) {
            if (event.kind() == ChangeEvent.Kind.GAP) {
                plan.gap = event;
                break;
            }
            plan.planned++;
            plan.last = event;
            if (event.kind() == ChangeEvent.Kind.IGNORED) {
                continue;
            }
            String id = event.documentId();
            Version known = plan.versions.containsKey(id) ? plan.versions.get(id) : stored.get(id);
            // strictly newer than what the database holds; in the batch, later events of a row follow the earlier
            boolean inBatch = plan.versions.containsKey(id);
            if (known != null && (inBatch ? event.clusterTime() < known.clusterTime()
                    : event.clusterTime() <= known.clusterTime())) {
                plan.refused++;
                continue;
            }
            boolean delete = event.kind() == ChangeEvent.Kind.DELETE;
            plan.versions.put(id, new Version(event.clusterTime(), delete));
            if (delete) {
                plan.upserts.remove(id);
                plan.deletes.add(id);
                plan.deleted++;
            } else {
                plan.deletes.remove(id);
                plan.upserts.put(id, event.document());
                if ("insert".equals(event.operation())) {
                    plan.inserted++;
                } else {
                    plan.updated++;
                }
            }
        }
        return plan;
    }

    /** The rows to write, by document id, each as its last accepted change left it. */
    public Map<String, BsonDocument> upserts() {
        return upserts;
    }

    /** The rows to remove. */
    public Set<String> deletes() {
        return deletes;
    }

    /** The versions to record for the rows this batch changed. */
    public Map<String, Version> versions() {
        return versions;
    }

    public long inserted() {
        return inserted;
    }

    public long updated() {
        return updated;
    }

    public long deleted() {
        return deleted;
    }

    /** Changes older than the row they would have overwritten. */
    public long refused() {
        return refused;
    }

    /** Events covered by this plan (applied, refused or ignored): the position moves past them. */
    public long planned() {
        return planned;
    }

    /** The first gap of the batch, or null. */
    public ChangeEvent gap() {
        return gap;
    }

    /** The last event before any gap, whose resume token and cluster time become the collection's position. */
    public ChangeEvent last() {
        return last;
    }
}
