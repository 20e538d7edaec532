package io.mongopgsync.stream;

/** Who a consumer session is: the source, the lease holder and the history row of the session. */
record StreamSession(long sourceId, String sourceName, String owner, String schema, long historyId) {
}
