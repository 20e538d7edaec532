-- Live sync through MongoDB change streams.

-- One consumer per data source across every instance: the row is its lease. The holder renews lease_until;
-- another instance takes the row over once lease_until has passed. paused survives restarts and takeovers.
CREATE TABLE dra_stream_consumers (
    data_source_id   bigint      PRIMARY KEY REFERENCES dra_data_sources (id) ON DELETE CASCADE,
    owner            text,
    lease_until      timestamptz,
    state            varchar(20) NOT NULL DEFAULT 'stopped'
                     CHECK (state IN ('starting', 'snapshot', 'streaming', 'paused', 'stopped', 'failed')),
    paused           boolean     NOT NULL DEFAULT false,
    history_id       bigint      REFERENCES dra_mongodb_sync_history (id) ON DELETE SET NULL,
    events_applied   bigint      NOT NULL DEFAULT 0,
    last_event_at    timestamptz,
    last_applied_at  timestamptz,
    lag_ms           bigint,
    error_message    text,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Where the change stream of one collection stands: the resume token of the last event whose changes are
-- committed (written in the same transaction as the rows), and whether the table holds a snapshot taken after
-- the stream started (snapshot_needed_at: when the stream asked for one). While a sync of the collection runs
-- (held_by_job), the consumer applies none of its events; they are applied on the new table after the swap.
-- generation changes whenever a sync swapped the table in.
CREATE TABLE dra_stream_positions (
    data_source_id       bigint      NOT NULL REFERENCES dra_data_sources (id) ON DELETE CASCADE,
    collection_name      text        NOT NULL,
    resume_token         text,
    last_cluster_time    bigint,
    snapshot_state       varchar(20) NOT NULL DEFAULT 'needed' CHECK (snapshot_state IN ('needed', 'done')),
    snapshot_needed_at   timestamptz,
    held_by_job          bigint      REFERENCES dra_sync_jobs (id) ON DELETE SET NULL,
    held_since           timestamptz,
    generation           integer     NOT NULL DEFAULT 0,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (data_source_id, collection_name)
);

-- The cluster time of the newest change applied to each row (and of deletes: a replayed older insert must not
-- bring a deleted row back). A row without an entry holds what the last snapshot read, which is older than any
-- event of the stream that follows it. Cleared for a collection when a full sync swaps its table in.
CREATE TABLE dra_stream_row_versions (
    data_source_id  bigint  NOT NULL REFERENCES dra_data_sources (id) ON DELETE CASCADE,
    collection_name text    NOT NULL,
    document_id     text    NOT NULL,
    cluster_time    bigint  NOT NULL,
    deleted         boolean NOT NULL,
    PRIMARY KEY (data_source_id, collection_name, document_id)
);

-- Snapshots the change stream asks for are queued as sync jobs of their own kind.
ALTER TABLE dra_sync_jobs DROP CONSTRAINT dra_sync_jobs_trigger_check;
ALTER TABLE dra_sync_jobs ADD CONSTRAINT dra_sync_jobs_trigger_check
    CHECK (trigger IN ('api', 'schedule', 'registration', 'startup', 'retry', 'stream'));
