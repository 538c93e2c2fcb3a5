-- Community assemblies (issue 16, item 2): an assembly's community phase, the hosts who register to run a small
-- assembly on the same question, and the outcomes they send back for moderation.
-- A host's email is personal data: it is read only to send the host their key, and erased with the host.

CREATE TABLE community_settings (
    assembly_id BIGINT PRIMARY KEY REFERENCES assemblies (id),
    is_open BIGINT NOT NULL,
    guide TEXT NOT NULL,
    evidence_id BIGINT REFERENCES evidence (id),
    updated_at BIGINT NOT NULL
);

CREATE TABLE community_hosts (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    community TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('school', 'workplace', 'worship', 'village', 'other')),
    area TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    session_hash TEXT UNIQUE,
    verified_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX community_hosts_assembly ON community_hosts (assembly_id);

CREATE TABLE community_outcomes (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    host_id BIGINT NOT NULL REFERENCES community_hosts (id),
    held_on TEXT NOT NULL,
    participants BIGINT NOT NULL CHECK (participants > 0),
    demographics_json TEXT NOT NULL,
    questions TEXT NOT NULL,
    points TEXT NOT NULL,
    recommendations TEXT NOT NULL,
    notes TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    moderated_by BIGINT REFERENCES accounts (id),
    moderated_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX community_outcomes_assembly ON community_outcomes (assembly_id, status);
