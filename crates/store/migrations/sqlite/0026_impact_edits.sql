-- Impact records editable and removable (issue 18, item 8), SQLite.
-- Each record carries a version, which an edit or a removal must name (the version its form showed): a stale edit
-- is refused. Every change leaves a row of history, shown on the recommendation's page; a removed record's history
-- stays ("removed by X on D, reason"). The hash-chained audit log has the before and after of each change too, but
-- no free text that may name a person (a tactic's lead, a removal's reason): those are here only.

ALTER TABLE impact_responses ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE impact_milestones ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE impact_fidelity ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE impact_tactics ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

CREATE TABLE impact_history (
    id INTEGER PRIMARY KEY,
    recommendation_id BIGINT NOT NULL REFERENCES recommendations (id),
    record TEXT NOT NULL CHECK (record IN ('response', 'milestone', 'fidelity', 'tactic')),
    -- The milestone's or tactic's id; the recommendation's for its response and fidelity judgement.
    record_id BIGINT NOT NULL,
    -- The record's version after the change (before it, for a removal).
    version BIGINT NOT NULL,
    change TEXT NOT NULL CHECK (change IN ('added', 'edited', 'removed')),
    account_id BIGINT REFERENCES accounts (id),
    role TEXT NOT NULL,
    -- The record's code (reply, instrument, verdict, tactic status) and main text after the change (before it, for
    -- a removal), and the date it names.
    code TEXT NOT NULL,
    body TEXT NOT NULL,
    dated TEXT NOT NULL,
    -- Why it was removed (empty otherwise).
    reason TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);
CREATE INDEX impact_history_recommendation ON impact_history (recommendation_id, id);
