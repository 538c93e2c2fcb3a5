-- Proposals linked to real sessions and tables (issue 18, item 8): a proposal names one of its assembly's sessions
-- (session_id) and, within it, one table of the allocation (table_no, numbered from 0 as in table_seats, shown from
-- 1 on pages). Both may be empty.
--
-- The free-text labels written before stay as they were in session_label and table_label: a label that names a
-- session (its title, or "title (date)" as lists show it, of exactly one session of the assembly) or a table of that
-- session ("3" or "Table 3", of a finished allocation) is moved into the link and its label emptied; any other label
-- is kept and shown as a legacy label, so nothing typed before is lost. New proposals leave both labels empty.
ALTER TABLE proposals ADD COLUMN session_id BIGINT REFERENCES assembly_sessions (id);
ALTER TABLE proposals ADD COLUMN table_no BIGINT;

UPDATE proposals SET session_id = (
    SELECT MIN(s.id) FROM assembly_sessions s
    WHERE s.assembly_id = proposals.assembly_id
      AND (s.title = TRIM(proposals.session_label)
           OR s.title || ' (' || s.held_on || ')' = TRIM(proposals.session_label))
)
WHERE TRIM(session_label) <> ''
  AND (SELECT COUNT(*) FROM assembly_sessions s
       WHERE s.assembly_id = proposals.assembly_id
         AND (s.title = TRIM(proposals.session_label)
              OR s.title || ' (' || s.held_on || ')' = TRIM(proposals.session_label))) = 1;

UPDATE proposals SET table_no = (
    SELECT MIN(seat.table_no) FROM table_seats seat JOIN table_runs run ON run.id = seat.run_id
    WHERE run.assembly_id = proposals.assembly_id AND run.status = 'done'
      AND seat.session_id = proposals.session_id
      AND (TRIM(proposals.table_label) = CAST(seat.table_no + 1 AS TEXT)
           OR LOWER(TRIM(proposals.table_label)) = 'table ' || CAST(seat.table_no + 1 AS TEXT))
)
WHERE session_id IS NOT NULL AND TRIM(table_label) <> '';

UPDATE proposals SET session_label = '' WHERE session_id IS NOT NULL;
UPDATE proposals SET table_label = '' WHERE table_no IS NOT NULL;

CREATE INDEX proposals_session ON proposals (assembly_id, session_id, id);
