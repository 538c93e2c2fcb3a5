-- Replacement runs (issue 4, item 6, SQLite): at most one replacement run per assembly waits for its seed or runs at a
-- time, enforced by the database, so two organisers freezing a replacement at once cannot draw the same open seats
-- twice (the second insert fails on this index).

CREATE UNIQUE INDEX selection_runs_one_pending_replacement ON selection_runs (assembly_id)
    WHERE kind = 'replacement' AND status IN ('committed', 'running');
