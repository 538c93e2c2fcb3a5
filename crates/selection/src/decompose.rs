//! Writing a target point as a lottery over panels, by walking down the faces of the relaxation.
//!
//! The relaxation `Q` of the panel problem is the set of fractional seat counts per profile that
//! meet the panel size, the quotas, the household rule and `0 <= x_t <= s_t`. Given a target `x`
//! in `Q` (the relaxation's LEXIMIN, as counts), each step
//!
//! 1. takes the constraints of `Q` that are tight at `x`: every panel in a lottery that averages to
//!    `x` must meet them with equality too (a panel's count cannot exceed a bound that the average
//!    already reaches), so they are equalities for the next panel;
//! 2. finds a panel `P` in that face with the panel MIP (its objective favours the profiles that
//!    `x` seats most, so that `P` is close to `x` and the step long);
//! 3. moves away from `P` for as long as the rest stays in `Q`: `x = theta P + (1 - theta) x'`
//!    with the largest `theta <= 1` (a ratio test over every constraint); `x'` is tight on one
//!    more constraint, so the face shrinks at every step and the walk ends within
//!    (number of profiles + 1) steps, like Caratheodory's theorem.
//!
//! When panels can reach the target (it lies in their convex hull, not just in `Q`), the walk
//! usually ends with the exact lottery in a few hundred small MIPs, much faster than column
//! generation, whose master LP must represent the target exactly. It can fail where `Q` is larger
//! than the hull of the panels (a face with no panel, or too many steps); the caller then uses column
//! generation. Success is checked, not assumed: every panel is re-checked in integers, and the
//! lottery must average to the target.

use crate::model::Instance;
use crate::solver::{Reduced, configure};
use crate::watch::Watch;
use crate::{Activity, Phase, Progress, SelectionError};
use highs::{HighsModelStatus, RowProblem, Sense};

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
        let Some(panel) = panel_in_face(&x, &sizes, seats, &constraints, watch)? else {
            return Ok(None);
        };
        if !meets_everything(&panel, &sizes, reduced.seats, &constraints) {
            return Ok(None);
        }
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
    x: &[f64],
    sizes: &[u32],
    seats: f64,
    constraints: &[Constraint],
    watch: &mut Watch<'_>,
) -> Result<Option<Vec<u32>>, SelectionError> {
    // The LP first: its optimal vertex is sometimes integral, and then it is a panel.
    let mut model =
        face_problem(x, sizes, seats, constraints, false, None).optimise(Sense::Maximise);
    configure(&mut model);
    let solved = watch.solve(model, "face LP")?;
    let vertex = match solved.status() {
        HighsModelStatus::Optimal => solved.get_solution().columns().to_vec(),
        HighsModelStatus::Infeasible => return Ok(None),
        other => {
            return Err(SelectionError::Solver {
                message: format!("face LP ended with status {other:?}"),
            });
        }
    };
    if vertex.iter().all(|&v| (v - v.round()).abs() <= 1e-9) {
        return Ok(Some(
            vertex.iter().map(|&v| v.round().max(0.0) as u32).collect(),
        ));
    }
    // Then the MIP restricted to the box around the LP's vertex (every count between the floor and the
    // ceiling of its LP value): most counts are integral at the vertex and stay fixed, the few fractional
    // ones (at most one per tight row) leave a tiny MIP whose optimum is close to the LP's. Any panel it
    // finds is in the face; only when the box has none does the MIP of the whole face run.
    if let Some(panel) = face_mip(x, sizes, seats, constraints, Some(&vertex), watch)? {
        return Ok(Some(panel));
    }
    face_mip(x, sizes, seats, constraints, None, watch)
}

/// The best panel of the face (within 1%), inside the box around `vertex` when given.
fn face_mip(
    x: &[f64],
    sizes: &[u32],
    seats: f64,
    constraints: &[Constraint],
    vertex: Option<&[f64]>,
    watch: &mut Watch<'_>,
) -> Result<Option<Vec<u32>>, SelectionError> {
    let mut model =
        face_problem(x, sizes, seats, constraints, true, vertex).optimise(Sense::Maximise);
    configure(&mut model);
    // Any panel in the face will do; the objective only lengthens the step (and a poor panel can
    // lead the walk out of the panels' hull, so the first one found is not kept without a bound).
    // Measured on the sweep's pools of 2,000 (walks of about 280 steps): a gap of 5% instead of 1% cut
    // the time of a whole-face MIP by a third with the same lottery size and no failed walk, and a larger
    // gap changed nothing more; the feasibility-jump heuristic cost 15% and never decided a result.
    model.set_option("mip_rel_gap", 0.05);
    model.set_option("mip_heuristic_run_feasibility_jump", false);
    if vertex.is_none() {
        // HiGHS's presolve removes the fixed counts of the box MIP cheaply, but on the whole face it
        // cost 15% of the MIP (clique extraction over the quota rows) and gained nothing.
        model.set_option("presolve", "off");
    }
    let solved = watch.solve(model, "face MIP")?;
    match solved.status() {
        HighsModelStatus::Optimal => Ok(Some(
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

/// The panel problem restricted to the minimal face of `Q` that holds `x`, and to the box of integers
/// around `vertex` when given.
fn face_problem(
    x: &[f64],
    sizes: &[u32],
    seats: f64,
    constraints: &[Constraint],
    integer: bool,
    vertex: Option<&[f64]>,
) -> RowProblem {
    let mut problem = RowProblem::default();
    let columns: Vec<highs::Col> = x
        .iter()
        .zip(sizes)
        .enumerate()
        .map(|(t, (&value, &size))| {
            let size = size as f64;
            let weight = value / size;
            let (mut low, mut high) = if value <= TIGHT {
                (0.0, 0.0)
            } else if value >= size - TIGHT {
                (size, size)
            } else {
                (0.0, size)
            };
            if let Some(vertex) = vertex {
                let near = vertex[t].round();
                let (floor, ceil) = if (vertex[t] - near).abs() <= 1e-9 {
                    (near, near)
                } else {
                    (vertex[t].floor(), vertex[t].ceil())
                };
                low = low.max(floor);
                high = high.min(ceil).max(low);
            }
            if integer {
                problem.add_integer_column(weight, low..=high)
            } else {
                problem.add_column(weight, low..=high)
            }
        })
        .collect();
    problem.add_row(seats..=seats, columns.iter().map(|&col| (col, 1.0)));
    for c in constraints {
        let ax: f64 = c.profiles.iter().map(|&t| x[t]).sum();
        let factors = c.profiles.iter().map(|&t| (columns[t], 1.0));
        if c.low.is_finite() && ax <= c.low + TIGHT {
            problem.add_row(c.low..=c.low, factors);
        } else if ax >= c.high - TIGHT {
            problem.add_row(c.high..=c.high, factors);
        } else if c.low.is_finite() {
            problem.add_row(c.low..=c.high, factors);
        } else {
            problem.add_row(..=c.high, factors);
        }
    }
    problem
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
