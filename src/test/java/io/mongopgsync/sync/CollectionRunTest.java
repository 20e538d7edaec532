package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which rows of a collection's run a source's total counts: only those in a live table. */
class CollectionRunTest {

    private static CollectionRun run(SyncType mode, String status, long synced) {
        CollectionRun run = new CollectionRun(null, null, null, "orders", "dra_mongodb", () -> null, null);
        run.mode = mode;
        run.status = status;
        run.synced = synced;
        return run;
    }

    @Test
    void shouldCountEveryRowOfACompletedRun() {
        assertThat(run(SyncType.FULL, "completed", 500).syncedIntoLiveTable()).isEqualTo(500);
        assertThat(run(SyncType.INCREMENTAL, "completed", 7).syncedIntoLiveTable()).isEqualTo(7);
    }

    @Test
    void shouldCountNoRowOfAStoppedFullRunWhoseShadowWasDropped() {
        assertThat(run(SyncType.FULL, "cancelled", 12_000).syncedIntoLiveTable()).isZero();
        assertThat(run(SyncType.FULL, "failed", 300).syncedIntoLiveTable()).isZero();
        assertThat(run(null, "cancelled", 0).syncedIntoLiveTable()).isZero();
    }

    @Test
    void shouldCountTheMergedBatchesOfAStoppedIncrementalRun() {
        assertThat(run(SyncType.INCREMENTAL, "cancelled", 400).syncedIntoLiveTable()).isEqualTo(400);
    }
}
