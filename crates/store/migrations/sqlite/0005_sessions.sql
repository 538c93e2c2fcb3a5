-- The assembly at work, part A (issue 5, items 1-3): sessions with their agenda and attendance, the evidence library,
-- speakers with their declared perspective and interests, members' questions and speaker requests, the oversight
-- group's comments on balance, members' feature values, and table allocations (runs, seats, facilitators, pins).
-- Dates are `YYYY-MM-DD` and times `HH:MM` (local to the assembly) as TEXT; timestamps are unix seconds.

CREATE TABLE assembly_sessions (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    place TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX assembly_sessions_assembly ON assembly_sessions (assembly_id, held_on, starts_at);

CREATE TABLE agenda_items (
    id INTEGER PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES assembly_sessions (id),
    starts_at TEXT NOT NULL,
    minutes BIGINT NOT NULL CHECK (minutes > 0),
    title TEXT NOT NULL,
    topic TEXT NOT NULL
);
CREATE INDEX agenda_items_session ON agenda_items (session_id, starts_at);

CREATE TABLE attendance (
    session_id BIGINT NOT NULL REFERENCES assembly_sessions (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    status TEXT NOT NULL CHECK (status IN ('present', 'late', 'absent')),
    recorded_by BIGINT REFERENCES accounts (id),
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (session_id, account_id)
);

CREATE TABLE evidence (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    topic TEXT NOT NULL,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    summary TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX evidence_assembly ON evidence (assembly_id, topic);

CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    name TEXT NOT NULL,
    topic TEXT NOT NULL,
    perspective TEXT NOT NULL,
    interests TEXT NOT NULL,
    session_id BIGINT REFERENCES assembly_sessions (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX speakers_assembly ON speakers (assembly_id, topic);

CREATE TABLE speaker_questions (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    speaker_id BIGINT NOT NULL REFERENCES speakers (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX speaker_questions_assembly ON speaker_questions (assembly_id, speaker_id);

CREATE TABLE speaker_requests (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    topic TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX speaker_requests_assembly ON speaker_requests (assembly_id);

CREATE TABLE balance_comments (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    topic TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX balance_comments_assembly ON balance_comments (assembly_id);

CREATE TABLE member_features (
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    features_json TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (assembly_id, account_id)
);

CREATE TABLE table_pins (
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    table_no BIGINT NOT NULL CHECK (table_no >= 0),
    PRIMARY KEY (assembly_id, account_id)
);

CREATE TABLE table_runs (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    session_ids TEXT NOT NULL,
    seats_per_table BIGINT NOT NULL CHECK (seats_per_table > 0),
    with_facilitators BIGINT NOT NULL,
    seed BIGINT NOT NULL,
    error TEXT NOT NULL,
    requested_by BIGINT REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX table_runs_assembly ON table_runs (assembly_id, status);

CREATE TABLE table_seats (
    run_id BIGINT NOT NULL REFERENCES table_runs (id),
    session_id BIGINT NOT NULL REFERENCES assembly_sessions (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    table_no BIGINT NOT NULL,
    PRIMARY KEY (run_id, session_id, account_id)
);
CREATE INDEX table_seats_account ON table_seats (account_id, run_id);

CREATE TABLE table_facilitators (
    run_id BIGINT NOT NULL REFERENCES table_runs (id),
    session_id BIGINT NOT NULL REFERENCES assembly_sessions (id),
    table_no BIGINT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (run_id, session_id, table_no)
);
