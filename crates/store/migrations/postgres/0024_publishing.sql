-- Publishing (issue 18, items 7 and 8): the final report and the recommendations are published by an explicit
-- action, and members' questions to speakers are moderated before they go public.

-- One row per assembly whose final report (and with it the recommendations, the scorecard and its exports) is
-- public. No row: only members and staff see them.
CREATE TABLE report_publications (
    assembly_id BIGINT PRIMARY KEY REFERENCES assemblies (id),
    published_at BIGINT NOT NULL,
    published_by BIGINT REFERENCES accounts (id)
);

-- Until now every recommendation was public as soon as it existed, and live sites link to those reports: an
-- assembly that already has recommendations keeps them public (published when its last one was made, by no
-- account), so nothing disappears from a live site; its organisers may withdraw the publication.
INSERT INTO report_publications (assembly_id, published_at, published_by)
SELECT assembly_id, MAX(created_at), NULL FROM recommendations GROUP BY assembly_id;

-- A question waits for moderation ('pending') before it is public ('accepted'); a 'rejected' one is never public.
-- Questions asked before moderation existed were already public: they stay so.
ALTER TABLE speaker_questions ADD COLUMN status TEXT NOT NULL DEFAULT 'accepted'
    CHECK (status IN ('pending', 'accepted', 'rejected'));
ALTER TABLE speaker_questions ADD COLUMN moderated_at BIGINT;
CREATE INDEX speaker_questions_status ON speaker_questions (assembly_id, status);
