-- Members' sign-in codes are delivered from the database (issue 18, item 2), never shown to staff.
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
