-- The commitment covers the distribution (issue 14, item 10): a final or replacement run is now prepared first (the
-- engine computes the distribution before the seed is known), then committed with a version 2 commitment, the
-- SHA-256 of the canonical inputs and of `distribution_csv`, published together. Runs committed before keep version 1
-- (inputs only), so that their pages and `klero verify` still check them as they were published.

ALTER TABLE selection_runs ADD COLUMN commitment_version BIGINT NOT NULL DEFAULT 1;
