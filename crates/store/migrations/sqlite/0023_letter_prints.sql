-- Print-ready invitation letters (issue 18, item 6): a print run makes the assembly's letters into PDF files of
-- `per_file` letters each, off the request path. One run at a time per assembly (the partial unique index); the
-- worker claims its run with a conditional update of `claimed_at` (refreshed as a heartbeat after every file), so
-- two servers never write the same run. Files are kept in the database, so every server instance can serve them;
-- they hold addresses (personal data) and are deleted with their run.

CREATE TABLE letter_prints (
    id INTEGER PRIMARY KEY,
    assembly_id BIGINT NOT NULL REFERENCES assemblies (id),
    paper TEXT NOT NULL CHECK (paper IN ('a4', 'us-letter')),
    per_file BIGINT NOT NULL CHECK (per_file BETWEEN 1 AND 2000),
    lang TEXT NOT NULL,
    base_url TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    letters_total BIGINT NOT NULL,
    letters_done BIGINT NOT NULL DEFAULT 0,
    replaced BIGINT NOT NULL DEFAULT 0,
    created_by BIGINT REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    claimed_at BIGINT,
    finished_at BIGINT
);

CREATE UNIQUE INDEX letter_prints_one_running ON letter_prints (assembly_id) WHERE state = 'running';

CREATE TABLE letter_print_files (
    print_id BIGINT NOT NULL REFERENCES letter_prints (id) ON DELETE CASCADE,
    number BIGINT NOT NULL,
    first_letter BIGINT NOT NULL,
    letters BIGINT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    pdf BLOB NOT NULL,
    PRIMARY KEY (print_id, number)
);

-- A lottery number drawn physically in public (issue 18, item 8): the organiser enters the number drawn with
-- dice or balls after the commitment was published, as the run's seed `number:N` (docs/selection.md, step 3);
-- this row records who entered it and when, for the run's page and the public verification page.
CREATE TABLE selection_public_numbers (
    run_id BIGINT PRIMARY KEY REFERENCES selection_runs (id),
    number BIGINT NOT NULL CHECK (number >= 0),
    entered_by BIGINT REFERENCES accounts (id),
    entered_at BIGINT NOT NULL
);
