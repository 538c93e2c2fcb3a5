-- Issue 16, the leftovers: how a conversation's participants may verify themselves, their verification records
-- (kept apart from their votes, erased with them), invitation codes (stored hashed), and the photos a community
-- assembly's host attaches to an outcome (public only once the outcome is accepted).

-- 'none': nobody verifies; 'email': a one-time code by email; 'invitation': a code the organisers handed out.
CREATE TABLE conversation_verification (
    assembly_id BIGINT PRIMARY KEY REFERENCES conversations (assembly_id),
    mode TEXT NOT NULL CHECK (mode IN ('none', 'email', 'invitation')),
    updated_at BIGINT NOT NULL
);

-- A participant's email (personal data: never in a log, an export or a public page), the hash of the code sent to
-- it, and when it was confirmed. One email verifies one participant of a conversation.
CREATE TABLE conversation_emails (
    participant_id BIGINT PRIMARY KEY REFERENCES conversation_participants (id) ON DELETE CASCADE,
    assembly_id BIGINT NOT NULL REFERENCES conversations (assembly_id),
    email TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    verified_at BIGINT,
    CONSTRAINT conversation_emails_unique UNIQUE (assembly_id, email)
);

-- Invitation codes, generated in batches by the organisers; only their hash is kept. A used code keeps used_at
-- (so it is never used twice) even after its participant is erased.
CREATE TABLE conversation_invitations (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES conversations (assembly_id),
    code_hash TEXT NOT NULL UNIQUE,
    batch BIGINT NOT NULL,
    participant_id BIGINT REFERENCES conversation_participants (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX conversation_invitations_assembly ON conversation_invitations (assembly_id, batch);

-- Photos of a community assembly's outcome, checked by their magic bytes and size, with their metadata removed.
CREATE TABLE community_photos (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    outcome_id BIGINT NOT NULL REFERENCES community_outcomes (id) ON DELETE CASCADE,
    media_type TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/webp')),
    data BLOB NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX community_photos_outcome ON community_photos (outcome_id);
