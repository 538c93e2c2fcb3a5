-- Issue 16 at national scale: the organisers may choose that the opinion map uses only the votes of verified
-- participants. The results page's figures are now computed with the map by the background job and stored in the
-- analysis's JSON: an analysis stored before has none, so every analysed conversation is due for a new one.
ALTER TABLE conversations ADD COLUMN verified_only BIGINT NOT NULL DEFAULT 0;
UPDATE conversations SET dirty_at = analysed_at WHERE analysed_at IS NOT NULL AND dirty_at IS NULL;
