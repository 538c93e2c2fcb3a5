-- Final selections drawn as a transparent lottery (issue 4, item 5): `lottery_panels` is M when the distribution is
-- rounded to M equally likely numbered panels (NULL otherwise; it is part of the commitment), and `distribution_csv`
-- is the published distribution of a finished run (panels and probabilities, or the M numbered panels), by public
-- ids only, so that anyone can replay the draw from it (`klero verify --distribution`).

ALTER TABLE selection_runs ADD COLUMN lottery_panels BIGINT CHECK (lottery_panels IS NULL OR lottery_panels >= 2);
ALTER TABLE selection_runs ADD COLUMN distribution_csv TEXT NOT NULL DEFAULT '';
