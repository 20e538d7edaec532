-- The schema that receives one table per imported collection.
CREATE SCHEMA IF NOT EXISTS "${targetSchema}";

-- Registered MongoDB sources. The connection string is AES-GCM encrypted by the service.
CREATE TABLE dra_data_sources (
    id                          bigserial    PRIMARY KEY,
    name                        varchar(100) NOT NULL UNIQUE,
    description                 text,
    type                        varchar(20)  NOT NULL DEFAULT 'mongodb' CHECK (type = 'mongodb'),
    connection_string_encrypted text         NOT NULL,
    database_name               varchar(64)  NOT NULL,
    sync_status                 varchar(50)  NOT NULL DEFAULT 'pending'
                                CHECK (sync_status IN ('pending', 'in_progress', 'completed', 'failed')),
    last_sync_at                timestamptz,
    sync_error_message          text,
    total_records_synced        bigint       NOT NULL DEFAULT 0,
    sync_config                 jsonb        NOT NULL DEFAULT '{}'::jsonb,
    created_at                  timestamptz  NOT NULL DEFAULT now(),
    updated_at                  timestamptz  NOT NULL DEFAULT now()
);

-- One row per collection per sync run.
CREATE TABLE dra_mongodb_sync_history (
    id              bigserial   PRIMARY KEY,
    data_source_id  bigint      NOT NULL REFERENCES dra_data_sources (id) ON DELETE CASCADE,
    collection_name text        NOT NULL,
    table_name      text,
    sync_type       varchar(20) NOT NULL CHECK (sync_type IN ('full', 'incremental', 'stream')),
    status          varchar(20) NOT NULL CHECK (status IN ('in_progress', 'completed', 'failed')),
    records_synced  bigint      NOT NULL DEFAULT 0,
    records_failed  bigint      NOT NULL DEFAULT 0,
    started_at      timestamptz NOT NULL DEFAULT now(),
    completed_at    timestamptz,
    error_message   text,
    sync_metadata   jsonb       NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX dra_mongodb_sync_history_source_started
    ON dra_mongodb_sync_history (data_source_id, started_at DESC, id DESC);
CREATE INDEX dra_mongodb_sync_history_source_collection
    ON dra_mongodb_sync_history (data_source_id, collection_name, id DESC);
