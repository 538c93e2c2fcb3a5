-- Issue 14, items 8, 9 and 12: single-use registration tokens, the audit page's verified checkpoint, and a stable
-- marker for the demo's assemblies.

-- A registration form's timing token, once a registration has used it (its SHA-256: the token is no secret once
-- spent, but the table need not hold it), kept until the token would have expired anyway.
CREATE TABLE used_form_tokens (
    token_hash TEXT PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX used_form_tokens_expiry ON used_form_tokens (expires_at);

-- How far the audit chain was last verified from the start: entry `seq` had hash `hash`. The audit page checks
-- the entries after it (and that this entry still has this hash), and re-checks a slice of the older ones after
-- `swept_seq`, moving on at each view; `klero audit verify` checks everything.
CREATE TABLE audit_checkpoint (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    swept_seq BIGINT NOT NULL,
    verified_at BIGINT NOT NULL
);
INSERT INTO audit_checkpoint (id, seq, hash, swept_seq, verified_at) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, 0);

-- Which assembly the demo seeding made for each of its demo assemblies, so that a renamed one is still found.
CREATE TABLE demo_assemblies (
    demo_key TEXT PRIMARY KEY,
    assembly_id BIGINT NOT NULL UNIQUE REFERENCES assemblies (id)
);

-- Counters keyed on the plain SHA-256 of an address or email could be reversed by enumeration; they are now keyed
-- with a key derived from the server secret, so the old rows would only linger.
DELETE FROM rate_limits;
DELETE FROM login_throttle;
