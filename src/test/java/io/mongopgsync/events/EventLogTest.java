package io.mongopgsync.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventLogTest {

    private static List<String> ids(List<SyncEvent> events) {
        return events.stream().map(SyncEvent::id).toList();
    }

    @Test
    void shouldReplayExactlyTheEventsAfterTheLastOneSeen() {
        EventLog log = new EventLog("run1", 10);
        SyncEvent a = log.append("job", "a");
        SyncEvent b = log.append("progress", "b");
        SyncEvent c = log.append("history", "c");

        assertThat(ids(log.after(a.id()).orElseThrow())).containsExactly(b.id(), c.id());
        assertThat(log.after(c.id()).orElseThrow()).isEmpty();
        assertThat(ids(log.after("run1-0").orElseThrow())).as("a client that saw only the first snapshot")
                .containsExactly(a.id(), b.id(), c.id());
    }

    @Test
    void shouldAskForASnapshotWhenTheIdIsFromAnotherRunUnknownOrMalformed() {
        EventLog log = new EventLog("run2", 10);
        log.append("job", "a");
        assertThat(log.after("run1-1")).isEmpty();
        assertThat(log.after("run2-9")).as("from the future").isEmpty();
        assertThat(log.after("run2-x")).isEmpty();
        assertThat(log.after(null)).isEmpty();
    }

    @Test
    void shouldAskForASnapshotOnceTheMissedEventsAreNoLongerKept() {
        EventLog log = new EventLog("r", 3);
        SyncEvent first = log.append("job", 1);
        SyncEvent second = log.append("job", 2);
        log.append("job", 3);
        log.append("job", 4);
        log.append("job", 5);

        assertThat(log.after(first.id())).as("event 2 was dropped").isEmpty();
        assertThat(log.after(second.id()).orElseThrow()).extracting(SyncEvent::data).containsExactly(3, 4, 5);
    }

    @Test
    void shouldNotResumeAcrossAGapInWatching() {
        EventLog log = new EventLog("r", 10);
        SyncEvent seen = log.append("job", 1);
        log.gap();
        assertThat(log.after(seen.id())).isEmpty();
        String snapshotId = log.currentId();
        SyncEvent next = log.append("job", 2);
        assertThat(ids(log.after(snapshotId).orElseThrow())).containsExactly(next.id());
    }
}
