-- The platform foundation: accounts, sessions, assemblies, comments and the audit log (SQLite).
-- Timestamps are unix seconds (BIGINT); flags are BIGINT 0/1 so that the sqlx Any driver reads them the same on both backends.

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    display_name TEXT NOT NULL,
    sign_in_method TEXT NOT NULL CHECK (sign_in_method IN ('password', 'one_time_code')),
    password_hash TEXT,
    is_admin BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    CONSTRAINT accounts_email_key UNIQUE (email)
);

CREATE TABLE assemblies (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    question TEXT NOT NULL,
    authority TEXT NOT NULL,
    current_phase TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE assembly_commitments (
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    position BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (assembly_id, position)
);

CREATE TABLE assembly_phases (
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    position BIGINT NOT NULL,
    phase TEXT NOT NULL,
    starts_on TEXT,
    ends_on TEXT,
    PRIMARY KEY (assembly_id, position)
);

CREATE TABLE assembly_roles (
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    role TEXT NOT NULL CHECK (role IN ('organiser', 'facilitator', 'member', 'observer')),
    PRIMARY KEY (assembly_id, account_id)
);
CREATE INDEX assembly_roles_account ON assembly_roles (account_id);

CREATE TABLE design_comments (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at BIGINT NOT NULL,
    moderated_at BIGINT,
    moderated_by BIGINT REFERENCES accounts (id)
);
CREATE INDEX design_comments_assembly ON design_comments (assembly_id, status);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE TABLE login_throttle (
    key_hash TEXT PRIMARY KEY,
    failures BIGINT NOT NULL,
    window_started_at BIGINT NOT NULL,
    locked_until BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash)
);

CREATE TABLE sign_in_codes (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    failed_attempts BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_account_id BIGINT,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
