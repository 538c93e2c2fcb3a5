//! Writing a target point as a lottery over panels, by walking down the faces of the relaxation.
//!
//! The relaxation `Q` of the panel problem is the set of fractional seat counts per profile that
//! meet the panel size, the quotas, the household rule and `0 <= x_t <= s_t`. Given a target `x`
//! in `Q` (the relaxation's LEXIMIN, as counts), each step
//!
//! 1. takes the constraints of `Q` that are tight at `x`: every panel in a lottery that averages to
//!    `x` must meet them with equality too (a panel's count cannot exceed a bound that the average
//!    already reaches), so they are equalities for the next panel;
//! 2. finds a panel `P` in that face (its objective favours the profiles that `x` seats most, so
//!    that `P` is close to `x` and the step long): the face LP's vertex when it is integral, else
//!    the MIP of a small neighbourhood of that vertex (its fractional counts and the free counts
//!    with the smallest reduced costs), larger neighbourhoods, and last the MIP of the whole face;
//! 3. moves away from `P` for as long as the rest stays in `Q`: `x = theta P + (1 - theta) x'`
//!    with the largest `theta <= 1` (a ratio test over every constraint); `x'` is tight on one
//!    more constraint, so the face shrinks at every step and the walk ends within
//!    (number of profiles + 1) steps, like Caratheodory's theorem. In practice it ends sooner: each
//!    step takes a share `theta` of about a tenth of what is left, which is below 1e-11 (rounding
//!    error, checked below) after a few hundred steps.
//!
//! When panels can reach the target (it lies in their convex hull, not just in `Q`), the walk
//! usually ends with the exact lottery in a few hundred LPs and MIPs of milliseconds, much faster than column
//! generation, whose master LP must represent the target exactly. It can fail where `Q` is larger
//! than the hull of the panels (a face with no panel, or too many steps); the caller then uses column
//! generation. Success is checked, not assumed: every panel is re-checked in integers, and the
//! lottery must average to the target.

use crate::model::Instance;
use crate::solver::{Reduced, configure};
use crate::watch::{Batch, Watch};
use crate::{Activity, Phase, Progress, SelectionError};
use highs::{HighsModelStatus, Model, RowProblem, Sense};

/// A linear constraint `low <= sum of x over profiles <= high` of the relaxation.
struct Constraint {
    profiles: Vec<usize>,
    low: f64,
    high: f64,
}

/// Panels (counts per profile) with their probabilities.
pub(crate) type PanelLottery = Vec<(Vec<u32>, f64)>;

/// A count within this distance of a bound is at the bound.
const TIGHT: f64 = 1e-9;
/// The lottery must average to the target within this, per person probability.
const ACCURACY: f64 = 1e-9;
/// What is left of the walk below which it may be given to the last panel when no next step is found: it
/// moves no probability by more than this, a tenth of [`ACCURACY`].
const NEGLIGIBLE: f64 = 1e-10;

/// The panels (counts per profile) and their probabilities whose average is `target` (counts per
/// profile, in the relaxation), or `None` when the walk finds no such lottery.
pub(crate) fn decompose(
    instance: &Instance,
    reduced: &Reduced,
    target: &[f64],
    watch: &mut Watch<'_>,
) -> Result<Option<PanelLottery>, SelectionError> {
    let count = reduced.profiles.len();
    let sizes: Vec<u32> = reduced
        .profiles
        .iter()
        .map(|p| p.members.len() as u32)
        .collect();
    let seats = reduced.seats as f64;
    let mut constraints = Vec::new();
    for (f, feature) in instance.features.iter().enumerate() {
        for (v, quota) in feature.quotas.iter().enumerate() {
            let already = reduced.already_counts[f][v] as f64;
            let profiles: Vec<usize> = (0..count)
                .filter(|&t| reduced.profiles[t].values[f] == v)
                .collect();
            constraints.push(Constraint {
                profiles,
                low: quota.min as f64 - already,
                high: quota.max as f64 - already,
            });
        }
    }
    for group in &reduced.households {
        constraints.push(Constraint {
            profiles: group.clone(),
            low: f64::NEG_INFINITY,
            high: 1.0,
        });
    }

    let mut x = target.to_vec();
    let mut face_lp = FaceLp::new(&x, &sizes, seats, &constraints);
    let mut mass = 1.0;
    let mut lottery: Vec<(Vec<u32>, f64)> = Vec::new();
    let started = watch.last().fraction;
    for step in 0..count + 2 {
        // Progress: the steps left are about the dimension of the current face (its free counts minus
        // its tight constraints), which every step lowers by at least one.
        let left = face_dimension(&x, &sizes, &constraints) + 1;
        watch.send(Progress {
            phase: Phase::Stage(1),
            panels: step,
            activity: Activity::FaceWalk,
            done: step,
            total: step + left,
            fraction: started + (WALK_FRACTION_END - started) * step as f64 / (step + left) as f64,
            ..watch.last()
        })?;
        let found = panel_in_face(&mut face_lp, &x, &sizes, seats, &constraints, watch)?
            .filter(|panel| meets_everything(panel, &sizes, reduced.seats, &constraints));
        let Some(panel) = found else {
            // At the very end of a long walk, x' has been divided by what is left so many times that its
            // rounding errors can put it just outside Q (seen on a pool of 5,000 at step 399, with 1.1e-11
            // left). What is left is then too little to matter: it goes to the last panel, and the check
            // in `finish` decides.
            if mass <= NEGLIGIBLE
                && let Some(last) = lottery.last_mut()
            {
                last.1 += mass;
                return Ok(finish(lottery, target, &sizes));
            }
            return Ok(None);
        };
        // The longest step away from the panel that keeps x' = (x - theta P) / (1 - theta) in Q:
        // for `a.y >= l`, theta (a.P - l) <= a.x - l; for `a.y <= h`, theta (h - a.P) <= h - a.x.
        let mut theta: f64 = 1.0;
        let mut limit = |slack_x: f64, slack_p: f64| {
            if slack_p > TIGHT {
                theta = theta.min(slack_x.max(0.0) / slack_p);
            }
        };
        for t in 0..count {
            let p = panel[t] as f64;
            limit(x[t], p);
            limit(sizes[t] as f64 - x[t], sizes[t] as f64 - p);
        }
        for c in &constraints {
            let ax: f64 = c.profiles.iter().map(|&t| x[t]).sum();
            let ap: f64 = c.profiles.iter().map(|&t| panel[t] as f64).sum();
            if c.low.is_finite() {
                limit(ax - c.low, ap - c.low);
            }
            limit(c.high - ax, c.high - ap);
        }
        // A remainder this small is rounding error: the accuracy check below decides.
        if theta >= 1.0 - 1e-12 || mass * (1.0 - theta) <= 1e-11 {
            lottery.push((panel, mass));
            return Ok(finish(lottery, target, &sizes));
        }
        if theta <= 1e-12 {
            if mass <= NEGLIGIBLE
                && let Some(last) = lottery.last_mut()
            {
                last.1 += mass;
                return Ok(finish(lottery, target, &sizes));
            }
            return Ok(None);
        }
        lottery.push((panel.clone(), mass * theta));
        mass *= 1.0 - theta;
        for t in 0..count {
            x[t] = (x[t] - theta * panel[t] as f64) / (1.0 - theta);
            // Snap to the bounds, so that tightness does not drift.
            if x[t].abs() <= TIGHT {
                x[t] = 0.0;
            } else if (x[t] - sizes[t] as f64).abs() <= TIGHT {
                x[t] = sizes[t] as f64;
            }
        }
    }
    Ok(None)
}

/// Where the progress estimate stands when the walk ends.
const WALK_FRACTION_END: f64 = 0.98;

/// The free counts of `x` (strictly between their bounds) minus the constraints tight at `x`: about the
/// dimension of the smallest face of `Q` that holds `x`.
fn face_dimension(x: &[f64], sizes: &[u32], constraints: &[Constraint]) -> usize {
    let free = x
        .iter()
        .zip(sizes)
        .filter(|&(&v, &s)| v > TIGHT && v < s as f64 - TIGHT)
        .count();
    let tight = constraints
        .iter()
        .filter(|c| {
            let ax: f64 = c.profiles.iter().map(|&t| x[t]).sum();
            let has_free = c
                .profiles
                .iter()
                .any(|&t| x[t] > TIGHT && x[t] < sizes[t] as f64 - TIGHT);
            has_free && ((c.low.is_finite() && ax <= c.low + TIGHT) || ax >= c.high - TIGHT)
        })
        .count();
    // The panel size is one more equality.
    free.saturating_sub(tight + 1)
}

/// The lottery (merged, sorted by panel), if it averages to the target.
fn finish(mut lottery: PanelLottery, target: &[f64], sizes: &[u32]) -> Option<PanelLottery> {
    lottery.sort_by(|a, b| a.0.cmp(&b.0));
    lottery.dedup_by(|later, earlier| {
        if later.0 == earlier.0 {
            earlier.1 += later.1;
            true
        } else {
            false
        }
    });
    let total: f64 = lottery.iter().map(|(_, p)| p).sum();
    for (t, &want) in target.iter().enumerate() {
        let got: f64 = lottery
            .iter()
            .map(|(panel, p)| p * panel[t] as f64)
            .sum::<f64>()
            / total;
        if (got - want).abs() / sizes[t] as f64 > ACCURACY {
            return None;
        }
    }
    for entry in &mut lottery {
        entry.1 /= total;
    }
    Some(lottery)
}

/// Integer check of a panel: size, bounds, quotas, households.
fn meets_everything(
    panel: &[u32],
    sizes: &[u32],
    seats: usize,
    constraints: &[Constraint],
) -> bool {
    panel.iter().map(|&c| c as usize).sum::<usize>() == seats
        && panel.iter().zip(sizes).all(|(c, s)| c <= s)
        && constraints.iter().all(|c| {
            let n: f64 = c.profiles.iter().map(|&t| panel[t] as f64).sum();
            n >= c.low && n <= c.high
        })
}

/// A panel on the minimal face of `Q` that holds `x` (every constraint tight at `x` becomes an
/// equality), the one that maximises the seats weighted by `x_t / s_t`; `None` if there is none.
fn panel_in_face(
    face_lp: &mut FaceLp,
    x: &[f64],
    sizes: &[u32],
    seats: f64,
    constraints: &[Constraint],
    watch: &mut Watch<'_>,
) -> Result<Option<Vec<u32>>, SelectionError> {
    // The LP first: its optimal vertex is sometimes integral, and then it is a panel.
    let Some(Vertex {
        values: vertex,
        reduced_costs,
    }) = face_lp.solve(x, sizes, constraints, watch)?
    else {
        return Ok(None);
    };
    // A panel within 5% of the LP's bound is good enough (the objective only makes the step long): the MIPs
    // stop as soon as they find one, usually at their root, before cutting planes.
    let bound: f64 = vertex
        .iter()
        .zip(x.iter().zip(sizes))
        .map(|(&v, (&value, &size))| v * weight(value, size))
        .sum();
    let good_enough = bound - GAP * bound.abs();
    let fractional: Vec<bool> = vertex
        .iter()
        .map(|&v| (v - v.round()).abs() > 1e-9)
        .collect();
    if !fractional.contains(&true) {
        return Ok(Some(
            vertex.iter().map(|&v| v.round().max(0.0) as u32).collect(),
        ));
    }
    // Then the MIP of a neighbourhood of the LP's vertex: the fractional counts (at most one per tight
    // row) and the `open` free counts of the face with the smallest reduced costs (those the LP can move
    // at the least loss) keep the bounds of the face, every other count is fixed at its integral LP value.
    // Such a MIP has a few dozen free integers and takes milliseconds, and its optimum is within a fraction
    // of a percent of the LP's bound; only when none of the `NEIGHBOURHOODS` holds a panel does the MIP of the
    // whole face run. Any panel they find is in the face, which is all the walk needs.
    let mut candidates: Vec<usize> = (0..x.len())
        .filter(|&t| !fractional[t] && x[t] > TIGHT && x[t] < sizes[t] as f64 - TIGHT)
        .collect();
    candidates.sort_by(|&a, &b| {
        reduced_costs[a]
            .abs()
            .total_cmp(&reduced_costs[b].abs())
            .then(a.cmp(&b))
    });
    for open in NEIGHBOURHOODS {
        let mut free = fractional.clone();
        for &t in candidates.iter().take(open) {
            free[t] = true;
        }
        if let Some(panel) = neighbourhood_mip(
            x,
            sizes,
            seats,
            constraints,
            (&vertex, &free),
            good_enough,
            watch,
        )? {
            return Ok(Some(panel));
        }
        if open >= candidates.len() {
            break;
        }
    }
    face_mip(x, sizes, seats, constraints, good_enough, watch)
}

/// The relative gap to the face LP's bound at which a MIP's panel is taken.
const GAP: f64 = 0.05;

/// How many integral counts of the face LP's vertex the neighbourhood MIPs leave free, one neighbourhood after
/// the other (chosen on the sweep's pools of 2,000: with 40 the first neighbourhood holds a panel in nearly every
/// step; the MIP of the whole face, with 700-1,100 free counts, takes 25-130 ms and the neighbourhood's 5-15).
const NEIGHBOURHOODS: [usize; 3] = [40, 200, 1000];

/// The best panel (within 5%) of the face's neighbourhood around `vertex`: the counts marked `free` keep the
/// bounds of the face, every other count is fixed at its value in `vertex` (integral there). Only the free
/// counts enter the MIP, with the rows' bounds less the fixed counts, so that it stays small on large pools.
fn neighbourhood_mip(
    x: &[f64],
    sizes: &[u32],
    seats: f64,
    constraints: &[Constraint],
    (vertex, free): (&[f64], &[bool]),
    good_enough: f64,
    watch: &mut Watch<'_>,
) -> Result<Option<Vec<u32>>, SelectionError> {
    let mut panel: Vec<u32> = vertex.iter().map(|&v| v.round().max(0.0) as u32).collect();
    let mut problem = RowProblem::default();
    let mut columns: Vec<Option<highs::Col>> = vec![None; x.len()];
    let mut open = Vec::new();
    for t in 0..x.len() {
        if free[t] {
            let (low, high) = column_bounds(x[t], sizes[t]);
            columns[t] = Some(problem.add_integer_column(weight(x[t], sizes[t]), low..=high));
            open.push(t);
        }
    }
    let fixed_seats: f64 = (0..x.len())
        .filter(|&t| !free[t])
        .map(|t| panel[t] as f64)
        .sum();
    problem.add_row(
        seats - fixed_seats..=seats - fixed_seats,
        columns.iter().flatten().map(|&col| (col, 1.0)),
    );
    for c in constraints {
        let factors: Vec<(highs::Col, f64)> = c
            .profiles
            .iter()
            .filter_map(|&t| columns[t].map(|col| (col, 1.0)))
            .collect();
        // A row of fixed counts only holds at the vertex, which meets every row of the face.
        if factors.is_empty() {
            continue;
        }
        let fixed: f64 = c
            .profiles
            .iter()
            .filter(|&&t| !free[t])
            .map(|&t| panel[t] as f64)
            .sum();
        let (low, high) = row_bounds(c, x);
        problem.add_row(low - fixed..=high - fixed, factors);
    }
    let fixed_value: f64 = (0..x.len())
        .filter(|&t| !free[t])
        .map(|t| panel[t] as f64 * weight(x[t], sizes[t]))
        .sum();
    let mut model = problem.optimise(Sense::Maximise);
    configure(&mut model);
    model.set_option("mip_rel_gap", GAP);
    model.set_option("objective_target", good_enough - fixed_value);
    model.set_option("mip_heuristic_run_feasibility_jump", false);
    let solved = watch.solve(model, "neighbourhood MIP")?;
    match solved.status() {
        HighsModelStatus::Optimal | HighsModelStatus::ObjectiveTarget => {
            let solution = solved.get_solution();
            for (&t, &value) in open.iter().zip(solution.columns()) {
                panel[t] = value.round().max(0.0) as u32;
            }
            Ok(Some(panel))
        }
        HighsModelStatus::Infeasible => Ok(None),
        other => Err(SelectionError::Solver {
            message: format!("neighbourhood MIP ended with status {other:?}"),
        }),
    }
}

/// The best panel of the whole face (within 5%).
fn face_mip(
    x: &[f64],
    sizes: &[u32],
    seats: f64,
    constraints: &[Constraint],
    good_enough: f64,
    watch: &mut Watch<'_>,
) -> Result<Option<Vec<u32>>, SelectionError> {
    let mut model = face_problem(x, sizes, seats, constraints, true)
        .0
        .optimise(Sense::Maximise);
    configure(&mut model);
    // Any panel in the face will do; the objective only lengthens the step (and a poor panel can
    // lead the walk out of the panels' hull, so the first one found is not kept without a bound).
    // Measured on the sweep's pools of 2,000 (walks of about 280 steps): a gap of 5% instead of 1% cut
    // the time of a whole-face MIP by a third with the same lottery size and no failed walk, and a larger
    // gap changed nothing more; the feasibility-jump heuristic cost 15% and never decided a result.
    model.set_option("mip_rel_gap", GAP);
    model.set_option("objective_target", good_enough);
    model.set_option("mip_heuristic_run_feasibility_jump", false);
    // HiGHS's presolve cost 15% of the whole face's MIP (clique extraction over the quota rows) and gained
    // nothing.
    model.set_option("presolve", "off");
    let solved = watch.solve(model, "face MIP")?;
    match solved.status() {
        HighsModelStatus::Optimal | HighsModelStatus::ObjectiveTarget => Ok(Some(
            solved
                .get_solution()
                .columns()
                .iter()
                .map(|&v| v.round().max(0.0) as u32)
                .collect(),
        )),
        HighsModelStatus::Infeasible => Ok(None),
        other => Err(SelectionError::Solver {
            message: format!("face MIP ended with status {other:?}"),
        }),
    }
}

/// The LP of the face, one HiGHS model for the whole walk: each step changes only the bounds of the counts
/// and rows that became tight and the costs, and HiGHS starts from the last optimal basis (presolve off,
/// which would discard it) instead of from scratch.
struct FaceLp {
    model: Option<Model>,
    columns: Vec<Bounds>,
    rows: Vec<Bounds>,
}

/// An optimal vertex of the face LP: the counts and their reduced costs.
struct Vertex {
    values: Vec<f64>,
    reduced_costs: Vec<f64>,
}

/// Lower and upper bound of a count or a row.
type Bounds = (f64, f64);

impl FaceLp {
    fn new(x: &[f64], sizes: &[u32], seats: f64, constraints: &[Constraint]) -> FaceLp {
        let (problem, _) = face_problem(x, sizes, seats, constraints, false);
        let mut model = problem.optimise(Sense::Maximise);
        configure(&mut model);
        model.set_option("presolve", "off");
        FaceLp {
            model: Some(model),
            columns: x
                .iter()
                .zip(sizes)
                .map(|(&value, &size)| column_bounds(value, size))
                .collect(),
            rows: constraints.iter().map(|c| row_bounds(c, x)).collect(),
        }
    }

    /// The optimal vertex of the face of `x` and its reduced costs, `None` if the face is empty.
    fn solve(
        &mut self,
        x: &[f64],
        sizes: &[u32],
        constraints: &[Constraint],
        watch: &mut Watch<'_>,
    ) -> Result<Option<Vertex>, SelectionError> {
        let Some(mut model) = self.model.take() else {
            return Err(SelectionError::Solver {
                message: "the face LP was lost after an earlier failed solve".to_owned(),
            });
        };
        let costs: Vec<f64> = x
            .iter()
            .zip(sizes)
            .map(|(&value, &size)| weight(value, size))
            .collect();
        crate::watch::change(&mut model, Batch::Costs(&costs))?;
        let (mut set, mut lower, mut upper) = (Vec::new(), Vec::new(), Vec::new());
        for (t, (&value, &size)) in x.iter().zip(sizes).enumerate() {
            let bounds = column_bounds(value, size);
            if bounds != self.columns[t] {
                set.push(t as highs_sys::HighsInt);
                lower.push(bounds.0);
                upper.push(bounds.1);
                self.columns[t] = bounds;
            }
        }
        crate::watch::change(&mut model, Batch::ColumnBounds(&set, &lower, &upper))?;
        let (mut set, mut lower, mut upper) = (Vec::new(), Vec::new(), Vec::new());
        for (i, c) in constraints.iter().enumerate() {
            let bounds = row_bounds(c, x);
            if bounds != self.rows[i] {
                // Row 0 is the panel size; constraint i is row i + 1.
                set.push((i + 1) as highs_sys::HighsInt);
                lower.push(bounds.0);
                upper.push(bounds.1);
                self.rows[i] = bounds;
            }
        }
        crate::watch::change(&mut model, Batch::RowBounds(&set, &lower, &upper))?;
        let solved = watch.solve(model, "face LP")?;
        let answer = match solved.status() {
            HighsModelStatus::Optimal => {
                let solution = solved.get_solution();
                Some(Vertex {
                    values: solution.columns().to_vec(),
                    reduced_costs: solution.dual_columns().to_vec(),
                })
            }
            HighsModelStatus::Infeasible => None,
            other => {
                return Err(SelectionError::Solver {
                    message: format!("face LP ended with status {other:?}"),
                });
            }
        };
        self.model = Some(solved.into());
        Ok(answer)
    }
}

/// The objective weight of a seat of a profile with `value` seats of `size` in the current point: its share,
/// so that the panel seats the profiles that the point seats most and the step is long. (A logit of the
/// share, which punishes the seats that limit the step more, gave 10% fewer steps on the sweep's pools of
/// 2,000 but no shorter run.)
fn weight(value: f64, size: u32) -> f64 {
    value / size as f64
}

/// The bounds of count `t` in the minimal face of `x`: fixed where `x` is at a bound, `[0, s_t]` otherwise.
fn column_bounds(value: f64, size: u32) -> Bounds {
    let size = size as f64;
    if value <= TIGHT {
        (0.0, 0.0)
    } else if value >= size - TIGHT {
        (size, size)
    } else {
        (0.0, size)
    }
}

/// The bounds of a constraint's row in the minimal face of `x`: an equality where `x` meets it with equality.
fn row_bounds(c: &Constraint, x: &[f64]) -> Bounds {
    let ax: f64 = c.profiles.iter().map(|&t| x[t]).sum();
    if c.low.is_finite() && ax <= c.low + TIGHT {
        (c.low, c.low)
    } else if ax >= c.high - TIGHT {
        (c.high, c.high)
    } else {
        (c.low, c.high)
    }
}

/// The panel problem restricted to the minimal face of `Q` that holds `x`.
fn face_problem(
    x: &[f64],
    sizes: &[u32],
    seats: f64,
    constraints: &[Constraint],
    integer: bool,
) -> (RowProblem, Vec<highs::Col>) {
    let mut problem = RowProblem::default();
    let columns: Vec<highs::Col> = x
        .iter()
        .zip(sizes)
        .map(|(&value, &size)| {
            let weight = weight(value, size);
            let (low, high) = column_bounds(value, size);
            if integer {
                problem.add_integer_column(weight, low..=high)
            } else {
                problem.add_column(weight, low..=high)
            }
        })
        .collect();
    problem.add_row(seats..=seats, columns.iter().map(|&col| (col, 1.0)));
    for c in constraints {
        let (low, high) = row_bounds(c, x);
        problem.add_row(low..=high, c.profiles.iter().map(|&t| (columns[t], 1.0)));
    }
    (problem, columns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{parse_features, parse_people};

    /// A watch whose callback never stops the run. The callback is leaked (a few bytes per test) so that
    /// the watch can be returned.
    fn silent() -> Watch<'static> {
        Watch::new(Box::leak(Box::new(|_: &Progress| {
            std::ops::ControlFlow::Continue(())
        })))
    }

    fn sf_fixture() -> Instance {
        let features = parse_features(
            "features",
            include_str!("../tests/data/sf_fixture_22/features.csv"),
            22,
        )
        .unwrap();
        let people = parse_people(
            "people",
            include_str!("../tests/data/sf_fixture_22/candidates.csv"),
            &features,
            "nationbuilder_id",
            &[],
        )
        .unwrap()
        .people;
        Instance::new(features, people, 22, Vec::new()).unwrap()
    }

    /// Checks a lottery independently: every panel, expanded to people, passes the model's own
    /// quota check, the probabilities are positive and sum to 1, and the lottery averages to the
    /// target.
    fn check_lottery(
        instance: &Instance,
        reduced: &Reduced,
        lottery: &[(Vec<u32>, f64)],
        target: &[f64],
    ) {
        let total: f64 = lottery.iter().map(|(_, p)| p).sum();
        assert!((total - 1.0).abs() < 1e-12, "probabilities sum to {total}");
        for (panel, probability) in lottery {
            assert!(*probability > 0.0);
            let people: Vec<usize> = panel
                .iter()
                .enumerate()
                .flat_map(|(t, &c)| reduced.profiles[t].members.iter().copied().take(c as usize))
                .collect();
            assert_eq!(people.len(), instance.panel_size);
            instance.check_panel(&people).unwrap();
        }
        for (t, &want) in target.iter().enumerate() {
            let got: f64 = lottery.iter().map(|(panel, p)| p * panel[t] as f64).sum();
            assert!(
                (got - want).abs() < 1e-8,
                "profile {t}: {got} seats on average, target {want}"
            );
        }
    }

    /// On sf_fixture_22 the relaxation's LEXIMIN has the published exact minimum (1/11) and maximum
    /// (0.4709...), and the walk writes it as a lottery of feasible panels.
    #[test]
    fn the_walk_writes_the_relaxed_leximin_of_sf_fixture_22_as_a_lottery() {
        let instance = sf_fixture();
        let reduced = Reduced::new(&instance);
        let unreachable = vec![false; reduced.profiles.len()];
        let target =
            crate::leximin::relaxed_leximin(&instance, &reduced, &unreachable, &mut silent())
                .unwrap()
                .expect("the relaxation solves");
        let min = target.iter().copied().fold(1.0, f64::min);
        let max = target.iter().copied().fold(0.0, f64::max);
        assert!(
            (min - 1.0 / 11.0).abs() < 1e-9 && (max - 0.470902901).abs() < 1e-8,
            "min {min} max {max}"
        );
        let counts: Vec<f64> = target
            .iter()
            .zip(&reduced.profiles)
            .map(|(p, profile)| p * profile.members.len() as f64)
            .collect();
        let lottery = decompose(&instance, &reduced, &counts, &mut silent())
            .unwrap()
            .expect("panels reach the target");
        assert!(
            lottery.len() <= reduced.profiles.len() + 1,
            "{} panels for {} profiles",
            lottery.len(),
            reduced.profiles.len()
        );
        check_lottery(&instance, &reduced, &lottery, &counts);
    }

    /// A target outside the hull of the panels is refused, never written as a wrong lottery: here
    /// everyone at the same share, which gives the "30-44" age band fewer seats on average than its
    /// minimum of 5.
    #[test]
    fn an_unreachable_target_gives_no_lottery() {
        let instance = sf_fixture();
        let reduced = Reduced::new(&instance);
        let share = 22.0 / instance.people.len() as f64;
        let counts: Vec<f64> = reduced
            .profiles
            .iter()
            .map(|p| share * p.members.len() as f64)
            .collect();
        let age = instance
            .features
            .iter()
            .position(|f| f.name == "age_bracket")
            .unwrap();
        let band = instance.features[age]
            .quotas
            .iter()
            .position(|q| q.value == "30-44")
            .unwrap();
        let seats: f64 = reduced
            .profiles
            .iter()
            .zip(&counts)
            .filter(|(p, _)| p.values[age] == band)
            .map(|(_, c)| c)
            .sum();
        assert!(
            seats < instance.features[age].quotas[band].min as f64,
            "the precondition: {seats} seats on average"
        );
        let result = decompose(&instance, &reduced, &counts, &mut silent()).unwrap();
        assert!(
            result.is_none(),
            "a lottery for an out-of-reach target: {:?}",
            result.map(|l| l.len())
        );
    }

    /// Cancelling stops the walk with `Cancelled`.
    #[test]
    fn the_walk_can_be_cancelled() {
        let instance = sf_fixture();
        let reduced = Reduced::new(&instance);
        let unreachable = vec![false; reduced.profiles.len()];
        let target =
            crate::leximin::relaxed_leximin(&instance, &reduced, &unreachable, &mut silent())
                .unwrap()
                .unwrap();
        let counts: Vec<f64> = target
            .iter()
            .zip(&reduced.profiles)
            .map(|(p, profile)| p * profile.members.len() as f64)
            .collect();
        let mut steps = 0;
        let mut stop_after_three = |_: &Progress| {
            steps += 1;
            if steps > 3 {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        };
        let result = decompose(
            &instance,
            &reduced,
            &counts,
            &mut Watch::new(&mut stop_after_three),
        );
        assert!(
            matches!(result, Err(SelectionError::Cancelled)),
            "{:?}",
            result.map(|r| r.map(|l| l.len()))
        );
    }
}
