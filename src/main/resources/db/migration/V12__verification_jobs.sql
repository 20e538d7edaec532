-- Verification jobs (reconciliation of imported tables with their collections) go through the same queue as
-- syncs, so that a source is never verified while it syncs; their per-collection reports are history rows.
ALTER TABLE dra_sync_jobs DROP CONSTRAINT IF EXISTS dra_sync_jobs_sync_type_check;
ALTER TABLE dra_sync_jobs ADD CONSTRAINT dra_sync_jobs_sync_type_check
    CHECK (sync_type IN ('full', 'incremental', 'stream', 'verify'));

ALTER TABLE dra_mongodb_sync_history DROP CONSTRAINT IF EXISTS dra_mongodb_sync_history_sync_type_check;
ALTER TABLE dra_mongodb_sync_history ADD CONSTRAINT dra_mongodb_sync_history_sync_type_check
    CHECK (sync_type IN ('full', 'incremental', 'stream', 'verify'));

-- The drift badge reads the newest verification or full sync of each collection.
CREATE INDEX dra_mongodb_sync_history_verify
    ON dra_mongodb_sync_history (data_source_id, collection_name, id DESC) WHERE sync_type IN ('verify', 'full');
