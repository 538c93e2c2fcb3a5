//! The run's progress reports, and the HiGHS solves that can be interrupted in the middle.
//!
//! Every report of a run goes through one [`Watch`], which keeps the last report.
//! Every HiGHS solve of a run goes through [`Watch::solve`]: while HiGHS works, its interrupt callbacks
//! (simplex iterations, interior-point iterations, the MIP's limit checks, which run at every node and
//! between the root's cut rounds and heuristics) call [`Watch::poll`], which hands the last report to the
//! caller's callback at most every [`POLL_INTERVAL`]; when the callback answers `ControlFlow::Break`,
//! HiGHS is told to stop, and the solve ends with [`SelectionError::Cancelled`] within a fraction of a
//! second, even in the middle of a MIP.
//!
//! The `highs` crate wraps neither the callbacks nor changing one coefficient of a model, so this module
//! calls the HiGHS C API through `highs-sys` for those, in four small `unsafe` blocks; it holds all the
//! unsafe code of the workspace.
//! Polling reads the clock only to space the calls; it never changes what HiGHS computes, so a run that is
//! not cancelled gives the same result as without the callbacks.

use crate::{Progress, SelectionError};
use highs::{HighsModelStatus, Model, SolvedModel};
use std::ffi::{c_char, c_int, c_void};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

/// How often, at most, the caller's callback is asked during a solve.
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(100);

// The callback types of HiGHS (`interfaces/highs_c_api.h`, `kHighsCallback*`) that can interrupt a solve.
const SIMPLEX_INTERRUPT: c_int = 1;
const IPM_INTERRUPT: c_int = 2;
const MIP_INTERRUPT: c_int = 6;
const INTERRUPTS: [c_int; 3] = [SIMPLEX_INTERRUPT, IPM_INTERRUPT, MIP_INTERRUPT];

/// The caller's progress callback, the last report, and whether the caller asked to stop.
pub(crate) struct Watch<'a> {
    report: &'a mut dyn FnMut(&Progress) -> ControlFlow<()>,
    last: Progress,
    cancelled: bool,
    polled: Instant,
}

impl<'a> Watch<'a> {
    pub(crate) fn new(report: &'a mut dyn FnMut(&Progress) -> ControlFlow<()>) -> Watch<'a> {
        Watch {
            report,
            last: Progress::start(0),
            cancelled: false,
            polled: Instant::now(),
        }
    }

    /// Sends a report; `Err(Cancelled)` if the caller asks to stop (now or before).
    pub(crate) fn send(&mut self, mut progress: Progress) -> Result<(), SelectionError> {
        // The estimate never goes back, even when a step turns out longer than estimated.
        progress.fraction = progress.fraction.max(self.last.fraction).clamp(0.0, 1.0);
        self.last = progress;
        if !self.cancelled {
            self.polled = Instant::now();
            self.cancelled = (self.report)(&self.last).is_break();
        }
        if self.cancelled {
            Err(SelectionError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// The last report sent.
    pub(crate) fn last(&self) -> Progress {
        self.last
    }

    /// Between two pieces of long work outside HiGHS: asks the caller again (with the last report) if
    /// [`POLL_INTERVAL`] has passed since the last call; `Err(Cancelled)` when the run must stop.
    pub(crate) fn check(&mut self) -> Result<(), SelectionError> {
        if self.poll() {
            Err(SelectionError::Cancelled)
        } else {
            Ok(())
        }
    }

    /// During a solve: asks the caller again (with the last report) if [`POLL_INTERVAL`] has passed since
    /// the last call; true when the run must stop.
    fn poll(&mut self) -> bool {
        if !self.cancelled && self.polled.elapsed() >= POLL_INTERVAL {
            self.polled = Instant::now();
            let last = self.last;
            let report = &mut self.report;
            // A panic must not unwind into HiGHS's C++ frames: it is treated as a request to stop.
            self.cancelled =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| report(&last).is_break()))
                    .unwrap_or(true);
        }
        self.cancelled
    }

    /// Solves `model` with the interrupt callbacks on; a cancel during the solve gives `Err(Cancelled)`, a
    /// HiGHS failure `Err(Solver)` naming `what`.
    pub(crate) fn solve(
        &mut self,
        mut model: Model,
        what: &str,
    ) -> Result<SolvedModel, SelectionError> {
        if self.cancelled {
            return Err(SelectionError::Cancelled);
        }
        let highs = model.as_mut_ptr();
        // SAFETY: `highs` is the live HiGHS instance owned by `model`. The callback data points to `self`, which
        // stays mutably borrowed by this function (so nothing else touches it) until the callbacks are
        // switched off again below, before this function returns; `try_solve` moves the instance into
        // `SolvedModel` without changing its address, and when it fails the instance is destroyed with the
        // callbacks, so HiGHS never keeps the pointer beyond this call.
        unsafe {
            highs_sys::Highs_setCallback(
                highs,
                Some(interrupt_callback),
                (self as *mut Watch<'a>).cast::<c_void>(),
            );
            for kind in INTERRUPTS {
                highs_sys::Highs_startCallback(highs, kind);
            }
        }
        let solved = model.try_solve();
        let mut solved = match solved {
            Ok(solved) => solved,
            Err(status) if self.cancelled => {
                let _ = status;
                return Err(SelectionError::Cancelled);
            }
            Err(status) => {
                return Err(SelectionError::Solver {
                    message: format!("{what}: {status:?}"),
                });
            }
        };
        // SAFETY: the same live instance, now owned by `solved`; this removes the pointer to `self`.
        unsafe {
            let highs = solved.as_mut_ptr();
            for kind in INTERRUPTS {
                highs_sys::Highs_stopCallback(highs, kind);
            }
            highs_sys::Highs_setCallback(highs, None, std::ptr::null_mut());
        }
        if self.cancelled || solved.status() == HighsModelStatus::ReachedInterrupt {
            self.cancelled = true;
            return Err(SelectionError::Cancelled);
        }
        Ok(solved)
    }
}

/// Called by HiGHS (on the solving thread, inside `Highs_run`) at its interrupt points.
extern "C" fn interrupt_callback(
    kind: c_int,
    _message: *const c_char,
    _data_out: *const highs_sys::HighsCallbackDataOut,
    data_in: *mut highs_sys::HighsCallbackDataIn,
    user_data: *mut c_void,
) {
    if !INTERRUPTS.contains(&kind) || user_data.is_null() || data_in.is_null() {
        return;
    }
    // SAFETY: `user_data` is the `Watch` that `Watch::solve` registered and keeps borrowed for the whole
    // `Highs_run` call (the only time HiGHS calls back, on this thread); `data_in` is HiGHS's input record.
    unsafe {
        let watch = &mut *user_data.cast::<Watch<'static>>();
        if watch.poll() {
            (*data_in).user_interrupt = 1;
        }
    }
}

/// Changes one coefficient of a model's constraint matrix (the `highs` crate wraps only whole rows and
/// columns) and the lower bound of that row.
pub(crate) fn change_coefficient_and_row_lower(
    model: &mut Model,
    row: usize,
    column: usize,
    value: f64,
    row_lower: f64,
) -> Result<(), SelectionError> {
    let failed = || SelectionError::Solver {
        message: format!("changing row {row} of a model failed"),
    };
    let row_index = highs_sys::HighsInt::try_from(row).map_err(|_| failed())?;
    let column_index = highs_sys::HighsInt::try_from(column).map_err(|_| failed())?;
    if row >= model.num_rows() {
        return Err(failed());
    }
    // SAFETY: `model` owns a live Highs instance; the row exists (checked above) and the caller passes an
    // existing column.
    let status = unsafe {
        let highs = model.as_mut_ptr();
        let changed = highs_sys::Highs_changeCoeff(highs, row_index, column_index, value);
        if changed == highs_sys::STATUS_ERROR {
            changed
        } else {
            highs_sys::Highs_changeRowBounds(highs, row_index, row_lower, f64::INFINITY)
        }
    };
    if status == highs_sys::STATUS_ERROR {
        return Err(failed());
    }
    Ok(())
}

/// What a batch change of a model's costs or bounds changes.
pub(crate) enum Batch<'a> {
    /// The cost of every column, in order.
    Costs(&'a [f64]),
    /// The bounds `(lower, upper)` of the listed columns.
    ColumnBounds(&'a [highs_sys::HighsInt], &'a [f64], &'a [f64]),
    /// The bounds `(lower, upper)` of the listed rows.
    RowBounds(&'a [highs_sys::HighsInt], &'a [f64], &'a [f64]),
}

/// Changes many costs or bounds of a model in one call of the HiGHS C API (the `highs` crate changes one
/// column at a time and wraps no row bounds; on a face LP of 5,000 columns, changing every cost one call at a
/// time cost more than the solve).
pub(crate) fn change(model: &mut Model, batch: Batch<'_>) -> Result<(), SelectionError> {
    let failed = || SelectionError::Solver {
        message: "changing the costs or bounds of a model failed".to_string(),
    };
    let (columns, rows) = (model.num_cols(), model.num_rows());
    let fits = |set: &[highs_sys::HighsInt], lower: &[f64], upper: &[f64], limit: usize| {
        lower.len() == set.len()
            && upper.len() == set.len()
            && set
                .iter()
                .all(|&i| usize::try_from(i).is_ok_and(|i| i < limit))
    };
    let highs = model.as_mut_ptr();
    // SAFETY: `highs` is the live instance owned by `model`; every index was checked against the model's size
    // and every array has the length HiGHS reads (checked above, or `num_cols` for the costs).
    let status = unsafe {
        match batch {
            Batch::Costs(costs) => {
                if costs.len() != columns || columns == 0 {
                    return Err(failed());
                }
                let last = highs_sys::HighsInt::try_from(columns - 1).map_err(|_| failed())?;
                highs_sys::Highs_changeColsCostByRange(highs, 0, last, costs.as_ptr())
            }
            Batch::ColumnBounds(set, lower, upper) => {
                if !fits(set, lower, upper, columns) {
                    return Err(failed());
                }
                if set.is_empty() {
                    return Ok(());
                }
                let count = highs_sys::HighsInt::try_from(set.len()).map_err(|_| failed())?;
                highs_sys::Highs_changeColsBoundsBySet(
                    highs,
                    count,
                    set.as_ptr(),
                    lower.as_ptr(),
                    upper.as_ptr(),
                )
            }
            Batch::RowBounds(set, lower, upper) => {
                if !fits(set, lower, upper, rows) {
                    return Err(failed());
                }
                if set.is_empty() {
                    return Ok(());
                }
                let count = highs_sys::HighsInt::try_from(set.len()).map_err(|_| failed())?;
                highs_sys::Highs_changeRowsBoundsBySet(
                    highs,
                    count,
                    set.as_ptr(),
                    lower.as_ptr(),
                    upper.as_ptr(),
                )
            }
        }
    };
    if status == highs_sys::STATUS_ERROR {
        return Err(failed());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use highs::{RowProblem, Sense};
    use rand_chacha::ChaCha20Rng;
    use rand_core::{Rng, SeedableRng};

    /// A market-split problem (Cornuéjols and Dawande): a few equality rows with random coefficients over
    /// binaries, right-hand sides half the row sums. Branch and bound needs minutes on it, far more than a
    /// test waits.
    fn hard_mip() -> Model {
        let mut rng = ChaCha20Rng::from_seed([17; 32]);
        let (rows, columns) = (5, 40);
        let mut problem = RowProblem::default();
        let x: Vec<highs::Col> = (0..columns)
            .map(|_| problem.add_integer_column(0.0, 0.0..=1.0))
            .collect();
        for _ in 0..rows {
            let coefficients: Vec<f64> = (0..columns)
                .map(|_| (rng.next_u64() % 100) as f64)
                .collect();
            let half = (coefficients.iter().sum::<f64>() / 2.0).floor();
            problem.add_row(half..=half, x.iter().copied().zip(coefficients));
        }
        let mut model = problem.optimise(Sense::Minimise);
        crate::solver::configure(&mut model);
        model
    }

    #[test]
    fn a_cancel_during_a_mip_ends_the_solve_within_a_second() {
        let started = Instant::now();
        let mut asked_at: Option<Instant> = None;
        let mut calls = 0;
        let mut cancel_after_half_a_second = |_: &Progress| {
            calls += 1;
            if started.elapsed() >= Duration::from_millis(500) {
                asked_at.get_or_insert_with(Instant::now);
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let result = Watch::new(&mut cancel_after_half_a_second).solve(hard_mip(), "market split");
        let ended = Instant::now();
        assert!(
            matches!(result, Err(SelectionError::Cancelled)),
            "the MIP was not interrupted: {:?}",
            result.map(|solved| solved.status())
        );
        let asked_at = asked_at.expect("the callback asked to stop");
        assert!(
            ended - asked_at < Duration::from_secs(1),
            "the solve ended {:?} after the cancel",
            ended - asked_at
        );
        // The callback is asked about every POLL_INTERVAL while HiGHS works, not at every node.
        let polls_expected = (ended - started).as_millis() / POLL_INTERVAL.as_millis() + 2;
        assert!(
            calls as u128 <= polls_expected,
            "{calls} calls in {:?}",
            ended - started
        );
    }

    #[test]
    fn a_solve_that_is_not_cancelled_gives_the_same_answer_as_without_the_callbacks() {
        let mut problem = RowProblem::default();
        let a = problem.add_integer_column(3.0, 0.0..=4.0);
        let b = problem.add_integer_column(2.0, 0.0..=4.0);
        problem.add_row(..=7.5, [(a, 2.0), (b, 1.0)]);
        let mut plain = problem.clone().optimise(Sense::Maximise);
        crate::solver::configure(&mut plain);
        let mut watched = problem.optimise(Sense::Maximise);
        crate::solver::configure(&mut watched);
        let mut never = |_: &Progress| ControlFlow::Continue(());
        let mut watch = Watch::new(&mut never);
        let watched = watch.solve(watched, "small MIP").unwrap();
        let plain = plain.solve();
        assert_eq!(
            watched.get_solution().columns(),
            plain.get_solution().columns()
        );
        // After the solve, HiGHS holds no pointer to the watch: the model can be solved again alone.
        let again: Model = watched.into();
        assert_eq!(again.solve().status(), HighsModelStatus::Optimal);
    }
}
