-- Ballot secrecy against a copy of the database files (issue 14, finding 3).
-- A vote records its voter at once (ballot_voters, so a second vote is refused) together with the choice sealed
-- (ChaCha20-Poly1305 under a key derived from the server secret, which is kept in a file, never in the database;
-- padded to one length per ballot, so the length says nothing). The voter row and the sealed row are committed
-- together, so a copy of the files can pair them, but the sealed choice cannot be read without the secret.
-- Closing the ballot opens every sealed choice, writes them to ballot_votes in one batch under fresh random keys,
-- in the order of those keys, and deletes the sealed rows, in the closing transaction.
-- The primary key starts with the sealed text's random nonce: no sequence, no time, no insertion order.
CREATE TABLE ballot_sealed (
    ballot_id BIGINT NOT NULL REFERENCES ballots (id),
    sealed TEXT NOT NULL,
    PRIMARY KEY (ballot_id, sealed)
);
