-- Durable sync jobs: an accepted sync survives a restart; replicas claim them with FOR UPDATE SKIP LOCKED.
CREATE TABLE dra_sync_jobs (
    id               bigserial   PRIMARY KEY,
    data_source_id   bigint      NOT NULL REFERENCES dra_data_sources (id) ON DELETE CASCADE,
    sync_type        varchar(20) NOT NULL CHECK (sync_type IN ('full', 'incremental')),
    trigger          varchar(20) NOT NULL CHECK (trigger IN ('api', 'schedule', 'registration', 'startup', 'retry')),
    status           varchar(20) NOT NULL DEFAULT 'queued'
                     CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'skipped')),
    cancel_requested boolean     NOT NULL DEFAULT false,
    owner            text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    error_message    text,
    retry_of         bigint      REFERENCES dra_sync_jobs (id) ON DELETE SET NULL,
    details          jsonb       NOT NULL DEFAULT '{}'::jsonb
);

-- At most one queued or running job per data source, across every replica.
CREATE UNIQUE INDEX dra_sync_jobs_one_active_per_source
    ON dra_sync_jobs (data_source_id) WHERE status IN ('queued', 'running');
CREATE INDEX dra_sync_jobs_queued ON dra_sync_jobs (id) WHERE status = 'queued';
CREATE INDEX dra_sync_jobs_source ON dra_sync_jobs (data_source_id, id DESC);

-- Heartbeats of running jobs, apart from the job rows: a sync locks its job row while it changes a live table
-- (fencing), and the heartbeat must not wait for that.
CREATE TABLE dra_sync_job_heartbeats (
    job_id       bigint      PRIMARY KEY REFERENCES dra_sync_jobs (id) ON DELETE CASCADE,
    owner        text        NOT NULL,
    heartbeat_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE dra_mongodb_sync_history
    ADD COLUMN job_id bigint REFERENCES dra_sync_jobs (id) ON DELETE SET NULL;

-- Which table of the target schema holds which collection of which source.
CREATE TABLE dra_mongodb_tables (
    data_source_id  bigint      NOT NULL REFERENCES dra_data_sources (id) ON DELETE CASCADE,
    collection_name text        NOT NULL,
    table_name      varchar(63) NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (data_source_id, collection_name)
);

-- Field path -> column of an imported table, with the column's type and the BSON types seen in the field.
CREATE TABLE dra_mongodb_columns (
    data_source_id  bigint      NOT NULL,
    collection_name text        NOT NULL,
    field_name      text        NOT NULL,
    column_name     varchar(63) NOT NULL,
    column_type     varchar(20) NOT NULL,
    bson_types      text[]      NOT NULL DEFAULT '{}',
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (data_source_id, collection_name, field_name),
    UNIQUE (data_source_id, collection_name, column_name),
    FOREIGN KEY (data_source_id, collection_name)
        REFERENCES dra_mongodb_tables (data_source_id, collection_name) ON DELETE CASCADE
);

-- Documents that could not be stored as rows: kept whole, with the reason, and counted in records_failed.
CREATE TABLE dra_mongodb_sync_rejects (
    id              bigserial   PRIMARY KEY,
    data_source_id  bigint      NOT NULL REFERENCES dra_data_sources (id) ON DELETE CASCADE,
    history_id      bigint      REFERENCES dra_mongodb_sync_history (id) ON DELETE SET NULL,
    collection_name text        NOT NULL,
    document_id     text,
    raw_document    text        NOT NULL,
    reason          text        NOT NULL,
    rejected_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dra_mongodb_sync_rejects_source ON dra_mongodb_sync_rejects (data_source_id, collection_name, id DESC);
