//! The LEXIMIN of the LP relaxation of the panel problem: an upper bound, in the leximin order, on what
//! lotteries of panels can give, and the target of the face walk and of the target check.

use super::params::{FIX_DUAL_TOLERANCE, FRACTION_COVERAGE, FRACTION_LEVELS, between};
use crate::solver::{Reduced, configure};
use crate::watch::Watch;
use crate::{Activity, Progress, SelectionError};
use highs::{HighsModelStatus, Sense};

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
