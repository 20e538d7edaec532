-- API tokens for automation. Only the SHA-256 of a token is kept: tokens are 256 random bits, so a fast hash
-- cannot be reversed or brute-forced, and an indexed equality lookup finds the token on every request.
CREATE TABLE dra_api_tokens (
    id           bigserial   PRIMARY KEY,
    name         varchar(100) NOT NULL,
    role         varchar(20) NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    token_hash   char(64)    NOT NULL UNIQUE,
    -- The first characters of the token (mps_ and 4 more), so that people can tell their tokens apart.
    token_hint   varchar(16) NOT NULL,
    origin       varchar(20) NOT NULL CHECK (origin IN ('api', 'bootstrap', 'demo')),
    created_by   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    revoked_by   text,
    last_used_at timestamptz
);

-- Who did what: every mutating call and every refused call.
CREATE TABLE dra_audit_log (
    id             bigserial   PRIMARY KEY,
    occurred_at    timestamptz NOT NULL DEFAULT now(),
    actor          text,
    role           varchar(20),
    auth_method    varchar(10),
    action         text        NOT NULL,
    target         text,
    status         integer     NOT NULL,
    client_address text,
    -- The request with secrets removed: query parameters and a capped, redacted copy of the JSON body.
    summary        jsonb       NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX dra_audit_log_time ON dra_audit_log (occurred_at DESC, id DESC);
CREATE INDEX dra_audit_log_actor ON dra_audit_log (actor, occurred_at DESC);

-- A token's name identifies its holder (in /api/me and the audit log), so live tokens have distinct names.
CREATE UNIQUE INDEX dra_api_tokens_live_name ON dra_api_tokens (name) WHERE revoked_at IS NULL;
