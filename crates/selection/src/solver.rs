//! The reduced problem over *profiles* (groups of interchangeable people) and the HiGHS models
//! built on it: the panel MIP (pricing oracle) and the relaxation ILP for infeasible quotas.
//!
//! Two eligible people are interchangeable when they have the same value for every feature and
//! neither shares a household with another eligible person: swapping them maps feasible panels to
//! feasible panels, so the (unique) LEXIMIN vector gives them the same probability. People in a
//! multi-person household each form their own profile, so the household rule stays exact.

use crate::SelectionError;
use crate::model::Instance;
use crate::watch::Watch;
use highs::{Col, HighsModelStatus, Model, RowProblem, Sense};
use std::collections::HashMap;

/// A group of interchangeable eligible people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// Pool indices of the members, in pool order.
    pub members: Vec<usize>,
    /// Value index for each feature.
    pub values: Vec<usize>,
}

/// The problem that remains after taking out the people already selected.
#[derive(Debug, Clone)]
pub(crate) struct Reduced {
    pub profiles: Vec<Profile>,
    /// Groups of profiles (each a single person) that share a household.
    pub households: Vec<Vec<usize>>,
    /// Seats left to fill.
    pub seats: usize,
    /// Per feature, per value: how many already-selected people have it.
    pub already_counts: Vec<Vec<usize>>,
    /// Pool indices excluded because they share a household with an already-selected person.
    pub excluded: Vec<usize>,
}

impl Reduced {
    pub fn new(instance: &Instance) -> Reduced {
        let selected_households: std::collections::HashSet<&str> = instance
            .already_selected
            .iter()
            .filter_map(|&person| instance.people[person].household.as_deref())
            .collect();
        let mut excluded = Vec::new();
        let mut eligible = Vec::new();
        for (index, person) in instance.people.iter().enumerate() {
            if instance.already_selected.binary_search(&index).is_ok() {
                continue;
            }
            if person
                .household
                .as_deref()
                .is_some_and(|key| selected_households.contains(key))
            {
                excluded.push(index);
                continue;
            }
            eligible.push(index);
        }
        let mut household_size: HashMap<&str, usize> = HashMap::new();
        for &index in &eligible {
            if let Some(key) = instance.people[index].household.as_deref() {
                *household_size.entry(key).or_default() += 1;
            }
        }
        let mut profiles: Vec<Profile> = Vec::new();
        let mut by_values: HashMap<&[usize], usize> = HashMap::new();
        let mut household_groups: HashMap<&str, usize> = HashMap::new();
        let mut households: Vec<Vec<usize>> = Vec::new();
        for &index in &eligible {
            let person = &instance.people[index];
            let shared = person
                .household
                .as_deref()
                .filter(|key| household_size[key] > 1);
            match shared {
                Some(key) => {
                    profiles.push(Profile {
                        members: vec![index],
                        values: person.values.clone(),
                    });
                    let group = *household_groups.entry(key).or_insert_with(|| {
                        households.push(Vec::new());
                        households.len() - 1
                    });
                    households[group].push(profiles.len() - 1);
                }
                None => match by_values.get(person.values.as_slice()) {
                    Some(&profile) => profiles[profile].members.push(index),
                    None => {
                        by_values.insert(person.values.as_slice(), profiles.len());
                        profiles.push(Profile {
                            members: vec![index],
                            values: person.values.clone(),
                        });
                    }
                },
            }
        }
        Reduced {
            profiles,
            households,
            seats: instance.panel_size - instance.already_selected.len(),
            already_counts: instance.panel_counts(&instance.already_selected),
            excluded,
        }
    }
}

/// Applies the options that make HiGHS quiet and deterministic.
pub(crate) fn configure(model: &mut Model) {
    model.make_quiet();
    model.set_option("output_flag", false);
    model.set_option("threads", 1);
    model.set_option("random_seed", 0);
}

/// The panel MIP: integer count per profile, quotas, households, exactly `seats` people.
/// The model is kept between calls; only objective coefficients and bounds change.
/// Its LP relaxation is kept too: pricing asks first whether *any* panel beats a threshold, and
/// the relaxation's bound (warm-started, a few simplex iterations) often proves that none does,
/// or returns an integral optimum, without a branch-and-bound run.
pub(crate) struct PanelOracle {
    model: Option<Model>,
    relaxation: Option<Model>,
    columns: Vec<Col>,
    sizes: Vec<u32>,
}

/// The answer to "is there a panel worth more than the threshold?".
pub(crate) enum Priced {
    /// The best panel (counts per profile), whose value beats the threshold.
    Better(Vec<u32>),
    /// Proven: no panel is worth more than the threshold.
    NoneBetter,
}

pub(crate) fn panel_problem(
    instance: &Instance,
    reduced: &Reduced,
    integer: bool,
) -> (RowProblem, Vec<Col>) {
    let mut problem = RowProblem::default();
    let columns: Vec<Col> = reduced
        .profiles
        .iter()
        .map(|profile| {
            if integer {
                problem.add_integer_column(0.0, 0.0..=profile.members.len() as f64)
            } else {
                problem.add_column(0.0, 0.0..=profile.members.len() as f64)
            }
        })
        .collect();
    problem.add_row(
        reduced.seats as f64..=reduced.seats as f64,
        columns.iter().map(|&col| (col, 1.0)),
    );
    for (feature_index, feature) in instance.features.iter().enumerate() {
        for (value_index, quota) in feature.quotas.iter().enumerate() {
            let already = reduced.already_counts[feature_index][value_index] as f64;
            let factors: Vec<(Col, f64)> = reduced
                .profiles
                .iter()
                .zip(&columns)
                .filter(|(profile, _)| profile.values[feature_index] == value_index)
                .map(|(_, &col)| (col, 1.0))
                .collect();
            let low = quota.min as f64 - already;
            let high = quota.max as f64 - already;
            if factors.is_empty() {
                // Nothing to constrain, but keep an impossible quota impossible.
                if low > 0.0 || high < 0.0 {
                    problem.add_row(1.0..=1.0, std::iter::empty::<(Col, f64)>());
                }
                continue;
            }
            problem.add_row(low..=high, factors);
        }
    }
    for group in &reduced.households {
        problem.add_row(..=1.0, group.iter().map(|&profile| (columns[profile], 1.0)));
    }
    (problem, columns)
}

impl PanelOracle {
    pub fn new(instance: &Instance, reduced: &Reduced) -> PanelOracle {
        let (problem, columns) = panel_problem(instance, reduced, true);
        let mut model = problem.optimise(Sense::Maximise);
        configure(&mut model);
        model.set_option("mip_rel_gap", 1e-7);
        model.set_option("mip_abs_gap", 1e-9);
        // The swap search already supplies good panels; the feasibility-jump heuristic cost about a
        // third of every pricing MIP on sf_fixture_22 (perf) and never decided a result.
        model.set_option("mip_heuristic_run_feasibility_jump", false);
        let (problem, _) = panel_problem(instance, reduced, false);
        let mut relaxation = problem.optimise(Sense::Maximise);
        configure(&mut relaxation);
        // Only costs change between calls, so the last optimal basis stays primal feasible.
        relaxation.set_option("presolve", "off");
        relaxation.set_option("simplex_strategy", 4);
        let sizes = reduced
            .profiles
            .iter()
            .map(|profile| profile.members.len() as u32)
            .collect();
        PanelOracle {
            model: Some(model),
            relaxation: Some(relaxation),
            columns,
            sizes,
        }
    }

    /// Is there a feasible panel with `sum weights[t] * count[t] > threshold`? The LP relaxation
    /// answers first: a bound at or below the threshold proves there is none, and an integral
    /// optimum is the MIP's optimum too; only otherwise does the MIP run.
    pub fn price(
        &mut self,
        weights: &[f64],
        threshold: f64,
        watch: &mut Watch<'_>,
    ) -> Result<Priced, SelectionError> {
        let mut relaxation = self.relaxation.take().expect("relaxation present");
        for (&col, &weight) in self.columns.iter().zip(weights) {
            relaxation.change_column_cost(col, weight);
        }
        let solved = watch.solve(relaxation, "panel LP")?;
        let status = solved.status();
        let mut answer = None;
        if status == HighsModelStatus::Optimal {
            let solution = solved.get_solution();
            let values = solution.columns();
            let bound: f64 = values.iter().zip(weights).map(|(&v, &w)| v * w).sum();
            // The bound is computed from the LP's own point, so a tiny slack covers its tolerances.
            if bound <= threshold - 1e-9 * (1.0 + threshold.abs()) {
                answer = Some(Priced::NoneBetter);
            } else if values.iter().all(|&v| (v - v.round()).abs() <= 1e-9) {
                let counts: Vec<u32> = values.iter().map(|&v| v.round().max(0.0) as u32).collect();
                let value: f64 = counts
                    .iter()
                    .zip(weights)
                    .map(|(&c, &w)| c as f64 * w)
                    .sum();
                answer = Some(if value > threshold {
                    Priced::Better(counts)
                } else {
                    Priced::NoneBetter
                });
            }
        }
        self.relaxation = Some(solved.into());
        if let Some(answer) = answer {
            return Ok(answer);
        }
        Ok(match self.best(weights, None, watch)? {
            Some((counts, value)) if value > threshold => Priced::Better(counts),
            // The MIP proves optimality; an infeasible MIP cannot happen once one panel is known.
            _ => Priced::NoneBetter,
        })
    }

    /// Finds a feasible panel maximising `sum weights[t] * count[t]`, optionally forcing at least
    /// one member of profile `force`. Returns the counts and objective, or `None` if infeasible.
    pub fn best(
        &mut self,
        weights: &[f64],
        force: Option<usize>,
        watch: &mut Watch<'_>,
    ) -> Result<Option<(Vec<u32>, f64)>, SelectionError> {
        let mut model = self.model.take().expect("panel model present");
        for (&col, &weight) in self.columns.iter().zip(weights) {
            model.change_column_cost(col, weight);
        }
        if let Some(profile) = force {
            model.change_column_bounds(self.columns[profile], 1.0..=self.sizes[profile] as f64);
        }
        let solved = watch.solve(model, "panel MIP")?;
        let status = solved.status();
        let result = match status {
            HighsModelStatus::Optimal => {
                let solution = solved.get_solution();
                let counts: Vec<u32> = solution
                    .columns()
                    .iter()
                    .map(|&value| value.round().max(0.0) as u32)
                    .collect();
                let objective = counts
                    .iter()
                    .zip(weights)
                    .map(|(&c, &w)| c as f64 * w)
                    .sum();
                Some((counts, objective))
            }
            HighsModelStatus::Infeasible => None,
            other => {
                return Err(SelectionError::Solver {
                    message: format!("panel MIP ended with status {other:?}"),
                });
            }
        };
        let mut model: Model = solved.into();
        if let Some(profile) = force {
            model.change_column_bounds(self.columns[profile], 0.0..=self.sizes[profile] as f64);
        }
        self.model = Some(model);
        Ok(result)
    }
}

/// One change suggested by the relaxation ILP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaChange {
    /// Feature name.
    pub feature: String,
    /// Value.
    pub value: String,
    /// `true` for a change of the minimum, `false` for the maximum.
    pub is_min: bool,
    /// Quota before.
    pub from: u32,
    /// Suggested quota.
    pub to: u32,
}

impl std::fmt::Display for QuotaChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bound = if self.is_min { "minimum" } else { "maximum" };
        write!(
            f,
            "{}={}: {} {} -> {}",
            self.feature, self.value, bound, self.from, self.to
        )
    }
}

/// Cost of lowering a minimum of `min` by one: small minimums are expensive to cut
/// (lowering 1 to 0 costs 13, more than raising a maximum by 12).
pub fn min_cut_cost(min: u32) -> f64 {
    1.0 + 12.0 / min.max(1) as f64
}

/// Solves the relaxation ILP: the cheapest integer changes of minimums (down to `min_flex`) and
/// maximums (up to `max_flex`) that admit a panel. `Ok(None)` when even that is impossible.
pub(crate) fn smallest_relaxation(
    instance: &Instance,
    reduced: &Reduced,
) -> Result<Option<Vec<QuotaChange>>, SelectionError> {
    let mut problem = RowProblem::default();
    let columns: Vec<Col> = reduced
        .profiles
        .iter()
        .map(|profile| problem.add_integer_column(0.0, 0.0..=profile.members.len() as f64))
        .collect();
    problem.add_row(
        reduced.seats as f64..=reduced.seats as f64,
        columns.iter().map(|&col| (col, 1.0)),
    );
    let mut slacks = Vec::new();
    for (feature_index, feature) in instance.features.iter().enumerate() {
        for (value_index, quota) in feature.quotas.iter().enumerate() {
            let already = reduced.already_counts[feature_index][value_index] as f64;
            let cut = problem.add_integer_column(
                min_cut_cost(quota.min),
                0.0..=(quota.min - quota.min_flex) as f64,
            );
            let raise = problem.add_integer_column(1.0, 0.0..=(quota.max_flex - quota.max) as f64);
            let members: Vec<(Col, f64)> = reduced
                .profiles
                .iter()
                .zip(&columns)
                .filter(|(profile, _)| profile.values[feature_index] == value_index)
                .map(|(_, &col)| (col, 1.0))
                .collect();
            let mut low_row = members.clone();
            low_row.push((cut, 1.0));
            problem.add_row(quota.min as f64 - already.., low_row);
            let mut high_row = members;
            high_row.push((raise, -1.0));
            problem.add_row(..=quota.max as f64 - already, high_row);
            slacks.push((feature_index, value_index, cut, raise));
        }
    }
    for group in &reduced.households {
        problem.add_row(..=1.0, group.iter().map(|&profile| (columns[profile], 1.0)));
    }
    let mut model = problem.optimise(Sense::Minimise);
    configure(&mut model);
    model.set_option("mip_rel_gap", 0.0);
    let solved = model.try_solve().map_err(|status| SelectionError::Solver {
        message: format!("relaxation ILP: {status:?}"),
    })?;
    match solved.status() {
        HighsModelStatus::Optimal => {}
        HighsModelStatus::Infeasible => return Ok(None),
        other => {
            return Err(SelectionError::Solver {
                message: format!("relaxation ILP ended with status {other:?}"),
            });
        }
    }
    let values = solved.get_solution().columns().to_vec();
    let mut changes = Vec::new();
    for (feature_index, value_index, cut, raise) in slacks {
        let feature = &instance.features[feature_index];
        let quota = &feature.quotas[value_index];
        let cut = values[cut.index()].round() as u32;
        let raise = values[raise.index()].round() as u32;
        if cut > 0 {
            changes.push(QuotaChange {
                feature: feature.name.clone(),
                value: quota.value.clone(),
                is_min: true,
                from: quota.min,
                to: quota.min - cut,
            });
        }
        if raise > 0 {
            changes.push(QuotaChange {
                feature: feature.name.clone(),
                value: quota.value.clone(),
                is_min: false,
                from: quota.max,
                to: quota.max + raise,
            });
        }
    }
    Ok(Some(changes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{parse_features, parse_people};
    use rand_chacha::ChaCha20Rng;
    use rand_core::{Rng, SeedableRng};

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

    /// The relaxation shortcut must give the MIP's answer: for random weights, a threshold just
    /// below the MIP optimum gets a panel worth the optimum, and one just above gets a proof
    /// that no panel beats it.
    #[test]
    fn pricing_agrees_with_the_mip_around_its_optimum() {
        let instance = sf_fixture();
        let reduced = Reduced::new(&instance);
        let mut oracle = PanelOracle::new(&instance, &reduced);
        let mut silent = |_: &crate::Progress| std::ops::ControlFlow::Continue(());
        let mut watch = Watch::new(&mut silent);
        let mut rng = ChaCha20Rng::from_seed([3; 32]);
        for round in 0..40 {
            // Sparse weights (as duals are) on some rounds, dense on others.
            let weights: Vec<f64> = (0..reduced.profiles.len())
                .map(|_| {
                    let draw = (rng.next_u64() % 1000) as f64 / 1000.0;
                    if round % 2 == 0 && draw < 0.7 {
                        0.0
                    } else {
                        draw
                    }
                })
                .collect();
            let (_, optimum) = oracle
                .best(&weights, None, &mut watch)
                .unwrap()
                .expect("sf_fixture_22 has panels");
            match oracle.price(&weights, optimum - 1e-6, &mut watch).unwrap() {
                Priced::Better(panel) => {
                    let value: f64 = panel
                        .iter()
                        .zip(&weights)
                        .map(|(&c, &w)| c as f64 * w)
                        .sum();
                    assert!(
                        (value - optimum).abs() <= 1e-7,
                        "round {round}: priced panel worth {value}, MIP optimum {optimum}"
                    );
                    let panel_people: Vec<usize> = panel
                        .iter()
                        .enumerate()
                        .flat_map(|(t, &c)| {
                            reduced.profiles[t].members.iter().copied().take(c as usize)
                        })
                        .collect();
                    instance.check_panel(&panel_people).unwrap();
                }
                Priced::NoneBetter => panic!(
                    "round {round}: a panel worth {optimum} exists above {}",
                    optimum - 1e-6
                ),
            }
            if let Priced::Better(_) = oracle.price(&weights, optimum + 1e-6, &mut watch).unwrap() {
                panic!("round {round}: no panel is worth more than the MIP optimum {optimum}");
            }
        }
    }
}
