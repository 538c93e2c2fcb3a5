-- The assembly at work, part B (issue 5): proposals with amendments, comments and minority reports, and secret ballots.
--
-- Ballot secrecy: the fact THAT a member voted (ballot_voters) is kept apart from WHAT was voted (ballot_votes).
-- ballot_votes has no account column, no timestamp and no insertion-order clue: its key is a random id, and the
-- table is WITHOUT ROWID, so SQLite keeps no hidden insertion-ordered rowid either (ballot_voters likewise).
-- Every vote re-keys and rewrites all the votes of its ballot in random order (see store::ballot_box), so
-- no physical order or key survives from one vote to the next. docs/ballots.md explains the whole argument.

CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    session_label TEXT NOT NULL,
    table_label TEXT NOT NULL,
    author_account_id BIGINT NOT NULL REFERENCES accounts (id),
    minority_report TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX proposals_assembly ON proposals (assembly_id, id);

CREATE TABLE proposal_versions (
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    version BIGINT NOT NULL,
    body TEXT NOT NULL,
    amendment_id BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (proposal_id, version)
);

CREATE TABLE amendments (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    author_account_id BIGINT NOT NULL REFERENCES accounts (id),
    body TEXT NOT NULL,
    rationale TEXT NOT NULL,
    base_version BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'accepted', 'rejected')),
    decided_by BIGINT REFERENCES accounts (id),
    decided_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX amendments_proposal ON amendments (proposal_id, id);

CREATE TABLE proposal_comments (
    id INTEGER PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    amendment_id BIGINT REFERENCES amendments (id),
    author_account_id BIGINT NOT NULL REFERENCES accounts (id),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX proposal_comments_proposal ON proposal_comments (proposal_id, id);

CREATE TABLE ballots (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    proposal_id BIGINT REFERENCES proposals (id),
    method TEXT NOT NULL CHECK (method IN ('yes_no', 'agreement', 'ranking', 'approval')),
    wording TEXT NOT NULL,
    wording_otherwise TEXT NOT NULL,
    options TEXT NOT NULL,
    pass_rule TEXT NOT NULL,
    max_approvals BIGINT,
    eligible_members BIGINT NOT NULL CHECK (eligible_members > 0),
    opens_after BIGINT REFERENCES ballots (id),
    held_when TEXT NOT NULL CHECK (held_when IN ('always', 'passed', 'failed')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed', 'skipped')),
    final_wording TEXT NOT NULL,
    result_text TEXT NOT NULL,
    passed BIGINT,
    support_bp BIGINT,
    created_at BIGINT NOT NULL,
    opened_at BIGINT,
    closed_at BIGINT
);
CREATE INDEX ballots_assembly ON ballots (assembly_id, id);

CREATE TABLE ballot_voters (
    ballot_id BIGINT NOT NULL REFERENCES ballots (id),
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (ballot_id, account_id)
) WITHOUT ROWID;

CREATE TABLE ballot_votes (
    id TEXT NOT NULL PRIMARY KEY,
    ballot_id BIGINT NOT NULL REFERENCES ballots (id),
    choice TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX ballot_votes_ballot ON ballot_votes (ballot_id);

CREATE TABLE paper_entries (
    ballot_id BIGINT NOT NULL REFERENCES ballots (id),
    entry BIGINT NOT NULL CHECK (entry IN (1, 2)),
    entered_by BIGINT NOT NULL REFERENCES accounts (id),
    sheets TEXT NOT NULL,
    entered_at BIGINT NOT NULL,
    PRIMARY KEY (ballot_id, entry)
);
