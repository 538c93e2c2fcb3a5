//! The master LP of column generation (one warm-started HiGHS model for the whole run, one row per profile
//! and the convexity row; see the parent module for its form) and the panels found so far, its columns.

use crate::SelectionError;
use crate::solver::configure;
use crate::watch::Watch;
use highs::{ColProblem, HighsModelStatus, Model, Row, Sense};

/// The panels found so far, with a sparse copy (the swap search ranks them every round, and a
/// panel has about `k` non-zero counts among thousands of profiles) and an index for lookups.
#[derive(Default)]
pub(super) struct PanelSet {
    pub(super) dense: Vec<Vec<u32>>,
    pub(super) sparse: Vec<Vec<(u32, u32)>>,
    index: std::collections::HashSet<Vec<u32>>,
}

impl PanelSet {
    /// Adds a panel; false if it was already there.
    pub(super) fn push(&mut self, panel: Vec<u32>) -> bool {
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
    pub(super) fn swap_remove(&mut self, i: usize) -> Vec<u32> {
        self.sparse.swap_remove(i);
        let panel = self.dense.swap_remove(i);
        self.index.remove(&panel);
        panel
    }

    pub(super) fn contains(&self, panel: &[u32]) -> bool {
        self.index.contains(panel)
    }

    pub(super) fn len(&self) -> usize {
        self.dense.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.dense.is_empty()
    }
}

pub(super) struct Master {
    model: Option<Model>,
    rows_a: Vec<Row>,
    conv: Row,
    pub(super) sizes: Vec<f64>,
    target: Vec<f64>,
    pub(super) panels: PanelSet,
    dual_sign: f64,
}

pub(super) struct MasterSolution {
    pub(super) z: f64,
    pub(super) lambda: Vec<f64>,
    pub(super) y: Vec<f64>,
    pub(super) mu: f64,
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
    pub(super) fn new(
        sizes: Vec<f64>,
        panels: PanelSet,
        fixed: &[Option<f64>],
        target: Vec<f64>,
    ) -> Master {
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

    pub(super) fn add_panel(&mut self, panel: Vec<u32>) {
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
    pub(super) fn fix(&mut self, profile: usize, probability: f64) -> Result<(), SelectionError> {
        let model = self.model.as_mut().expect("master present");
        // Row `profile` (one row per profile, created first) loses `z` (column 0).
        crate::watch::change_coefficient_and_row_lower(model, profile, 0, 0.0, probability)
    }

    pub(super) fn solve(
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
    pub(super) fn interior_duals(
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
