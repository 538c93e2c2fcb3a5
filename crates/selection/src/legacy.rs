//! LEGACY: the greedy method used before 2020, kept for comparison. It fills the most urgent
//! unmet minimum first and picks uniformly among eligible people; its selection probabilities are
//! not controlled and can only be estimated by repeating it.

use crate::SelectionError;
use crate::model::Instance;
use crate::sample::uniform_below;
use crate::solver::Reduced;
use rand_chacha::ChaCha20Rng;
use std::collections::HashSet;

/// Attempts before LEGACY gives up.
pub const MAX_ATTEMPTS: usize = 100;

/// Draws one panel greedily (pool indices, sorted, including already-selected people).
pub(crate) fn draw(
    instance: &Instance,
    reduced: &Reduced,
    rng: &mut ChaCha20Rng,
) -> Result<Vec<usize>, SelectionError> {
    let pool: Vec<usize> = reduced
        .profiles
        .iter()
        .flat_map(|profile| profile.members.iter().copied())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    for _ in 0..MAX_ATTEMPTS {
        if let Some(panel) = attempt(instance, reduced, &pool, rng) {
            return Ok(panel);
        }
    }
    Err(SelectionError::LegacyFailed {
        attempts: MAX_ATTEMPTS,
    })
}

fn attempt(
    instance: &Instance,
    reduced: &Reduced,
    pool: &[usize],
    rng: &mut ChaCha20Rng,
) -> Option<Vec<usize>> {
    let mut counts = reduced.already_counts.clone();
    let mut panel = instance.already_selected.clone();
    let mut households: HashSet<&str> = HashSet::new();
    let mut available: Vec<usize> = pool.to_vec();
    for _ in 0..reduced.seats {
        available.retain(|&person| {
            let p = &instance.people[person];
            p.values
                .iter()
                .enumerate()
                .all(|(f, &v)| (counts[f][v] as u32) < instance.features[f].quotas[v].max)
                && p.household
                    .as_deref()
                    .is_none_or(|key| !households.contains(key))
        });
        if available.is_empty() {
            return None;
        }
        // The most urgent unmet minimum: largest (still needed) / (still available).
        let mut urgent: Option<(f64, usize, usize)> = None;
        for (f, feature) in instance.features.iter().enumerate() {
            for (v, quota) in feature.quotas.iter().enumerate() {
                let needed = quota.min as f64 - counts[f][v] as f64;
                if needed <= 0.0 {
                    continue;
                }
                let have = available
                    .iter()
                    .filter(|&&person| instance.people[person].values[f] == v)
                    .count();
                if have == 0 {
                    return None;
                }
                let ratio = needed / have as f64;
                if urgent.is_none_or(|(best, _, _)| ratio > best) {
                    urgent = Some((ratio, f, v));
                }
            }
        }
        let candidates: Vec<usize> = match urgent {
            Some((_, f, v)) => available
                .iter()
                .copied()
                .filter(|&person| instance.people[person].values[f] == v)
                .collect(),
            None => available.clone(),
        };
        let chosen = candidates[uniform_below(rng, candidates.len() as u64) as usize];
        let person = &instance.people[chosen];
        for (f, &v) in person.values.iter().enumerate() {
            counts[f][v] += 1;
        }
        if let Some(key) = person.household.as_deref() {
            households.insert(key);
        }
        available.retain(|&other| other != chosen);
        panel.push(chosen);
    }
    panel.sort_unstable();
    instance.check_panel(&panel).ok()?;
    Some(panel)
}
