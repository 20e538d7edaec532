package io.mongopgsync.sync;

import io.mongopgsync.config.SyncProperties;

/**
 * The bytes one reading stream of a sync may hold: a batch of documents read from MongoDB (counted as their BSON
 * size) and the chunk of COPY text not yet committed. A job's streams share {@code sync.memory.job-bytes}, so each
 * holds at most {@code min(batch-bytes, job-bytes / (2 × streams))} in each of the two; a single document larger
 * than that is still read, alone in its batch.
 */
public record MemoryBudget(long batchBytes, long chunkBytes) {

    static final MemoryBudget DEFAULT = new MemoryBudget(8L << 20, 8L << 20);

    static MemoryBudget of(SyncProperties.Memory memory, int streams) {
        long share = Math.min(memory.batchBytes().toBytes(), memory.jobBytes().toBytes() / (2L * Math.max(1, streams)));
        share = Math.max(share, 64 * 1024);
        return new MemoryBudget(share, share);
    }
}
