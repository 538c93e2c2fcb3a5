//! Verifiable randomness: the random stream, the sampling steps built from raw `next_u64()`
//! output, and the commitment to the inputs and the distribution. `docs/selection.md` specifies
//! all of this precisely enough to re-implement it in another language.

use crate::model::Instance;
use crate::{Algorithm, Settings};
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

/// The random stream for a published seed string: ChaCha20 (20 rounds, nonce 0, block counter
/// from 0) keyed by SHA-256 of the UTF-8 bytes of the seed.
pub fn stream(seed: &str) -> ChaCha20Rng {
    let key: [u8; 32] = Sha256::digest(seed.as_bytes()).into();
    ChaCha20Rng::from_seed(key)
}

/// A uniform integer in `0..n` (n > 0) by rejection: draw `r = next_u64()` until
/// `r < floor(2^64 / n) * n` (in 128-bit arithmetic), then return `r mod n`.
///
/// This is the rule of the invitation lottery too (`recruitment::random::Stream::below`, specified
/// in docs/invitations.md): one rule for both draws. Before it, this function rejected `r` from
/// `floor((2^64 - 1) / n) * n` on, which differs only when `n` divides 2^64 and `r` falls in the
/// top `n` values, a chance of `n / 2^64` per draw, so no draw made before can come out differently.
pub fn uniform_below(rng: &mut ChaCha20Rng, n: u64) -> u64 {
    assert!(n > 0, "uniform_below needs a positive bound");
    let zone = ((1u128 << 64) / u128::from(n)) * u128::from(n);
    loop {
        let r = rng.next_u64();
        if u128::from(r) < zone {
            return r % n;
        }
    }
}

/// A uniform number in `[0, 1)`: the top 53 bits of `next_u64()` divided by 2^53.
pub fn unit(rng: &mut ChaCha20Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Chooses `count` of `members` (in the given order) by a partial Fisher–Yates shuffle:
/// for `i` in `0..count`, swap position `i` with `i + uniform_below(len - i)`; the first `count`
/// entries are chosen.
pub fn choose(rng: &mut ChaCha20Rng, members: &[usize], count: usize) -> Vec<usize> {
    let mut order = members.to_vec();
    for i in 0..count {
        let j = i + uniform_below(rng, (order.len() - i) as u64) as usize;
        order.swap(i, j);
    }
    order.truncate(count);
    order
}

/// Index of the panel picked by `u` in `[0, 1)`: the first panel whose running total of
/// probabilities (summed in order, in f64) exceeds `u`; the last panel if rounding leaves none.
pub fn pick_panel(probabilities: &[f64], u: f64) -> usize {
    let mut total = 0.0;
    for (index, &probability) in probabilities.iter().enumerate() {
        total += probability;
        if u < total {
            return index;
        }
    }
    probabilities.len().saturating_sub(1)
}

fn field(out: &mut Vec<u8>, text: &str) {
    out.extend_from_slice(text.len().to_string().as_bytes());
    out.push(b':');
    out.extend_from_slice(text.as_bytes());
    out.push(b',');
}

/// The first field of a version 1 commitment (inputs only; kept to verify runs committed before version 2).
pub const COMMITMENT_V1: &str = "kleroterion-selection-v1";
/// The first field of a version 2 commitment (inputs and the SHA-256 of the distribution file).
pub const COMMITMENT_V2: &str = "kleroterion-selection-v2";

/// The canonical serialisation of the inputs, version 1 (see docs/selection.md): every field is
/// written as `<byte length>:<bytes>,` and records end with a newline.
pub fn canonical_inputs(instance: &Instance, settings: &Settings) -> Vec<u8> {
    canonical_records(COMMITMENT_V1, instance, settings)
}

/// The canonical serialisation of a version 2 commitment: the records of version 1 under the label
/// `kleroterion-selection-v2`, then one record `distribution`, lowercase hex SHA-256 of the bytes of
/// the distribution file ([`crate::Distribution::to_csv`], numbered lottery panels included).
pub fn canonical_v2(instance: &Instance, settings: &Settings, distribution_csv: &[u8]) -> Vec<u8> {
    let mut out = canonical_records(COMMITMENT_V2, instance, settings);
    field(&mut out, "distribution");
    field(&mut out, &distribution_digest(distribution_csv));
    out.push(b'\n');
    out
}

/// Lowercase hex SHA-256 of a distribution file's bytes.
pub fn distribution_digest(distribution_csv: &[u8]) -> String {
    hex::encode(Sha256::digest(distribution_csv))
}

/// The version 2 commitment: lowercase hex SHA-256 of [`canonical_v2`]. It fixes the distribution
/// (and a transparent lottery's numbered panels) before the seed is known.
pub fn commitment_v2(instance: &Instance, settings: &Settings, distribution_csv: &[u8]) -> String {
    hex::encode(Sha256::digest(canonical_v2(
        instance,
        settings,
        distribution_csv,
    )))
}

/// The first id of the pool that cannot be written in a distribution file, where the members of a
/// profile are separated by single spaces: an id containing whitespace. A version 2 commitment
/// needs a distribution file that reads back to the same people, so such a pool is refused.
pub fn id_unfit_for_distribution(instance: &Instance) -> Option<&str> {
    instance
        .people
        .iter()
        .map(|person| person.id.as_str())
        .find(|id| id.chars().any(char::is_whitespace))
}

fn canonical_records(label: &str, instance: &Instance, settings: &Settings) -> Vec<u8> {
    let mut out = Vec::new();
    field(&mut out, label);
    field(
        &mut out,
        match settings.algorithm {
            Algorithm::Leximin => "leximin",
            Algorithm::Maximin => "maximin",
            Algorithm::Legacy => "legacy",
        },
    );
    field(&mut out, &instance.panel_size.to_string());
    field(
        &mut out,
        &settings
            .lottery_panels
            .map(|m| m.to_string())
            .unwrap_or_default(),
    );
    out.push(b'\n');
    for feature in &instance.features {
        for quota in &feature.quotas {
            field(&mut out, "quota");
            field(&mut out, &feature.name);
            field(&mut out, &quota.value);
            for number in [quota.min, quota.max, quota.min_flex, quota.max_flex] {
                field(&mut out, &number.to_string());
            }
            out.push(b'\n');
        }
    }
    for person in &instance.people {
        field(&mut out, "person");
        field(&mut out, &person.id);
        for (feature, &value) in instance.features.iter().zip(&person.values) {
            field(&mut out, &feature.quotas[value].value);
        }
        match &person.household {
            Some(key) => field(&mut out, &key.replace('\u{1f}', "\n")),
            None => field(&mut out, ""),
        }
        out.push(b'\n');
    }
    for &person in &instance.already_selected {
        field(&mut out, "already-selected");
        field(&mut out, &instance.people[person].id);
        out.push(b'\n');
    }
    out
}

/// The version 1 commitment: lowercase hex SHA-256 of [`canonical_inputs`] (inputs only).
pub fn commitment(instance: &Instance, settings: &Settings) -> String {
    hex::encode(Sha256::digest(canonical_inputs(instance, settings)))
}
