package io.mongopgsync.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangeDetectorTest {

    private final ChangeDetector detector = new ChangeDetector();
    private static final Instant T = Instant.parse("2026-01-01T10:00:00Z");

    private static SyncState.Job job(long id, String status) {
        return new SyncState.Job(id, 1, "full", "api", status, false, T, T, null, null);
    }

    private static SyncState.Run run(long id, String status, long synced, Long total, long elapsedMs) {
        return new SyncState.Run(id, 1, 7L, "orders", "orders", "full", status, synced, 0, total, T,
                status.equals("in_progress") ? null : T.plusSeconds(10), null, elapsedMs);
    }

    private static SyncState.Source source(String status, SyncState.Job job) {
        return new SyncState.Source(1, "shop", status, null, 0, null, T, job);
    }

    private static SyncState state(List<SyncState.Job> jobs, List<SyncState.Run> runs, SyncState.Source source) {
        return new SyncState(T, source == null ? Map.of() : Map.of(1L, source),
                jobs.stream().collect(java.util.stream.Collectors.toMap(SyncState.Job::id, j -> j)),
                runs.stream().collect(java.util.stream.Collectors.toMap(SyncState.Run::id, r -> r)), 7, 3);
    }

    @Test
    void shouldReportNothingWhenNothingChanged() {
        SyncState s = state(List.of(job(7, "running")), List.of(run(3, "in_progress", 100, 1000L, 1000)),
                source("in_progress", job(7, "running")));
        assertThat(detector.changes(s, s)).isEmpty();
    }

    @Test
    void shouldReportProgressWithRateAndTimeLeftWhileABatchIsWritten() {
        SyncState before = state(List.of(job(7, "running")), List.of(run(3, "in_progress", 100, 1000L, 1000)),
                source("in_progress", job(7, "running")));
        SyncState after = state(List.of(job(7, "running")), List.of(run(3, "in_progress", 400, 1000L, 2000)),
                source("in_progress", job(7, "running")));

        List<ChangeDetector.Change> changes = detector.changes(before, after);

        assertThat(changes).extracting(ChangeDetector.Change::type).containsExactly("progress");
        Map<String, Object> p = changes.get(0).data();
        assertThat(p).containsEntry("processed", 400L).containsEntry("total", 1000L).containsEntry("percent", 40.0)
                .containsEntry("docsPerSecond", 200.0).containsEntry("etaSeconds", 3L).containsEntry("historyId", 3L);
    }

    @Test
    void shouldTellTheEndOfARunAsJobThenFinalProgressThenHistoryThenSource() {
        SyncState before = state(List.of(job(7, "running")), List.of(run(3, "in_progress", 900, 1000L, 9000)),
                source("in_progress", job(7, "running")));
        SyncState after = state(List.of(job(7, "completed")), List.of(run(3, "completed", 990, 1000L, 9900)),
                source("completed", job(7, "completed")));

        List<ChangeDetector.Change> changes = detector.changes(before, after);

        assertThat(changes).extracting(ChangeDetector.Change::type).containsExactly("job", "progress", "history", "source");
        assertThat(changes.get(1).data()).as("a completed collection is at 100 % whatever the estimate")
                .containsEntry("percent", 100.0).containsEntry("etaSeconds", null);
        assertThat(changes.get(2).data()).containsEntry("status", "completed").containsEntry("recordsSynced", 990L);
        assertThat(((Map<?, ?>) changes.get(3).data().get("job")).get("status")).isEqualTo("completed");
    }

    @Test
    void shouldReportARunThatStartedAndFinishedBetweenTwoReadsAsHistoryOnly() {
        SyncState before = state(List.of(), List.of(), source("completed", null));
        SyncState after = state(List.of(), List.of(run(4, "failed", 0, null, 500)), source("completed", null));
        assertThat(detector.changes(before, after)).extracting(ChangeDetector.Change::type).containsExactly("history");
    }

    @Test
    void shouldReportADeletedSource() {
        SyncState before = state(List.of(), List.of(), source("completed", null));
        SyncState after = state(List.of(), List.of(), null);
        List<ChangeDetector.Change> changes = detector.changes(before, after);
        assertThat(changes).extracting(ChangeDetector.Change::type).containsExactly("source-deleted");
        assertThat(changes.get(0).data()).containsEntry("id", 1L);
    }

    @Test
    void shouldLeaveThePercentUnknownWithoutAnEstimate() {
        SyncState before = state(List.of(), List.of(), null);
        SyncState after = state(List.of(), List.of(run(5, "in_progress", 50, null, 1000)), null);
        Map<String, Object> p = detector.changes(before, after).get(0).data();
        assertThat(p).containsEntry("percent", null).containsEntry("etaSeconds", null).containsEntry("docsPerSecond", 50.0);
    }
}
