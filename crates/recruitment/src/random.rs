//! The verifiable random stream and the two sampling steps built on its raw `next_u64()` output.
//!
//! Everything here is specified in `docs/invitations.md` so that anyone can re-run a draw in another
//! language; rand's higher-level helpers are deliberately not used because their output is not
//! promised to stay the same across versions.

use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

/// The random stream of a draw: ChaCha20 (20 rounds, nonce 0, block counter from 0) keyed by the
/// SHA-256 digest of the UTF-8 bytes of the published seed string.
pub struct Stream {
    rng: ChaCha20Rng,
}

impl Stream {
    /// Starts the stream for a published seed string.
    pub fn new(seed: &str) -> Stream {
        let key: [u8; 32] = Sha256::digest(seed.as_bytes()).into();
        Stream {
            rng: ChaCha20Rng::from_seed(key),
        }
    }

    /// The next 64-bit value: eight keystream bytes read as a little-endian integer.
    pub fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// A uniform integer in `0..bound` (`bound > 0`) by rejection sampling: draw `r = next_u64()`
    /// until `r < floor(2^64 / bound) * bound` (computed in 128-bit arithmetic), then return
    /// `r mod bound`. Rejected values are consumed and discarded.
    pub fn below(&mut self, bound: u64) -> u64 {
        assert!(bound > 0, "Stream::below needs a positive bound");
        let zone = ((1u128 << 64) / bound as u128) * bound as u128;
        loop {
            let value = self.next_u64();
            if (value as u128) < zone {
                return value % bound;
            }
        }
    }

    /// Chooses `count` of `0..len` by a partial Fisher–Yates shuffle of the list `0, 1, ..., len - 1`:
    /// for `i` in `0..count`, `j = i + below(len - i)`, swap positions `i` and `j`.
    /// The first `count` entries, in that order, are the chosen indices.
    pub fn choose(&mut self, len: usize, count: usize) -> Vec<usize> {
        assert!(
            count <= len,
            "Stream::choose cannot choose more than it has"
        );
        let mut order: Vec<usize> = (0..len).collect();
        for i in 0..count {
            let j = i + self.below((len - i) as u64) as usize;
            order.swap(i, j);
        }
        order.truncate(count);
        order
    }
}
