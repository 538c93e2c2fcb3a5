-- Quotas, selection runs, replacements and outgoing emails (issue 4, SQLite).
-- A run's pool is stored anonymised (a random public id per person and feature values only) exactly as published,
-- and the link from public ids to respondents is kept apart in selection_run_people (organisers only).
-- At most one run per assembly is running at any time: the partial unique index selection_runs_one_running
-- makes a second start fail in the database, whatever the pages show.

CREATE TABLE selection_settings (
    assembly_id BIGINT PRIMARY KEY REFERENCES assemblies (id),
    panel_size BIGINT NOT NULL CHECK (panel_size >= 1),
    seed_source TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE selection_quotas (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    position BIGINT NOT NULL,
    feature TEXT NOT NULL,
    value TEXT NOT NULL,
    share_ppm BIGINT NOT NULL CHECK (share_ppm >= 0 AND share_ppm <= 1000000),
    min_seats BIGINT NOT NULL CHECK (min_seats >= 0),
    max_seats BIGINT NOT NULL CHECK (max_seats >= min_seats),
    CONSTRAINT selection_quotas_value_key UNIQUE (assembly_id, feature, value)
);

CREATE TABLE selection_runs (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    kind TEXT NOT NULL CHECK (kind IN ('test', 'final', 'replacement')),
    status TEXT NOT NULL CHECK (status IN ('committed', 'running', 'done', 'failed', 'cancelled')),
    algorithm TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    panel_size BIGINT NOT NULL,
    seed TEXT NOT NULL,
    seed_source TEXT NOT NULL,
    commitment TEXT NOT NULL,
    pool_csv TEXT NOT NULL,
    features_csv TEXT NOT NULL,
    already_csv TEXT NOT NULL,
    selected_csv TEXT NOT NULL,
    result_json TEXT NOT NULL,
    message TEXT NOT NULL,
    progress TEXT NOT NULL,
    cancel_requested BIGINT NOT NULL DEFAULT 0,
    heartbeat_at BIGINT,
    parent_run_id BIGINT REFERENCES selection_runs (id),
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    created_by BIGINT REFERENCES accounts (id)
);
CREATE INDEX selection_runs_assembly ON selection_runs (assembly_id, id);
CREATE UNIQUE INDEX selection_runs_one_running ON selection_runs (assembly_id) WHERE status = 'running';

CREATE TABLE selection_run_people (
    run_id BIGINT NOT NULL REFERENCES selection_runs (id),
    public_id TEXT NOT NULL,
    respondent_id BIGINT NOT NULL REFERENCES respondents (id),
    position BIGINT NOT NULL,
    selected BIGINT NOT NULL DEFAULT 0,
    already BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, public_id)
);

CREATE TABLE replacements (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    run_id BIGINT NOT NULL REFERENCES selection_runs (id),
    dropped_respondent_id BIGINT NOT NULL REFERENCES respondents (id),
    replacement_respondent_id BIGINT REFERENCES respondents (id),
    seed TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX replacements_assembly ON replacements (assembly_id, id);

ALTER TABLE respondents ADD COLUMN account_id BIGINT REFERENCES accounts (id);

CREATE TABLE email_outbox (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    respondent_id BIGINT REFERENCES respondents (id),
    status TEXT NOT NULL CHECK (status IN ('sent', 'failed', 'not_configured')),
    error TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
