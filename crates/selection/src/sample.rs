//! Verifiable randomness: the random stream, the sampling steps built from raw `next_u64()`
//! output, and the commitment to the inputs. `docs/selection.md` specifies all of this precisely
//! enough to re-implement it in another language.

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
/// `r < floor((2^64 - 1) / n) * n`, then return `r mod n`.
pub fn uniform_below(rng: &mut ChaCha20Rng, n: u64) -> u64 {
    assert!(n > 0, "uniform_below needs a positive bound");
    let limit = (u64::MAX / n) * n;
    loop {
        let r = rng.next_u64();
        if r < limit {
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

/// The canonical serialisation of the inputs (see docs/selection.md): every field is written as
/// `<byte length>:<bytes>,` and records end with a newline.
pub fn canonical_inputs(instance: &Instance, settings: &Settings) -> Vec<u8> {
    let mut out = Vec::new();
    field(&mut out, "kleroterion-selection-v1");
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

/// The commitment: lowercase hex SHA-256 of [`canonical_inputs`].
pub fn commitment(instance: &Instance, settings: &Settings) -> String {
    hex::encode(Sha256::digest(canonical_inputs(instance, settings)))
}
