-- Recruitment (issue 4): invitation draws, invitations with their codes, respondents, and the server secret and
-- rate-limit counters of the public registration form (SQLite).
-- Addresses, names, emails, phones and answers are personal data: only organisers see them, and they never go into
-- the audit log.

CREATE TABLE invitation_draws (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    seed TEXT NOT NULL,
    invitations BIGINT NOT NULL,
    weights TEXT NOT NULL,
    list_digest TEXT NOT NULL,
    addresses BIGINT NOT NULL,
    household_capacity BIGINT NOT NULL CHECK (household_capacity >= 1),
    area_report_json TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT REFERENCES accounts (id)
);
CREATE INDEX invitation_draws_assembly ON invitation_draws (assembly_id);

CREATE TABLE invitations (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    draw_id BIGINT NOT NULL REFERENCES invitation_draws (id),
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    area TEXT NOT NULL,
    address_ref TEXT NOT NULL,
    address TEXT NOT NULL,
    capacity BIGINT NOT NULL CHECK (capacity >= 1),
    used BIGINT NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= capacity),
    CONSTRAINT invitations_code_key UNIQUE (code)
);
CREATE INDEX invitations_assembly ON invitations (assembly_id, draw_id, position);

CREATE TABLE respondents (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    invitation_id BIGINT REFERENCES invitations (id),
    status TEXT NOT NULL CHECK (status IN ('registered', 'eligible', 'selected', 'confirmed', 'declined', 'withdrawn', 'replaced', 'erased')),
    full_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    features_json TEXT NOT NULL,
    access_needs_json TEXT NOT NULL,
    consent_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX respondents_assembly ON respondents (assembly_id, status);

CREATE TABLE server_secrets (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);

CREATE TABLE rate_limits (
    key_hash TEXT PRIMARY KEY,
    hits BIGINT NOT NULL,
    window_started_at BIGINT NOT NULL
);
