//! MAXIMIN and LEXIMIN by column generation over profile panels (Flanigan et al., Nature 2021).
//!
//! The master LP (minimisation form, one warm-started HiGHS model for the whole run) has one row
//! per profile and the convexity row:
//!
//! ```text
//! min -z   s.t.  sum_P lambda_P * c_{P,t}/s_t - z >= 0     (unfixed profile t, dual y_t)
//!                sum_P lambda_P * c_{P,t}/s_t     >= p_t   (profile t fixed at p_t, dual y_t)
//!                sum_P lambda_P = 1                         (row conv, dual mu)
//!                lambda >= 0, 0 <= z <= 1
//! ```
//!
//! Fixing a profile at the stage value `p = z` removes `z` from its row (one coefficient, changed
//! through the HiGHS C API, which the `highs` crate does not wrap) and sets the row's lower bound
//! to `p`. The current solution stays feasible, so HiGHS re-solves with primal simplex from the
//! same basis (presolve off). An earlier formulation kept two rows per profile so that fixing was
//! a bound change only; one row per profile halves the basis that every solve factorises.
//!
//! Pricing: a panel `P` prices out when `sum_t y_t c_{P,t}/s_t + mu <= 0`. A swap local search
//! from the best known panels proposes violating panels first; only when it finds none is the
//! panel problem (weights `y_t / s_t`) solved exactly: its LP relaxation first (a bound below the
//! threshold proves convergence; an integral optimum is exact), the MIP only when that is not enough.
//! The initial coverage (a panel for every profile) uses the same swaps towards uncovered profiles
//! first, and the MIP only when they reach no new profile, which then proves the rest unreachable.
//!
//! Pool: before the first master LP, multiplicative weights (each round: a few swaps from the last
//! panel towards the heaviest members, then lower its members' weights) build a pool of diverse
//! panels, as Flanigan et al.'s initial committees do with a MIP per round. Pricing takes the pool's
//! most violating panels before anything else. Adding the pool at once made the first (cold) master
//! LP far slower on large pools than feeding it in batches of violating panels.
//!
//! Fixing: when a stage has converged, the profiles with a positive dual weight in an optimal dual
//! are at the stage value in every optimal solution (complementary slackness), so they are fixed.
//! A simplex (vertex) dual always fixes at least one profile but may miss some; then the next
//! stage has the same value, and from that point on an interior-point dual (no crossover), which
//! is close to strictly complementary, is used as well. An interior dual of the *restricted* master
//! is only trusted after the MIP confirms that it prices out every panel.
//!
//! Modules: `master` (the master LP and its panels), `pricing` (coverage, the panel pool, column generation),
//! `swaps` (the local search), `relaxation` (the relaxation's LEXIMIN), `stages` (the stage-by-stage search),
//! `outcome` (the distribution), `params` (tuning constants and progress shares); the face walk is `decompose`.

mod master;
mod outcome;
mod params;
mod pricing;
mod relaxation;
mod stages;
mod swaps;

use crate::solver::{PanelOracle, Reduced};
use crate::watch::Watch;
use crate::{Algorithm, Progress, SelectionError, Way};
use master::{Master, PanelSet};
pub(crate) use outcome::ProfileDistribution;
use outcome::finish;
use params::{POOL_ROUNDS_PER_PROFILE, TARGET_TOLERANCE, WALK_FIRST_PROFILES};
use pricing::{Pricing, cover, multiplicative_weights};
pub(crate) use relaxation::relaxed_leximin;
use stages::stages;
use swaps::SwapSearch;

/// Runs MAXIMIN or LEXIMIN on the reduced problem.
///
/// Both start alike: coverage, the LEXIMIN of the LP relaxation (an upper bound in the leximin order; its
/// first level bounds the MAXIMIN value), and on large pools the face walk, whose lottery, when it is found,
/// is the LEXIMIN and therefore also a MAXIMIN optimum. MAXIMIN then needs one stage of column generation,
/// stopped as soon as it reaches the relaxation's first level; LEXIMIN tries column generation towards the
/// relaxation's LEXIMIN, then the stages.
pub(crate) fn solve(
    instance: &crate::model::Instance,
    reduced: &Reduced,
    algorithm: Algorithm,
    watch: &mut Watch<'_>,
) -> Result<ProfileDistribution, SelectionError> {
    let count = reduced.profiles.len();
    let sizes: Vec<f64> = reduced
        .profiles
        .iter()
        .map(|profile| profile.members.len() as f64)
        .collect();
    let mut oracle = PanelOracle::new(instance, reduced);
    let swaps = SwapSearch::new(instance, reduced);
    watch.send(Progress::start(count))?;

    // On large pools, the face walk first, without the coverage: the relaxation's LEXIMIN gives 0 exactly to
    // the profiles that no point of the relaxation seats (were one seated somewhere, mixing in a little of
    // that point would raise the lowest level), and these are in no panel either; every other profile gets a
    // positive target, which a lottery that reaches it seats. So a lottery the walk finds is the LEXIMIN with
    // the right unreachable profiles, and the coverage (panels for every profile, the proof that the rest are
    // in none) is only needed when the walk fails.
    let mut walked_without_coverage = false;
    if count >= WALK_FIRST_PROFILES {
        let none = vec![false; count];
        if let Some(target) = relaxed_leximin(instance, reduced, &none, watch)? {
            walked_without_coverage = true;
            let unreachable: Vec<bool> = target.iter().map(|&p| p <= 1e-12).collect();
            if let Some(distribution) =
                walk(&target, &sizes, &unreachable, instance, reduced, watch)?
            {
                return Ok(distribution);
            }
        }
    }

    let (mut panels, unreachable) = cover(count, &swaps, &mut oracle, watch)?;

    let fixed: Vec<Option<f64>> = (0..count)
        .map(|t| if unreachable[t] { Some(0.0) } else { None })
        .collect();
    // LEXIMIN over the LP relaxation of the panel polytope is cheap (one small LP per level) and is
    // at least as good, in the leximin order, as anything panels can achieve. When panels can
    // achieve it, it *is* the LEXIMIN (and so a MAXIMIN optimum): the face walk (`decompose`, on large
    // pools) or one column generation that reaches `z = 1` in `p_t >= z * target_t` finds the lottery,
    // and the stage-by-stage search is skipped. Column generation that converges below 1 proves that
    // panels cannot reach the target.
    let target = relaxed_leximin(instance, reduced, &unreachable, watch)?;
    // The walk again only when the coverage found profiles in no panel that the walk above gave a target.
    let walk_again = !walked_without_coverage || unreachable.contains(&true);
    if let Some(target) = target
        .as_ref()
        .filter(|_| count >= WALK_FIRST_PROFILES && walk_again)
        && let Some(distribution) = walk(target, &sizes, &unreachable, instance, reduced, watch)?
    {
        return Ok(distribution);
    }
    // MAXIMIN's value is at most the relaxation's first level: once column generation reaches it, the
    // distribution is optimal without a proof by the panel problem.
    let maximin_bound = target.as_ref().map(|target| {
        (0..count)
            .filter(|&t| !unreachable[t])
            .map(|t| target[t])
            .fold(1.0, f64::min)
    });
    // A pool of diverse panels from multiplicative weights: pricing takes its most violated
    // panels first, so the master starts close to the first stage's optimum without the many small
    // column-generation rounds that a cold start needs.
    let pool = multiplicative_weights(
        &swaps,
        &panels,
        &sizes,
        &unreachable,
        POOL_ROUNDS_PER_PROFILE * count,
        watch,
    )?;
    let mut pricing = Pricing {
        pool,
        swaps,
        oracle,
    };
    if let Some(target) = target.filter(|_| algorithm == Algorithm::Leximin) {
        let mut master = Master::new(sizes.clone(), panels, &fixed, target);
        let unfixed: Vec<bool> = fixed.iter().map(Option::is_none).collect();
        let solution = pricing.converge(&mut master, &unfixed, &fixed, 0, None, watch)?;
        if solution.z >= 1.0 - TARGET_TOLERANCE {
            return finish(
                &master.panels,
                &solution.lambda,
                &sizes,
                &unreachable,
                Way::TargetColumnGeneration,
                watch,
            );
        }
        // Some target is out of reach of panels: the stages below, with every panel found so far.
        panels = std::mem::take(&mut master.panels);
    }

    let master = Master::new(sizes.clone(), panels, &fixed, vec![1.0; count]);
    stages(
        algorithm,
        master,
        fixed,
        &unreachable,
        maximin_bound,
        &mut pricing,
        watch,
    )
}

/// The face walk towards the relaxation's LEXIMIN `target` (probabilities per profile): the distribution, or
/// `None` when the walk finds no lottery that reaches it.
fn walk(
    target: &[f64],
    sizes: &[f64],
    unreachable: &[bool],
    instance: &crate::model::Instance,
    reduced: &Reduced,
    watch: &mut Watch<'_>,
) -> Result<Option<ProfileDistribution>, SelectionError> {
    let counts: Vec<f64> = target.iter().zip(sizes).map(|(p, s)| p * s).collect();
    let Some(lottery) = crate::decompose::decompose(instance, reduced, &counts, watch)? else {
        return Ok(None);
    };
    let mut set = PanelSet::default();
    let mut lambda = Vec::new();
    for (panel, probability) in lottery {
        set.push(panel);
        lambda.push(probability);
    }
    finish(&set, &lambda, sizes, unreachable, Way::FaceWalk, watch).map(Some)
}
