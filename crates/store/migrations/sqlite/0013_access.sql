-- Access can be taken away (issue 14, finding 11) and the first run is serialised (finding 12).

-- A disabled account signs in by no means (password, code, API token); NULL while it is enabled.
ALTER TABLE accounts ADD COLUMN disabled_at BIGINT;

-- API tokens expire. Tokens made before expiry existed get the default lifetime (90 days) from their creation.
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
UPDATE api_tokens SET expires_at = created_at + 7776000 WHERE expires_at IS NULL;

-- One-time password reset codes that an administrator issues for a password account (stored hashed, single use;
-- issuing one voids the account's older ones).
CREATE TABLE password_resets (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);
CREATE INDEX password_resets_account ON password_resets (account_id);

-- The first-run page writes this one row in the transaction that creates the first administrator: a second
-- first run at the same moment waits on the primary key and fails, so exactly one administrator is created.
CREATE TABLE first_run (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    done_at BIGINT NOT NULL
);
