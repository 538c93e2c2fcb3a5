-- Recommendations (the contract between the assembly at work, issue 5, and impact tracking, issue 6).
-- A recommendation is what the assembly agreed and the authority must answer: either made from a passed
-- proposal (proposal_id set by the deliberation pages) or entered/imported by organisers for an assembly run elsewhere.
-- Support is kept as the share in basis points (0..10000) plus the full distribution as text, never just pass/fail.

CREATE TABLE recommendations (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    reference TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    theme TEXT NOT NULL,
    route TEXT NOT NULL CHECK (route IN ('law', 'regulation', 'referendum', 'other')),
    support_bp BIGINT CHECK (support_bp IS NULL OR (support_bp >= 0 AND support_bp <= 10000)),
    support_text TEXT NOT NULL,
    minority_report TEXT NOT NULL,
    proposal_id BIGINT,
    position BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT recommendations_reference_key UNIQUE (assembly_id, reference)
);
CREATE INDEX recommendations_assembly ON recommendations (assembly_id, position);
