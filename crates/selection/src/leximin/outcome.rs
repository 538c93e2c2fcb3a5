//! The outcome of a LEXIMIN or MAXIMIN run: the lottery's panels with positive probability, normalised and
//! sorted, and each profile's probability of selection.

use super::master::PanelSet;
use crate::watch::Watch;
use crate::{Activity, Phase, Progress, SelectionError, Way};

/// The outcome of column generation over profiles.
pub(crate) struct ProfileDistribution {
    /// Panels as profile counts, with probabilities (positive, summing to 1).
    pub panels: Vec<(Vec<u32>, f64)>,
    /// Per-profile probability of each member (from the final LP's panel probabilities).
    pub profile_probability: Vec<f64>,
    /// Profiles that are in no feasible panel.
    pub unreachable: Vec<usize>,
    /// How it was found: the face walk or column generation reaching the LEXIMIN of the LP relaxation
    /// (see `relaxed_leximin`), or the stages.
    pub way: Way,
}

/// The distribution of the master's panels with positive probability, normalised and sorted.
pub(super) fn finish(
    panels: &PanelSet,
    lambda: &[f64],
    sizes: &[f64],
    unreachable: &[bool],
    way: Way,
    watch: &mut Watch<'_>,
) -> Result<ProfileDistribution, SelectionError> {
    let count = sizes.len();
    let total: f64 = lambda
        .iter()
        .map(|&l| l.max(0.0))
        .filter(|&l| l > 1e-10)
        .sum();
    let mut distribution: Vec<(Vec<u32>, f64)> = panels
        .dense
        .iter()
        .zip(lambda)
        .filter(|&(_, &l)| l > 1e-10)
        .map(|(panel, &l)| (panel.clone(), l / total))
        .collect();
    distribution.sort_by(|a, b| a.0.cmp(&b.0));
    let mut profile_probability = vec![0.0; count];
    for (panel, probability) in &distribution {
        for t in 0..count {
            profile_probability[t] += probability * panel[t] as f64 / sizes[t];
        }
    }
    watch.send(Progress {
        phase: Phase::Done,
        panels: distribution.len(),
        fixed_profiles: count,
        profiles: count,
        activity: Activity::Done,
        done: 1,
        total: 1,
        fraction: 1.0,
        ..watch.last()
    })?;
    Ok(ProfileDistribution {
        panels: distribution,
        profile_probability,
        unreachable: (0..count).filter(|&t| unreachable[t]).collect(),
        way,
    })
}
