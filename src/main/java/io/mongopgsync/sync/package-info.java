/** Sync jobs: the durable queue, workers and leases, the per-collection pipeline, history, watermarks and metrics. */
package io.mongopgsync.sync;
