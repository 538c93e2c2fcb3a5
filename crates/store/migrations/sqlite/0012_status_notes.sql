-- Erasure leaves no personal data behind (issue 14, finding 7).
-- A status change's reason has two parts: a category from a fixed list, which the hash-chained audit log records
-- (it is kept for ever and cannot be edited), and a note in words, which may name the person or their
-- circumstances and is therefore kept here, with the person, and deleted when they are erased.
CREATE TABLE respondent_notes (
    id INTEGER PRIMARY KEY,
    respondent_id BIGINT NOT NULL REFERENCES respondents (id),
    at BIGINT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    category TEXT NOT NULL,
    note TEXT NOT NULL
);
CREATE INDEX respondent_notes_respondent ON respondent_notes (respondent_id);
