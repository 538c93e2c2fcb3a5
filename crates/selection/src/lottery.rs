//! Transparent lottery: rounding a distribution to `M` equally likely numbered panels
//! (Flanigan, Kehne, Procaccia, NeurIPS 2021, "ILP minimax-change" variant).
//!
//! An ILP chooses how many of the `M` slots each profile panel of the support gets, minimising
//! the largest deviation of any profile's expected share from its optimal probability; it starts
//! from largest-remainder rounding and is bounded by a node limit (not a time limit, so it stays
//! deterministic). Each slot is then made concrete by giving each profile's seats to its members
//! round-robin, so members of a profile are chosen equally often (within one slot of each other).

use crate::solver::{Reduced, configure};
use highs::{Col, HighsModelStatus, RowProblem, Sense};

/// Slot counts per support panel (summing to `slots`).
pub(crate) fn round(
    reduced: &Reduced,
    panels: &[(Vec<u32>, f64)],
    profile_probability: &[f64],
    slots: u32,
) -> Vec<u32> {
    let start = largest_remainder(panels, slots);
    let sizes: Vec<f64> = reduced
        .profiles
        .iter()
        .map(|profile| profile.members.len() as f64)
        .collect();
    let deviation = |counts: &[u32]| -> f64 {
        (0..sizes.len())
            .map(|t| {
                let share: f64 = panels
                    .iter()
                    .zip(counts)
                    .map(|((panel, _), &m)| panel[t] as f64 * m as f64)
                    .sum::<f64>()
                    / (slots as f64 * sizes[t]);
                (share - profile_probability[t]).abs()
            })
            .fold(0.0, f64::max)
    };
    let mut problem = RowProblem::default();
    let columns: Vec<Col> = panels
        .iter()
        .map(|_| problem.add_integer_column(0.0, 0.0..=slots as f64))
        .collect();
    let delta = problem.add_column(1.0, 0.0..);
    problem.add_row(
        slots as f64..=slots as f64,
        columns.iter().map(|&col| (col, 1.0)),
    );
    for t in 0..sizes.len() {
        let factors: Vec<(Col, f64)> = panels
            .iter()
            .zip(&columns)
            .filter(|((panel, _), _)| panel[t] > 0)
            .map(|((panel, _), &col)| (col, panel[t] as f64 / (slots as f64 * sizes[t])))
            .collect();
        let mut low = factors.clone();
        low.push((delta, 1.0));
        problem.add_row(profile_probability[t].., low);
        let mut high = factors;
        high.push((delta, -1.0));
        problem.add_row(..=profile_probability[t], high);
    }
    let mut model = problem.optimise(Sense::Minimise);
    configure(&mut model);
    model.set_option("mip_max_nodes", 100);
    model.set_option("mip_rel_gap", 1e-6);
    let mut initial: Vec<f64> = start.iter().map(|&m| m as f64).collect();
    initial.push(deviation(&start));
    let _ = model.try_set_solution(Some(&initial), None, None, None);
    let best = match model.try_solve() {
        Ok(solved)
            if matches!(
                solved.status(),
                HighsModelStatus::Optimal
                    | HighsModelStatus::ReachedIterationLimit
                    | HighsModelStatus::Unknown
            ) =>
        {
            let values = solved.get_solution().columns().to_vec();
            let counts: Vec<u32> = values[..panels.len()]
                .iter()
                .map(|&v| v.round().max(0.0) as u32)
                .collect();
            if counts.iter().sum::<u32>() == slots {
                Some(counts)
            } else {
                None
            }
        }
        _ => None,
    };
    match best {
        Some(counts) if deviation(&counts) <= deviation(&start) => counts,
        _ => start,
    }
}

fn largest_remainder(panels: &[(Vec<u32>, f64)], slots: u32) -> Vec<u32> {
    let scaled: Vec<f64> = panels.iter().map(|(_, p)| p * slots as f64).collect();
    let mut counts: Vec<u32> = scaled.iter().map(|&s| s.floor() as u32).collect();
    let mut left = slots as i64 - counts.iter().map(|&c| c as i64).sum::<i64>();
    let mut order: Vec<usize> = (0..panels.len()).collect();
    order.sort_by(|&a, &b| {
        (scaled[b] - scaled[b].floor())
            .total_cmp(&(scaled[a] - scaled[a].floor()))
            .then(a.cmp(&b))
    });
    let mut index = 0;
    while left > 0 && !order.is_empty() {
        counts[order[index % order.len()]] += 1;
        left -= 1;
        index += 1;
    }
    counts
}

/// Expands slot counts into `slots` concrete panels (sorted pool indices, already-selected
/// people included), assigning each profile's seats to its members round-robin.
pub(crate) fn expand(
    reduced: &Reduced,
    already_selected: &[usize],
    panels: &[(Vec<u32>, f64)],
    counts: &[u32],
) -> Vec<Vec<usize>> {
    let mut cursor = vec![0usize; reduced.profiles.len()];
    let mut out = Vec::new();
    for ((panel, _), &copies) in panels.iter().zip(counts) {
        for _ in 0..copies {
            let mut members = already_selected.to_vec();
            for (t, &count) in panel.iter().enumerate() {
                let profile = &reduced.profiles[t].members;
                for i in 0..count as usize {
                    members.push(profile[(cursor[t] + i) % profile.len()]);
                }
                if count > 0 {
                    cursor[t] = (cursor[t] + count as usize) % profile.len();
                }
            }
            members.sort_unstable();
            out.push(members);
        }
    }
    out
}
