//! Where new panels come from: the coverage (a panel for every profile), the multiplicative-weights pool,
//! and pricing in column generation (the pool's most violating panels, then the swap search, then the
//! panel problem, whose answer is what proves convergence).

use super::master::{Master, MasterSolution, PanelSet};
use super::params::{
    FRACTION_COVERAGE, FRACTION_LEVELS, FRACTION_POOL, FRACTION_SEARCH, HEURISTIC_STARTS,
    POOL_BATCH, POOL_SWAPS, PRICE_TOLERANCE, between,
};
use super::swaps::SwapSearch;
use crate::solver::{PanelOracle, Priced};
use crate::watch::Watch;
use crate::{Activity, Phase, Progress, SelectionError};

/// Coverage: finds panels until every profile is in one, or provably in none. Returns the panels and which
/// profiles are in no panel.
pub(super) fn cover(
    count: usize,
    swaps: &SwapSearch,
    oracle: &mut PanelOracle,
    watch: &mut Watch<'_>,
) -> Result<(PanelSet, Vec<bool>), SelectionError> {
    let mut covered = vec![false; count];
    let mut unreachable = vec![false; count];
    let mut panels = PanelSet::default();
    let coverage = |panels: &PanelSet, covered: &[bool], unreachable: &[bool]| {
        let done = (0..count).filter(|&t| covered[t] || unreachable[t]).count();
        Progress {
            panels: panels.len(),
            done,
            total: count,
            fraction: between(0.0, FRACTION_COVERAGE, done, count),
            ..Progress::start(count)
        }
    };
    loop {
        let weights: Vec<f64> = (0..count)
            .map(|t| {
                if covered[t] || unreachable[t] {
                    0.0
                } else {
                    1.0
                }
            })
            .collect();
        if weights.iter().all(|&w| w == 0.0) {
            break;
        }
        // Cheap first: swaps from known panels towards uncovered profiles (every panel they reach
        // is feasible); the MIP runs only when they cover nothing new, and proves unreachability.
        if !panels.is_empty() {
            let found = swaps.violating_panels(&panels, &weights, 0.5, HEURISTIC_STARTS, watch)?;
            if !found.is_empty() {
                for panel in found {
                    for t in 0..count {
                        if panel[t] > 0 {
                            covered[t] = true;
                        }
                    }
                    panels.push(panel);
                }
                watch.send(coverage(&panels, &covered, &unreachable))?;
                continue;
            }
        }
        let Some((panel, _)) = oracle.best(&weights, None, watch)? else {
            return Err(SelectionError::NoFeasiblePanel);
        };
        let mut new = false;
        for t in 0..count {
            if panel[t] > 0 && !covered[t] {
                covered[t] = true;
                new = new || weights[t] > 0.0;
            }
        }
        if !new {
            for t in 0..count {
                if !covered[t] {
                    unreachable[t] = true;
                }
            }
        }
        panels.push(panel);
        watch.send(coverage(&panels, &covered, &unreachable))?;
    }
    Ok((panels, unreachable))
}

/// Where new panels come from: the multiplicative-weights pool, the swap search, the panel MIP.
pub(super) struct Pricing {
    pub(super) pool: PanelSet,
    pub(super) swaps: SwapSearch,
    pub(super) oracle: PanelOracle,
}

impl Pricing {
    /// Column generation until no panel prices out (proven by the panel problem), or until `z`
    /// reaches its bound 1, or `bound` (an upper bound on `z` known from elsewhere: the relaxation's
    /// first level for MAXIMIN), which no panel can improve. Stage 0 is the target check.
    pub(super) fn converge(
        &mut self,
        master: &mut Master,
        unfixed: &[bool],
        fixed: &[Option<f64>],
        stage: usize,
        bound: Option<f64>,
        watch: &mut Watch<'_>,
    ) -> Result<MasterSolution, SelectionError> {
        let count = master.sizes.len();
        let fixed_profiles = fixed.iter().filter(|f| f.is_some()).count();
        loop {
            let solution = master.solve(unfixed, watch)?;
            if solution.z >= 1.0 - 1e-9 || bound.is_some_and(|bound| solution.z >= bound - 1e-9) {
                return Ok(solution);
            }
            let weights: Vec<f64> = (0..count)
                .map(|t| solution.y[t] / master.sizes[t])
                .collect();
            let threshold = -solution.mu + PRICE_TOLERANCE;
            // The share of the stage done: the reached share of the target or of MAXIMIN's bound, or the
            // fixed profiles of a LEXIMIN stage.
            let (activity, done, total) = match (stage, bound) {
                (0, _) => (Activity::TargetCheck, (solution.z * 1000.0) as usize, 1000),
                (_, Some(bound)) => (
                    Activity::Stages,
                    (solution.z / bound.max(1e-12) * 1000.0) as usize,
                    1000,
                ),
                _ => (Activity::Stages, fixed_profiles, count),
            };
            let report = |master: &Master| Progress {
                phase: Phase::Stage(stage.max(1)),
                panels: master.panels.len(),
                fixed_profiles,
                profiles: count,
                value: solution.z,
                activity,
                done,
                total,
                fraction: between(FRACTION_POOL, FRACTION_SEARCH, done, total),
            };
            // Cheapest first: the pool's most violating panels (a dot product each).
            let mut ranked: Vec<(f64, usize)> = self
                .pool
                .sparse
                .iter()
                .enumerate()
                .map(|(i, panel)| {
                    (
                        panel
                            .iter()
                            .map(|&(t, c)| c as f64 * weights[t as usize])
                            .sum::<f64>(),
                        i,
                    )
                })
                .filter(|&(value, _)| value > threshold)
                .collect();
            if !ranked.is_empty() {
                ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                ranked.truncate(POOL_BATCH);
                let mut take: Vec<usize> = ranked.iter().map(|&(_, i)| i).collect();
                // Highest index first, so that each removal leaves the other indices valid.
                take.sort_unstable_by(|a, b| b.cmp(a));
                for i in take {
                    master.add_panel(self.pool.swap_remove(i));
                }
                watch.send(report(master))?;
                continue;
            }
            // Cheap pricing next: improve the best known panels by swaps; the MIP runs only when
            // that finds nothing, and its answer is what proves convergence.
            let found = self.swaps.violating_panels(
                &master.panels,
                &weights,
                threshold,
                HEURISTIC_STARTS,
                watch,
            )?;
            if !found.is_empty() {
                for panel in found {
                    master.add_panel(panel);
                }
                watch.send(report(master))?;
                continue;
            }
            let Priced::Better(panel) = self.oracle.price(&weights, threshold, watch)? else {
                return Ok(solution);
            };
            if master.panels.contains(&panel) {
                return Ok(solution);
            }
            master.add_panel(panel);
            watch.send(report(master))?;
        }
    }
}

/// Multiplicative weights (as in Flanigan et al.'s initial committees, with a few swaps of the
/// local search in place of the MIP): each round moves the last panel towards the heaviest members
/// by per-member weight, then lowers the weight of its members, so that the panels spread over the
/// pool the way a fair distribution does. Returns the new panels (none already in `known`).
/// The watch hears the pool's size every [`POOL_REPORT_ROUNDS`] rounds and may cancel.
pub(super) fn multiplicative_weights(
    swaps: &SwapSearch,
    known: &PanelSet,
    sizes: &[f64],
    unreachable: &[bool],
    rounds: usize,
    watch: &mut Watch<'_>,
) -> Result<PanelSet, SelectionError> {
    let count = sizes.len();
    let mut pool = PanelSet::default();
    let mut member_weight: Vec<f64> = (0..count)
        .map(|t| if unreachable[t] { 0.0 } else { 1.0 })
        .collect();
    let Some(mut current) = known.dense.first().cloned() else {
        return Ok(pool);
    };
    let mut by_weight: Vec<usize> = (0..count).collect();
    for round in 0..rounds {
        if round % POOL_REPORT_ROUNDS == POOL_REPORT_ROUNDS - 1 {
            watch.send(Progress {
                panels: known.len() + pool.len(),
                activity: Activity::PanelPool,
                done: round,
                total: rounds,
                fraction: between(FRACTION_LEVELS, FRACTION_POOL, round, rounds),
                ..watch.last()
            })?;
        }
        by_weight.sort_by(|&a, &b| {
            member_weight[b]
                .total_cmp(&member_weight[a])
                .then(a.cmp(&b))
        });
        watch.check()?;
        current = swaps.improve(&current, &member_weight, &by_weight, POOL_SWAPS);
        for t in 0..count {
            if current[t] > 0 {
                member_weight[t] *= 1.0 - 0.2 * current[t] as f64 / sizes[t];
            }
        }
        let total: f64 = member_weight.iter().sum();
        if total > 0.0 {
            let scale = count as f64 / total;
            for weight in &mut member_weight {
                *weight *= scale;
            }
        }
        if !known.contains(&current) {
            pool.push(current.clone());
        }
    }
    Ok(pool)
}

/// How many rounds of multiplicative weights run between two progress reports (a cancel waits at most this long).
const POOL_REPORT_ROUNDS: usize = 64;
