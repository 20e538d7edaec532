-- A cancelled sync is neither completed nor failed: its job, the history row of each collection it stopped and its
-- data source say "cancelled".
ALTER TABLE dra_data_sources
    DROP CONSTRAINT IF EXISTS dra_data_sources_sync_status_check,
    ADD CONSTRAINT dra_data_sources_sync_status_check
        CHECK (sync_status IN ('pending', 'in_progress', 'completed', 'failed', 'cancelled'));

ALTER TABLE dra_mongodb_sync_history
    DROP CONSTRAINT IF EXISTS dra_mongodb_sync_history_status_check,
    ADD CONSTRAINT dra_mongodb_sync_history_status_check
        CHECK (status IN ('in_progress', 'completed', 'failed', 'cancelled'));
