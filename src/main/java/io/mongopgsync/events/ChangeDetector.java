package io.mongopgsync.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;

/**
 * Turns two reads of the sync state into the events a dashboard needs, in the order a person would tell them:
 * job changes, then progress of running collections, then finished history rows, then the data sources' new
 * status. Payloads are plain maps so the stream and its tests see the same JSON.
 */
@Component
public class ChangeDetector {

    /** An event before it gets its id. */
    public record Change(String type, Map<String, Object> data) {
    }

    public List<Change> changes(SyncState before, SyncState after) {
        List<Change> changes = new ArrayList<>();
        for (SyncState.Job job : after.jobs().values()) {
            SyncState.Job old = before.jobs().get(job.id());
            if (old == null || !old.status().equals(job.status()) || old.cancelRequested() != job.cancelRequested()) {
                changes.add(new Change("job", job(job)));
            }
        }
        for (SyncState.Run run : after.runs().values()) {
            SyncState.Run old = before.runs().get(run.id());
            boolean moved = old == null || old.processed() != run.processed() || !old.status().equals(run.status())
                    || !Objects.equals(old.estimatedTotal(), run.estimatedTotal());
            if (moved && (run.inProgress() || old != null)) {
                changes.add(new Change("progress", progress(run)));
            }
        }
        for (SyncState.Run run : after.runs().values()) {
            SyncState.Run old = before.runs().get(run.id());
            if (!run.inProgress() && (old == null || old.inProgress())) {
                changes.add(new Change("history", history(run)));
            }
        }
        for (SyncState.Source source : after.sources().values()) {
            if (!source.equals(before.sources().get(source.id()))) {
                changes.add(new Change("source", source(source)));
            }
        }
        for (Long id : before.sources().keySet()) {
            if (!after.sources().containsKey(id)) {
                changes.add(new Change("source-deleted", Map.of("id", id)));
            }
        }
        return changes;
    }

    /** Everything a client needs to draw the dashboard without having seen earlier events. */
    public Map<String, Object> snapshot(SyncState state) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("at", state.at());
        data.put("sources", state.sources().values().stream().map(ChangeDetector::source).toList());
        data.put("progress", state.runs().values().stream().filter(SyncState.Run::inProgress)
                .map(ChangeDetector::progress).toList());
        return data;
    }

    static Map<String, Object> source(SyncState.Source s) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", s.id());
        data.put("name", s.name());
        data.put("syncStatus", s.syncStatus());
        data.put("lastSyncAt", s.lastSyncAt());
        data.put("totalRecordsSynced", s.totalRecordsSynced());
        data.put("syncErrorMessage", s.syncErrorMessage());
        data.put("updatedAt", s.updatedAt());
        data.put("job", s.job() == null ? null : job(s.job()));
        return data;
    }

    static Map<String, Object> job(SyncState.Job j) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", j.id());
        data.put("dataSourceId", j.dataSourceId());
        data.put("syncType", j.syncType());
        data.put("trigger", j.trigger());
        data.put("status", j.status());
        data.put("cancelRequested", j.cancelRequested());
        data.put("createdAt", j.createdAt());
        data.put("startedAt", j.startedAt());
        data.put("finishedAt", j.finishedAt());
        data.put("errorMessage", j.errorMessage());
        return data;
    }

    /**
     * Progress of one collection: documents per second since it started and the time left at that pace. A
     * completed collection is at 100 % whatever the estimate said (counts are estimates; documents come and go).
     */
    static Map<String, Object> progress(SyncState.Run r) {
        Map<String, Object> data = run(r);
        long processed = r.processed();
        data.put("processed", processed);
        data.put("total", r.estimatedTotal());
        Double percent = null;
        if ("completed".equals(r.status())) {
            percent = 100.0;
        } else if (r.estimatedTotal() != null && r.estimatedTotal() > 0) {
            percent = Math.min(100.0, Math.round(processed * 1000.0 / r.estimatedTotal()) / 10.0);
        }
        data.put("percent", percent);
        double seconds = r.elapsedMs() / 1000.0;
        Double rate = seconds > 0 && processed > 0 ? Math.round(processed / seconds * 10) / 10.0 : null;
        data.put("docsPerSecond", rate);
        Long eta = null;
        if (r.inProgress() && rate != null && r.estimatedTotal() != null && r.estimatedTotal() > processed) {
            eta = Math.round((r.estimatedTotal() - processed) / rate);
        }
        data.put("etaSeconds", eta);
        data.put("elapsedMs", r.elapsedMs());
        return data;
    }

    static Map<String, Object> history(SyncState.Run r) {
        Map<String, Object> data = run(r);
        data.put("recordsSynced", r.recordsSynced());
        data.put("recordsFailed", r.recordsFailed());
        data.put("startedAt", r.startedAt());
        data.put("completedAt", r.completedAt());
        data.put("errorMessage", r.errorMessage());
        return data;
    }

    /** What progress and history events say about the run they belong to. */
    private static Map<String, Object> run(SyncState.Run r) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dataSourceId", r.dataSourceId());
        data.put("historyId", r.id());
        data.put("jobId", r.jobId());
        data.put("collection", r.collection());
        data.put("table", r.table());
        data.put("syncType", r.syncType());
        data.put("status", r.status());
        return data;
    }
}
