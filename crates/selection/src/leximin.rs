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

use crate::solver::{PanelOracle, Priced, Reduced, configure};
use crate::watch::Watch;
use crate::{Activity, Algorithm, Phase, Progress, SelectionError, Way};
use highs::{ColProblem, HighsModelStatus, Model, Row, Sense};

const PRICE_TOLERANCE: f64 = 1e-8;
/// Known panels from which the swap heuristic starts in each pricing round.
const HEURISTIC_STARTS: usize = 30;
/// Multiplicative-weights rounds per profile for the initial panel pool.
const POOL_ROUNDS_PER_PROFILE: usize = 2;
/// Swaps per multiplicative-weights round: a few are enough to move away from the last panel, and
/// a full local search (up to `4 k` swaps) made the pool cost more than it saved.
const POOL_SWAPS: usize = 5;
/// Pool panels added to the master per pricing round at most.
const POOL_BATCH: usize = 100;
const FIX_DUAL_TOLERANCE: f64 = 1e-6;
const INTERIOR_PRICE_TOLERANCE: f64 = 1e-7;
/// An interior dual is only approximately optimal, so only clearly positive weights fix a profile.
const INTERIOR_FIX_TOLERANCE: f64 = 1e-4;
/// From this many profiles on, the face walk writes the relaxation's LEXIMIN as a lottery before
/// column generation tries. Measured with revision 5's walk (CPU, LEXIMIN, `gen_pool.py` pools unless named):
/// `sf_fixture_22` (122 profiles) column generation 0.06 s, walk 0.10 s; 200 respondents (158 profiles)
/// 0.15 s and 0.14 s; 300 (231) 1.35 s and 0.37 s; 500 (359 and 362) 10-14 s and 0.6-0.7 s; 800 (411)
/// more than 210 s and 0.5 s.
const WALK_FIRST_PROFILES: usize = 150;
/// The target check succeeds when panels reach this fraction of every relaxed LEXIMIN probability.
const TARGET_TOLERANCE: f64 = 1e-6;

// The share of a run that the progress estimate gives to each step: coverage, the relaxation's levels,
// the panel pool, and then the face walk or column generation up to `FRACTION_SEARCH` (the rest is the
// final distribution).
const FRACTION_COVERAGE: f64 = 0.05;
const FRACTION_LEVELS: f64 = 0.10;
const FRACTION_POOL: f64 = 0.20;
const FRACTION_SEARCH: f64 = 0.98;

/// The estimate `low + (high - low) * done / total`, for progress reports.
pub(crate) fn between(low: f64, high: f64, done: usize, total: usize) -> f64 {
    low + (high - low) * (done.min(total) as f64 / total.max(1) as f64)
}

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

/// The panels found so far, with a sparse copy (the swap search ranks them every round, and a
/// panel has about `k` non-zero counts among thousands of profiles) and an index for lookups.
#[derive(Default)]
struct PanelSet {
    dense: Vec<Vec<u32>>,
    sparse: Vec<Vec<(u32, u32)>>,
    index: std::collections::HashSet<Vec<u32>>,
}

impl PanelSet {
    /// Adds a panel; false if it was already there.
    fn push(&mut self, panel: Vec<u32>) -> bool {
        if self.index.contains(&panel) {
            return false;
        }
        self.sparse.push(
            panel
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c > 0)
                .map(|(t, &c)| (t as u32, c))
                .collect(),
        );
        self.index.insert(panel.clone());
        self.dense.push(panel);
        true
    }

    /// Removes panel `i` (the last panel takes its place) and returns it.
    fn swap_remove(&mut self, i: usize) -> Vec<u32> {
        self.sparse.swap_remove(i);
        let panel = self.dense.swap_remove(i);
        self.index.remove(&panel);
        panel
    }

    fn contains(&self, panel: &[u32]) -> bool {
        self.index.contains(panel)
    }

    fn len(&self) -> usize {
        self.dense.len()
    }

    fn is_empty(&self) -> bool {
        self.dense.is_empty()
    }
}

struct Master {
    model: Option<Model>,
    rows_a: Vec<Row>,
    conv: Row,
    sizes: Vec<f64>,
    target: Vec<f64>,
    panels: PanelSet,
    dual_sign: f64,
}

struct MasterSolution {
    z: f64,
    lambda: Vec<f64>,
    y: Vec<f64>,
    mu: f64,
}

/// Column 0 is `z`; panel columns follow.
const FIRST_PANEL_COL: usize = 1;

/// `target[t]` is the coefficient of `z` in the row of unfixed profile `t`: 1 in the LEXIMIN stages
/// (`p_t >= z`), the relaxation's LEXIMIN probability in the target check (`p_t >= z * target_t`).
fn build_master(
    sizes: &[f64],
    panels: &[Vec<u32>],
    fixed: &[Option<f64>],
    target: &[f64],
) -> (Model, Vec<Row>, Row) {
    let mut problem = ColProblem::default();
    let rows_a: Vec<Row> = fixed
        .iter()
        .map(|f| problem.add_row(f.unwrap_or(0.0)..))
        .collect();
    let conv = problem.add_row(1.0..=1.0);
    problem.add_column(
        -1.0,
        0.0..=1.0,
        rows_a
            .iter()
            .zip(fixed)
            .zip(target)
            .filter(|((_, f), a)| f.is_none() && **a != 0.0)
            .map(|((&row, _), &a)| (row, -a)),
    );
    for panel in panels {
        problem.add_column(0.0, 0.0.., panel_factors(&rows_a, conv, sizes, panel));
    }
    let mut model = problem.optimise(Sense::Minimise);
    configure(&mut model);
    (model, rows_a, conv)
}

fn panel_factors(rows_a: &[Row], conv: Row, sizes: &[f64], panel: &[u32]) -> Vec<(Row, f64)> {
    let mut factors: Vec<(Row, f64)> = panel
        .iter()
        .enumerate()
        .filter(|&(_, &count)| count > 0)
        .map(|(t, &count)| (rows_a[t], count as f64 / sizes[t]))
        .collect();
    factors.push((conv, 1.0));
    factors
}

impl Master {
    fn new(sizes: Vec<f64>, panels: PanelSet, fixed: &[Option<f64>], target: Vec<f64>) -> Master {
        let (mut model, rows_a, conv) = build_master(&sizes, &panels.dense, fixed, &target);
        // Columns are added to an optimal basis, which stays primal feasible: primal simplex from
        // that basis, without presolve (which would discard it), is what makes re-solves cheap.
        model.set_option("presolve", "off");
        model.set_option("simplex_strategy", 4);
        Master {
            model: Some(model),
            rows_a,
            conv,
            sizes,
            target,
            panels,
            dual_sign: 0.0,
        }
    }

    fn add_panel(&mut self, panel: Vec<u32>) {
        let factors = panel_factors(&self.rows_a, self.conv, &self.sizes, &panel);
        if self.panels.push(panel) {
            self.model
                .as_mut()
                .expect("master present")
                .add_col(0.0, 0.0.., factors);
        }
    }

    /// Fixes profile `t` at `probability`: its row loses `z` and gets `probability` as lower
    /// bound. The current solution has the row's activity at least `z = probability`, so the
    /// basis stays primal feasible and the next solve starts from it.
    fn fix(&mut self, profile: usize, probability: f64) -> Result<(), SelectionError> {
        let model = self.model.as_mut().expect("master present");
        // Row `profile` (one row per profile, created first) loses `z` (column 0).
        crate::watch::change_coefficient_and_row_lower(model, profile, 0, 0.0, probability)
    }

    fn solve(
        &mut self,
        unfixed: &[bool],
        watch: &mut Watch<'_>,
    ) -> Result<MasterSolution, SelectionError> {
        let model = self.model.take().expect("master present");
        let solved = watch.solve(model, "master LP")?;
        if solved.status() != HighsModelStatus::Optimal {
            return Err(SelectionError::Solver {
                message: format!("master LP ended with status {:?}", solved.status()),
            });
        }
        let solution = solved.get_solution();
        let count = self.sizes.len();
        let z = solution.columns()[0];
        let lambda = solution.columns()[FIRST_PANEL_COL..].to_vec();
        let duals = solution.dual_rows();
        if self.dual_sign == 0.0 {
            let sum: f64 = (0..count)
                .filter(|&t| unfixed[t])
                .map(|t| duals[t] * self.target[t])
                .sum();
            self.dual_sign = if sum < 0.0 { -1.0 } else { 1.0 };
        }
        let y: Vec<f64> = (0..count)
            .map(|t| (self.dual_sign * duals[t]).max(0.0))
            .collect();
        let mu = self.dual_sign * duals[count];
        self.model = Some(solved.into());
        Ok(MasterSolution { z, lambda, y, mu })
    }

    /// Duals of the current restricted master from an interior-point solve without crossover,
    /// which approximates a strictly complementary dual.
    fn interior_duals(
        &self,
        fixed: &[Option<f64>],
        watch: &mut Watch<'_>,
    ) -> Result<Option<(Vec<f64>, f64)>, SelectionError> {
        let (mut model, ..) = build_master(&self.sizes, &self.panels.dense, fixed, &self.target);
        model.set_option("solver", "ipm");
        model.set_option("run_crossover", "off");
        let solved = match watch.solve(model, "master LP (interior point)") {
            Ok(solved) => solved,
            Err(SelectionError::Cancelled) => return Err(SelectionError::Cancelled),
            Err(_) => return Ok(None),
        };
        if solved.status() != HighsModelStatus::Optimal {
            return Ok(None);
        }
        let duals = solved.get_solution().dual_rows().to_vec();
        let count = self.sizes.len();
        let y = (0..count)
            .map(|t| (self.dual_sign * duals[t]).max(0.0))
            .collect();
        Ok(Some((y, self.dual_sign * duals[count])))
    }
}

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

    // Coverage: find panels until every profile is in one, or provably in none.
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
    let mut fixed = fixed;
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

    let mut master = Master::new(sizes.clone(), panels, &fixed, vec![1.0; count]);
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
        &unreachable,
        Way::Stages,
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

/// The distribution of the master's panels with positive probability, normalised and sorted.
fn finish(
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

/// Where new panels come from: the multiplicative-weights pool, the swap search, the panel MIP.
struct Pricing {
    pool: PanelSet,
    swaps: SwapSearch,
    oracle: PanelOracle,
}

impl Pricing {
    /// Column generation until no panel prices out (proven by the panel problem), or until `z`
    /// reaches its bound 1, or `bound` (an upper bound on `z` known from elsewhere: the relaxation's
    /// first level for MAXIMIN), which no panel can improve. Stage 0 is the target check.
    fn converge(
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

/// LEXIMIN over the LP relaxation of the panel problem (fractional seat counts per profile within
/// the quotas, the panel size and the household rule), one small warm-started LP per level:
/// maximise `z` with `x_t >= s_t z` for unfixed profiles, then fix the profiles with a positive
/// dual weight (at the level in every optimal solution, by complementary slackness) at `z`.
/// Fixing a profile frees its row (its slack column `u_t` gets an infinite upper bound) and puts
/// `s_t z` as the lower bound of `x_t`, so the last basis stays primal feasible.
/// Returns each profile's probability, or `None` when the LP fails (the caller then uses the stages).
pub(crate) fn relaxed_leximin(
    instance: &crate::model::Instance,
    reduced: &Reduced,
    unreachable: &[bool],
    watch: &mut Watch<'_>,
) -> Result<Option<Vec<f64>>, SelectionError> {
    let count = reduced.profiles.len();
    let sizes: Vec<f64> = reduced
        .profiles
        .iter()
        .map(|p| p.members.len() as f64)
        .collect();
    let (mut problem, x) = crate::solver::panel_problem(instance, reduced, false);
    let z = problem.add_column(1.0, 0.0..=1.0);
    let slack: Vec<highs::Col> = (0..count)
        .map(|_| problem.add_column(0.0, 0.0..=0.0))
        .collect();
    for t in 0..count {
        problem.add_row(0.0.., [(x[t], 1.0), (z, -sizes[t]), (slack[t], 1.0)]);
    }
    let mut model = problem.optimise(Sense::Maximise);
    configure(&mut model);
    model.set_option("presolve", "off");
    model.set_option("simplex_strategy", 4);
    let first_profile_row = model.num_rows() - count;
    let mut target: Vec<Option<f64>> = (0..count)
        .map(|t| if unreachable[t] { Some(0.0) } else { None })
        .collect();
    for t in 0..count {
        if unreachable[t] {
            model.change_column_bounds(x[t], 0.0..=0.0);
            model.change_column_bounds(slack[t], 0.0..);
        }
    }
    while target.iter().any(Option::is_none) {
        let solved = match watch.solve(model, "relaxation LP") {
            Ok(solved) => solved,
            Err(SelectionError::Cancelled) => return Err(SelectionError::Cancelled),
            Err(_) => return Ok(None),
        };
        if solved.status() != HighsModelStatus::Optimal {
            return Ok(None);
        }
        let solution = solved.get_solution();
        let level = solution.columns()[z.index()];
        let duals = solution.dual_rows();
        let to_fix: Vec<usize> = (0..count)
            .filter(|&t| {
                target[t].is_none()
                    && (level >= 1.0 - 1e-9
                        || duals[first_profile_row + t].abs() > FIX_DUAL_TOLERANCE)
            })
            .collect();
        model = solved.into();
        if to_fix.is_empty() {
            return Ok(None);
        }
        for t in to_fix {
            target[t] = Some(level);
            model.change_column_bounds(slack[t], 0.0..);
            model.change_column_bounds(x[t], (sizes[t] * level).min(sizes[t])..=sizes[t]);
        }
        let done = target.iter().filter(|t| t.is_some()).count();
        watch.send(Progress {
            activity: Activity::RelaxationLevels,
            done,
            total: count,
            fraction: between(FRACTION_COVERAGE, FRACTION_LEVELS, done, count),
            ..watch.last()
        })?;
    }
    Ok(Some(target.into_iter().map(|t| t.unwrap_or(0.0)).collect()))
}

/// Multiplicative weights (as in Flanigan et al.'s initial committees, with a few swaps of the
/// local search in place of the MIP): each round moves the last panel towards the heaviest members
/// by per-member weight, then lowers the weight of its members, so that the panels spread over the
/// pool the way a fair distribution does. Returns the new panels (none already in `known`).
/// The watch hears the pool's size every [`POOL_REPORT_ROUNDS`] rounds and may cancel.
fn multiplicative_weights(
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

/// Local search for pricing: from a feasible panel, repeatedly swap one seat from one profile to
/// another while that keeps every quota and the household rule and increases the weight.
struct SwapSearch {
    values: Vec<Vec<usize>>,
    sizes: Vec<u32>,
    low: Vec<Vec<i64>>,
    high: Vec<Vec<i64>>,
    group_of: Vec<Option<usize>>,
    groups: usize,
}

impl SwapSearch {
    fn new(instance: &crate::model::Instance, reduced: &Reduced) -> SwapSearch {
        let mut low = Vec::new();
        let mut high = Vec::new();
        for (f, feature) in instance.features.iter().enumerate() {
            low.push(
                feature
                    .quotas
                    .iter()
                    .enumerate()
                    .map(|(v, q)| q.min as i64 - reduced.already_counts[f][v] as i64)
                    .collect(),
            );
            high.push(
                feature
                    .quotas
                    .iter()
                    .enumerate()
                    .map(|(v, q)| q.max as i64 - reduced.already_counts[f][v] as i64)
                    .collect(),
            );
        }
        let mut group_of = vec![None; reduced.profiles.len()];
        for (g, group) in reduced.households.iter().enumerate() {
            for &t in group {
                group_of[t] = Some(g);
            }
        }
        SwapSearch {
            values: reduced.profiles.iter().map(|p| p.values.clone()).collect(),
            sizes: reduced
                .profiles
                .iter()
                .map(|p| p.members.len() as u32)
                .collect(),
            low,
            high,
            group_of,
            groups: reduced.households.len(),
        }
    }

    /// Up to `starts` distinct new panels with weight above `threshold`, each the local optimum
    /// reached from one of the best known panels.
    fn violating_panels(
        &self,
        known: &PanelSet,
        weights: &[f64],
        threshold: f64,
        starts: usize,
        watch: &mut Watch<'_>,
    ) -> Result<Vec<Vec<u32>>, SelectionError> {
        let value =
            |panel: &[u32]| -> f64 { panel.iter().zip(weights).map(|(&c, &w)| c as f64 * w).sum() };
        let sparse_value = |panel: &[(u32, u32)]| -> f64 {
            panel
                .iter()
                .map(|&(t, c)| c as f64 * weights[t as usize])
                .sum()
        };
        let mut ranked: Vec<(f64, usize)> = known
            .sparse
            .iter()
            .enumerate()
            .map(|(i, p)| (sparse_value(p), i))
            .collect();
        let starts = starts.min(ranked.len());
        if starts < ranked.len() {
            ranked.select_nth_unstable_by(starts, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            ranked.truncate(starts);
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        // Profiles by decreasing weight: a swap only helps towards a heavier profile, so each scan
        // stops as soon as the gain can no longer beat the best one found.
        let mut by_weight: Vec<usize> = (0..weights.len()).collect();
        by_weight.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
        let mut found: Vec<Vec<u32>> = Vec::new();
        for &(_, start) in &ranked {
            // On pools of 10,000 one round of starts takes seconds: a cancel is heard between two starts.
            watch.check()?;
            let panel = self.improve(&known.dense[start], weights, &by_weight, usize::MAX);
            if value(&panel) > threshold && !known.contains(&panel) && !found.contains(&panel) {
                found.push(panel);
            }
        }
        Ok(found)
    }

    /// Best-improvement swaps from `start`, at most `max_swaps` of them (and at most `4 k`).
    fn improve(
        &self,
        start: &[u32],
        weights: &[f64],
        by_weight: &[usize],
        max_swaps: usize,
    ) -> Vec<u32> {
        let mut panel = start.to_vec();
        let mut totals: Vec<Vec<i64>> = self.low.iter().map(|l| vec![0; l.len()]).collect();
        let mut used = vec![0u32; self.groups];
        for (t, &c) in panel.iter().enumerate() {
            for (f, &v) in self.values[t].iter().enumerate() {
                totals[f][v] += c as i64;
            }
            if let Some(g) = self.group_of[t] {
                used[g] += c;
            }
        }
        let mut support: Vec<usize> = (0..panel.len()).filter(|&t| panel[t] > 0).collect();
        let heaviest = by_weight.first().map_or(0.0, |&t| weights[t]);
        for _ in 0..max_swaps.min(4 * support.len().max(1)) {
            // Lightest seats first: they can gain the most, so the best swap is found early and
            // the scans from heavier seats stop at once.
            support.retain(|&t| panel[t] > 0);
            support.sort_by(|&a, &b| weights[a].total_cmp(&weights[b]).then(a.cmp(&b)));
            // Which values may lose or gain a seat without breaking a quota.
            let can_lose: Vec<Vec<bool>> = totals
                .iter()
                .zip(&self.low)
                .map(|(t, l)| t.iter().zip(l).map(|(&t, &l)| t > l).collect())
                .collect();
            let can_gain: Vec<Vec<bool>> = totals
                .iter()
                .zip(&self.high)
                .map(|(t, h)| t.iter().zip(h).map(|(&t, &h)| t < h).collect())
                .collect();
            let mut best: Option<(f64, usize, usize)> = None;
            for &a in &support {
                if best.is_some_and(|(g, _, _)| heaviest - weights[a] <= g) {
                    break;
                }
                for &b in by_weight {
                    let gain = weights[b] - weights[a];
                    if gain <= 1e-12 || best.is_some_and(|(g, _, _)| gain <= g) {
                        break;
                    }
                    if b == a || panel[b] >= self.sizes[b] {
                        continue;
                    }
                    if let Some(g) = self.group_of[b]
                        && used[g] >= 1
                        && self.group_of[a] != Some(g)
                    {
                        continue;
                    }
                    let fits = self.values[a]
                        .iter()
                        .zip(&self.values[b])
                        .zip(&can_lose)
                        .zip(&can_gain)
                        .all(|(((&va, &vb), lose), gain)| va == vb || (lose[va] && gain[vb]));
                    if fits {
                        best = Some((gain, a, b));
                        break;
                    }
                }
            }
            let Some((_, a, b)) = best else { break };
            panel[a] -= 1;
            panel[b] += 1;
            if panel[b] == 1 {
                support.push(b);
            }
            for f in 0..self.values[a].len() {
                totals[f][self.values[a][f]] -= 1;
                totals[f][self.values[b][f]] += 1;
            }
            if let Some(g) = self.group_of[a] {
                used[g] -= 1;
            }
            if let Some(g) = self.group_of[b] {
                used[g] += 1;
            }
        }
        panel
    }
}
