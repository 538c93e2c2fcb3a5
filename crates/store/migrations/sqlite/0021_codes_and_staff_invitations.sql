-- Members' sign-in codes are delivered from the database (issue 18, item 2), never shown to staff; staff invitations and
-- the platform setting that lets organisers create assemblies (item 3).
--
-- A row says that a code must reach a member by a channel (email, SMS, or a printed letter for members without
-- email). It holds no code: the deliverer that claims the row (any server instance, by a conditional update)
-- issues a fresh code, whose hash alone is kept in sign_in_codes, and sends it at once; a letter's code is made
-- when its letter batch is printed. So a code never waits in memory or in plain text in the database, and a
-- delivery that dies half-way (a stopped server) is taken over by another instance once its claim expires.
-- The status is what staff see per member: pending, sending, sent, failed (with the error: an SMTP step and
-- reply code, never a text from the relay), printed, cancelled (a newer delivery replaced it, or the member left).
CREATE TABLE code_deliveries (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    respondent_id BIGINT,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'letter')),
    lang TEXT NOT NULL,
    valid_seconds BIGINT NOT NULL CHECK (valid_seconds > 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'printed', 'cancelled')),
    attempts BIGINT NOT NULL DEFAULT 0,
    claimed_until BIGINT,
    code_id BIGINT,
    error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX code_deliveries_due ON code_deliveries (status, id);
CREATE INDEX code_deliveries_assembly ON code_deliveries (assembly_id, id);
CREATE INDEX code_deliveries_account ON code_deliveries (account_id, assembly_id);

-- Staff invitations (issue 18, item 3): an organiser invites a person by email with a staff role in one step; the
-- account is created when the invitee accepts through the one-time link and chooses a password. Only the link's
-- hash is kept; an invitation expires, can be revoked, and is accepted once (a conditional update).
CREATE TABLE staff_invitations (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    email TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('organiser', 'facilitator', 'observer', 'authority')),
    token_hash TEXT NOT NULL,
    lang TEXT NOT NULL,
    invited_by BIGINT REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_at BIGINT,
    account_id BIGINT REFERENCES accounts (id),
    revoked_at BIGINT,
    CONSTRAINT staff_invitations_token_key UNIQUE (token_hash)
);
CREATE INDEX staff_invitations_assembly ON staff_invitations (assembly_id, id);

-- Platform settings that the administrator changes on a page (name, value as text): for now whether organisers
-- may create assemblies (organisers_create_assemblies = 'yes').
CREATE TABLE platform_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
