//! The stage-by-stage search, used when the relaxation's LEXIMIN is out of reach of panels: one column
//! generation per level, then the profiles at that level in every optimal solution are fixed (complementary
//! slackness; an interior-point dual once a vertex dual has missed some).

use super::master::Master;
use super::outcome::{ProfileDistribution, finish};
use super::params::{
    FIX_DUAL_TOLERANCE, FRACTION_POOL, FRACTION_SEARCH, INTERIOR_FIX_TOLERANCE,
    INTERIOR_PRICE_TOLERANCE, between,
};
use super::pricing::Pricing;
use crate::solver::Priced;
use crate::watch::Watch;
use crate::{Activity, Algorithm, Phase, Progress, SelectionError, Way};

/// The stage-by-stage LEXIMIN (Flanigan et al.): each stage maximises the lowest probability of the unfixed
/// profiles by column generation, then fixes the profiles that are at that value in every optimal solution.
/// MAXIMIN is the first stage alone, stopped at `maximin_bound` (the relaxation's first level) when it is
/// known. `fixed` has the unreachable profiles at 0 and the master was built with a target of 1 for every profile.
pub(super) fn stages(
    algorithm: Algorithm,
    mut master: Master,
    mut fixed: Vec<Option<f64>>,
    unreachable: &[bool],
    maximin_bound: Option<f64>,
    pricing: &mut Pricing,
    watch: &mut Watch<'_>,
) -> Result<ProfileDistribution, SelectionError> {
    let sizes = master.sizes.clone();
    let count = sizes.len();
    let mut stage = 0;
    let mut use_interior = false;
    let mut previous_value: Option<f64> = None;
    let mut last_lambda;
    loop {
        stage += 1;
        let unfixed: Vec<bool> = fixed.iter().map(Option::is_none).collect();
        let bound = if algorithm == Algorithm::Maximin {
            maximin_bound
        } else {
            None
        };
        // Column generation for this stage, then (LEXIMIN) an interior dual that must itself
        // price out every panel: an interior dual of the *restricted* master can violate the
        // constraint of a panel not yet generated, and is only trusted once it does not.
        let (solution, interior) = loop {
            let solution = pricing.converge(&mut master, &unfixed, &fixed, stage, bound, watch)?;
            if algorithm == Algorithm::Maximin || solution.z >= 1.0 - 1e-9 || !use_interior {
                break (solution, None);
            }
            let interior = if use_interior {
                master.interior_duals(&fixed, watch)?
            } else {
                None
            };
            let Some((interior, interior_mu)) = interior else {
                break (solution, None);
            };
            let weights: Vec<f64> = (0..count).map(|t| interior[t] / sizes[t]).collect();
            let Priced::Better(panel) =
                pricing
                    .oracle
                    .price(&weights, -interior_mu + INTERIOR_PRICE_TOLERANCE, watch)?
            else {
                break (solution, Some(interior));
            };
            if master.panels.contains(&panel) {
                break (solution, Some(interior));
            }
            master.add_panel(panel);
        };
        last_lambda = solution.lambda.clone();
        let z = solution.z;
        // The simplex (vertex) dual may leave some profiles that are stuck at this level unfixed;
        // the next stage then has the same value. From then on an interior dual is used, which
        // fixes all of them at once.
        if previous_value.is_some_and(|previous: f64| (z - previous).abs() <= 1e-9) {
            use_interior = true;
        }
        previous_value = Some(z);
        if algorithm == Algorithm::Maximin {
            break;
        }
        let remaining: Vec<usize> = (0..count).filter(|&t| unfixed[t]).collect();
        if remaining.is_empty() {
            break;
        }
        let mut to_fix: Vec<usize> = if z >= 1.0 - 1e-9 {
            remaining.clone()
        } else {
            let mut set: Vec<usize> = remaining
                .iter()
                .copied()
                .filter(|&t| solution.y[t] > FIX_DUAL_TOLERANCE)
                .collect();
            if let Some(interior) = interior {
                let total: f64 = remaining.iter().map(|&t| interior[t]).sum();
                if total > 0.5 {
                    for &t in &remaining {
                        if interior[t] / total > INTERIOR_FIX_TOLERANCE && !set.contains(&t) {
                            set.push(t);
                        }
                    }
                }
            }
            set
        };
        if to_fix.is_empty() {
            let best = remaining
                .iter()
                .copied()
                .max_by(|&a, &b| solution.y[a].total_cmp(&solution.y[b]).then(b.cmp(&a)))
                .expect("remaining is not empty");
            to_fix.push(best);
        }
        to_fix.sort_unstable();
        for &t in &to_fix {
            fixed[t] = Some(z);
            master.fix(t, z)?;
        }
        let fixed_profiles = fixed.iter().filter(|f| f.is_some()).count();
        watch.send(Progress {
            phase: Phase::Stage(stage),
            panels: master.panels.len(),
            fixed_profiles,
            value: z,
            activity: Activity::Stages,
            done: fixed_profiles,
            total: count,
            fraction: between(FRACTION_POOL, FRACTION_SEARCH, fixed_profiles, count),
            ..watch.last()
        })?;
        if fixed.iter().all(Option::is_some) {
            // Final primal: panel probabilities that meet every fixed probability.
            let final_solution = master.solve(&vec![false; count], watch)?;
            last_lambda = final_solution.lambda;
            break;
        }
    }
    finish(
        &master.panels,
        &last_lambda,
        &sizes,
        unreachable,
        Way::Stages,
        watch,
    )
}
