package io.mongopgsync.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the verification of one collection found, stored as the {@code sync_metadata} of its history row. Ids are
 * written as the table's {@code _id} column holds them; the first {@link #FIRST} of each kind are listed.
 */
public final class CollectionReport {

    static final int FIRST = 100;

    /** One id of a kind; {@code fields} only for differing documents. */
    public record Entry(String id, List<String> fields) {
    }

    final String mode;
    long documentsInMongo;
    long rowsInPostgres;
    /** Documents compared with their row: every document (full) or the sample (quick). */
    long compared;
    long matching;
    /** Rows equal to the document as the collection's steps leave it, but not to the document as read. */
    long transformed;
    /** Documents the collection's steps drop: no row expected. */
    long droppedBySteps;
    /** Documents that can never be rows (no _id, an array _id, an _id too long to index): the sync rejects them. */
    long unstorable;
    long missing;
    long extra;
    long differing;
    final List<Entry> firstMissing = new ArrayList<>();
    final List<Entry> firstExtra = new ArrayList<>();
    final List<Entry> firstDiffering = new ArrayList<>();
    /** Quick mode: rows minus documents, when the counts are the only evidence. */
    Long countDifference;
    /** Why a count difference is not counted as drift, or null. */
    String countNote;
    long durationMs;
    Repair repair;

    /** What a repair did; {@code notFound}: documents gone from MongoDB by the time they were read again. */
    record Repair(long upserted, long deleted, long rejected, long notFound) {
    }

    CollectionReport(VerificationRequest.Mode mode) {
        this.mode = mode.value();
    }

    void missing(String id) {
        missing++;
        if (firstMissing.size() < FIRST) {
            firstMissing.add(new Entry(id, null));
        }
    }

    void extra(String id) {
        extra++;
        if (firstExtra.size() < FIRST) {
            firstExtra.add(new Entry(id, null));
        }
    }

    /** Counts a differing document; true when it is among the first listed (its fields are then wanted). */
    boolean differing() {
        differing++;
        return differing <= FIRST;
    }

    void differingFields(String id, List<String> fields) {
        firstDiffering.add(new Entry(id, List.copyOf(fields)));
    }

    /** Drift: documents without their row, rows without their document, or rows that differ. */
    public boolean drift() {
        return missing > 0 || extra > 0 || differing > 0 || (countDifference != null && countDifference != 0
                && countNote == null);
    }

    /** Drifting documents a repair did not fix: all of them without a repair, none after a clean one. */
    public long unresolved() {
        if (repair != null && repair.rejected() == 0 && repair.notFound() == 0) {
            return 0;
        }
        long counted = countDifference != null && countNote == null ? Math.abs(countDifference) : 0;
        return Math.max(missing + extra + differing, counted);
    }

    public ObjectNode toJson(ObjectMapper mapper, String table) {
        ObjectNode out = mapper.createObjectNode();
        out.put("verification", mode);
        out.put("table", table);
        out.put("drift", drift());
        out.put("unresolvedDrift", drift() && unresolved() > 0);
        out.put("documentsInMongo", documentsInMongo);
        out.put("rowsInPostgres", rowsInPostgres);
        out.put("compared", compared);
        out.put("matching", matching);
        out.put("transformed", transformed);
        out.put("droppedBySteps", droppedBySteps);
        out.put("unstorable", unstorable);
        if (countDifference != null) {
            out.put("countDifference", countDifference);
            if (countNote != null) {
                out.put("countNote", countNote);
            }
        }
        kind(out.putObject("missing"), missing, firstMissing);
        kind(out.putObject("extra"), extra, firstExtra);
        kind(out.putObject("differing"), differing, firstDiffering);
        out.put("durationMs", durationMs);
        if (repair != null) {
            out.putObject("repair").put("upserted", repair.upserted()).put("deleted", repair.deleted())
                    .put("rejected", repair.rejected()).put("notFound", repair.notFound());
        }
        return out;
    }

    private static void kind(ObjectNode out, long count, List<Entry> first) {
        out.put("count", count);
        ArrayNode ids = out.putArray("first");
        for (Entry e : first) {
            ObjectNode one = ids.addObject().put("id", e.id());
            if (e.fields() != null) {
                ArrayNode fields = one.putArray("fields");
                e.fields().forEach(fields::add);
            }
        }
    }
}
