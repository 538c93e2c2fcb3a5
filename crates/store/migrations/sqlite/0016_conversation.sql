-- The public conversation of an assembly (issue 16, item 1): a prompt, statements, anonymous participants known by
-- the hash of their device token, one vote per participant and statement (the latest counts), optional
-- demographic answers kept apart from the votes, and the stored analysis with the state of its background job.

CREATE TABLE conversations (
    assembly_id BIGINT PRIMARY KEY REFERENCES assemblies (id),
    prompt TEXT NOT NULL,
    -- 'accepted_only': a participant's statement is shown once accepted; 'unless_rejected': shown until rejected.
    moderation TEXT NOT NULL CHECK (moderation IN ('accepted_only', 'unless_rejected')),
    is_open BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    -- The recomputation job: dirty_at is set by a change the stored analysis does not reflect yet; a worker claims
    -- the row with a conditional update that sets running_since and clears dirty_at, so a conversation is analysed
    -- by one worker at a time, even with several servers on one database.
    dirty_at BIGINT,
    running_since BIGINT,
    analysis_json TEXT,
    analysed_at BIGINT,
    analysis_runs BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX conversations_dirty ON conversations (dirty_at);

CREATE TABLE conversation_participants (
    -- A random id: the pseudonym of exports and of the engine.
    id BIGINT PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES conversations (assembly_id),
    -- SHA-256 of the device token; the token itself is only ever in the participant's cookie.
    token_hash TEXT NOT NULL UNIQUE,
    verified BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX conversation_participants_assembly ON conversation_participants (assembly_id, created_at);

CREATE TABLE conversation_statements (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES conversations (assembly_id),
    body TEXT NOT NULL,
    -- Lower case, letters and digits only, single spaces: two statements with the same normal form are duplicates.
    normalised TEXT NOT NULL,
    -- NULL for a statement seeded by the organisers.
    participant_id BIGINT REFERENCES conversation_participants (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    is_meta BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    CONSTRAINT conversation_statements_unique UNIQUE (assembly_id, normalised)
);
CREATE INDEX conversation_statements_status ON conversation_statements (assembly_id, status);

CREATE TABLE conversation_votes (
    participant_id BIGINT NOT NULL REFERENCES conversation_participants (id) ON DELETE CASCADE,
    statement_id BIGINT NOT NULL REFERENCES conversation_statements (id) ON DELETE CASCADE,
    assembly_id BIGINT NOT NULL REFERENCES conversations (assembly_id),
    vote BIGINT NOT NULL CHECK (vote IN (-1, 0, 1)),
    voted_at BIGINT NOT NULL,
    PRIMARY KEY (participant_id, statement_id)
);
CREATE INDEX conversation_votes_assembly ON conversation_votes (assembly_id, statement_id);

-- Optional answers to the assembly's demographic questions, apart from the votes.
CREATE TABLE conversation_answers (
    participant_id BIGINT NOT NULL REFERENCES conversation_participants (id) ON DELETE CASCADE,
    assembly_id BIGINT NOT NULL REFERENCES conversations (assembly_id),
    feature TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (participant_id, feature)
);
