-- A number drawn physically in public for the invitation lottery (issue 18, item 8): the organiser enters the
-- number drawn with dice or balls at the time of the draw; the draw's seed is then `number:N` (docs/invitations.md,
-- "A number drawn in public"), used like any seed. This row records who entered it and when, for the lottery page
-- and the public selection page.
CREATE TABLE invitation_public_numbers (
    draw_id BIGINT PRIMARY KEY REFERENCES invitation_draws (id),
    number BIGINT NOT NULL CHECK (number >= 0),
    entered_by BIGINT REFERENCES accounts (id),
    entered_at BIGINT NOT NULL
);
