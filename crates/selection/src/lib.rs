//! `selection`: the stratified selection engine of Kleroterion.
//!
//! A pure library: no IO, no async, no database. Given a pool, features with quotas and a panel
//! size, it computes a fair distribution over quota-feasible panels (LEXIMIN by default, MAXIMIN,
//! or the LEGACY greedy for comparison) with HiGHS, and draws one panel from a published seed.
//! Everything is deterministic for a given input and seed. Progress goes through a callback.
//!
//! Modules: [`model`] (typed inputs and CSV-text parsing), `solver` (profiles, panel MIP,
//! relaxation ILP), `leximin` (column generation), `lottery` (transparent rounding), [`sample`]
//! (random stream, sampling, commitment), [`published`] (reading a published distribution back), `legacy`.

mod decompose;
pub mod legacy;
mod leximin;
mod lottery;
pub mod model;
pub mod published;
pub mod sample;
pub mod solver;
mod watch;

use model::Instance;
use std::ops::ControlFlow;

/// The engine's version, recorded with every final run so a published result names the code that made it: the
/// package version and an engine revision, raised whenever the same inputs and seed can give another distribution
/// (revision 2: panels from the multiplicative-weights pool enter column generation first; revision 3: LEXIMIN
/// first tries the LEXIMIN of the LP relaxation as a target; revision 4: the face walk finds its panels in the box
/// around the face LP's vertex first and its whole-face MIPs stop at a 5% gap, and MAXIMIN goes through the
/// relaxation's LEXIMIN too; revision 5: the face walk keeps one face LP across its steps, looks for its panels
/// in a reduced-cost neighbourhood of the LP's vertex, runs before the coverage and from 150 profiles on). A verifier re-runs a published selection with
/// the revision it names.
pub const ENGINE_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+engine.5");
pub use solver::{Profile, QuotaChange};

/// Errors of the selection engine. Messages never contain pool data beyond ids and values.
#[derive(Debug, thiserror::Error)]
pub enum SelectionError {
    /// The CSV text is malformed (unbalanced quotes, wrong number of fields, bad UTF-8).
    #[error("{file} line {line}: {message}")]
    CsvSyntax {
        file: String,
        line: u64,
        message: String,
    },
    /// A required column is missing from the header.
    #[error("{file}: missing column `{column}`")]
    MissingColumn { file: String, column: String },
    /// A required field is empty.
    #[error("empty field at {file} line {line} column {column}")]
    EmptyField {
        file: String,
        line: u64,
        column: u64,
    },
    /// A number could not be parsed.
    #[error(
        "`{value}` is not a non-negative whole number for `{field}` at {file} line {line} column {column}"
    )]
    BadNumber {
        file: String,
        line: u64,
        column: u64,
        field: String,
        value: String,
    },
    /// A quota row is inconsistent (min > max, or flex bounds on the wrong side).
    #[error(
        "{file} line {line}: quota for {feature}={value} is inconsistent (min {min}, max {max}, min_flex {min_flex}, max_flex {max_flex}); need min_flex <= min <= max <= max_flex"
    )]
    BadQuota {
        file: String,
        line: u64,
        feature: String,
        value: String,
        min: u32,
        max: u32,
        min_flex: u32,
        max_flex: u32,
    },
    /// The same feature value appears twice.
    #[error("{file} line {line}: duplicate quota for {feature}={value}")]
    DuplicateQuota {
        file: String,
        line: u64,
        feature: String,
        value: String,
    },
    /// The features file has no rows.
    #[error("{file}: no features")]
    NoFeatures { file: String },
    /// A person has a value the features file does not list.
    #[error(
        "unknown value `{value}` for feature `{feature}` at {file} line {line} column {column}"
    )]
    UnknownValue {
        file: String,
        line: u64,
        column: u64,
        feature: String,
        value: String,
    },
    /// Two rows have the same id.
    #[error("duplicate id `{id}` at {file} line {line} (first seen at line {first_line})")]
    DuplicateId {
        file: String,
        line: u64,
        id: String,
        first_line: u64,
    },
    /// An already-selected id is not in the pool.
    #[error("id `{id}` at {file} line {line} column {column} is not in the pool")]
    UnknownSelectedId {
        file: String,
        line: u64,
        column: u64,
        id: String,
    },
    /// The panel size is zero or larger than the pool.
    #[error("panel size {panel_size} is impossible for a pool of {pool}")]
    PanelSize { panel_size: usize, pool: usize },
    /// More people are already selected than the panel has seats.
    #[error("{already} people are already selected but the panel has only {panel_size} seats")]
    TooManyAlreadySelected { already: usize, panel_size: usize },
    /// Two already-selected people share a household.
    #[error("already-selected people `{first}` and `{second}` share a household")]
    AlreadySelectedSameHousehold { first: String, second: String },
    /// A quota asks for at least one person with a value nobody in the pool has.
    #[error("quota {feature}={value} has minimum {min} but nobody in the pool has this value")]
    QuotaValueAbsent {
        feature: String,
        value: String,
        min: u32,
    },
    /// No panel meets the quotas; the smallest relaxation is attached.
    #[error("no panel meets the quotas; smallest relaxation that admits one:\n{}", changes.iter().map(|c| format!("  {c}")).collect::<Vec<_>>().join("\n"))]
    InfeasibleQuotas { changes: Vec<QuotaChange> },
    /// No panel exists even within the min_flex/max_flex bounds (or because of households).
    #[error("no panel meets the quotas, and no relaxation within min_flex/max_flex admits one")]
    NoFeasiblePanel,
    /// A published distribution file is malformed or names someone outside the pool.
    #[error("{file} line {line}: {message}")]
    BadDistribution {
        file: String,
        line: u64,
        message: String,
    },
    /// A published distribution file lists no panel.
    #[error("{file}: no panels")]
    EmptyDistribution { file: String },
    /// LEGACY did not find a panel.
    #[error("the legacy method found no panel in {attempts} attempts")]
    LegacyFailed { attempts: usize },
    /// The caller's progress callback asked to stop (see [`run_cancellable`]).
    #[error("the run was cancelled")]
    Cancelled,
    /// HiGHS failed or returned an unexpected status.
    #[error("solver failure: {message}")]
    Solver { message: String },
}

/// Which fairness objective to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// Maximise the smallest probability, then the next smallest, and so on (exact).
    Leximin,
    /// Maximise the smallest probability only.
    Maximin,
    /// The old greedy method; probabilities are estimated, not controlled.
    Legacy,
}

/// Settings of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Fairness objective.
    pub algorithm: Algorithm,
    /// Round the distribution to this many equally likely panels (transparent lottery).
    pub lottery_panels: Option<u32>,
}

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Finding panels that cover every profile.
    Coverage,
    /// LEXIMIN stage (MAXIMIN has only stage 1).
    Stage(usize),
    /// Distribution computed.
    Done,
}

/// What the engine is doing, step by step (see docs/selection.md for the algorithm).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activity {
    /// Finding panels until every profile is in one (`done` profiles covered out of `total`).
    Coverage,
    /// The LEXIMIN of the LP relaxation, one small LP per level (`done` profiles fixed out of `total`).
    RelaxationLevels,
    /// Writing the relaxation's LEXIMIN as a lottery, one face of the relaxation per step (`done` steps;
    /// `total` is `done` plus an estimate of the steps left from the dimension of the current face, which
    /// falls as the faces shrink; at most one step per profile).
    FaceWalk,
    /// The multiplicative-weights panel pool (`done` rounds out of `total`).
    PanelPool,
    /// Column generation towards the relaxation's LEXIMIN (`done` is the reached share of the target, in
    /// thousandths, out of `total` = 1000).
    TargetCheck,
    /// The stage-by-stage LEXIMIN, or MAXIMIN's stage (`done` profiles fixed out of `total`).
    Stages,
    /// Finished.
    Done,
}

/// A progress report passed to the caller's callback.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Current phase.
    pub phase: Phase,
    /// Panels known so far.
    pub panels: usize,
    /// Profiles whose probability is fixed.
    pub fixed_profiles: usize,
    /// Number of profiles.
    pub profiles: usize,
    /// Current stage value (lowest probability being raised).
    pub value: f64,
    /// The current step of the algorithm.
    pub activity: Activity,
    /// Work done in the current step (its unit is described with [`Activity`]).
    pub done: usize,
    /// Work of the current step (at least `done`; an upper bound where the step's length is not known).
    pub total: usize,
    /// An estimate of the share of the whole run done, between 0 and 1; it never decreases during a run.
    pub fraction: f64,
}

impl Progress {
    /// The report before anything is done.
    pub fn start(profiles: usize) -> Progress {
        Progress {
            phase: Phase::Coverage,
            panels: 0,
            fixed_profiles: 0,
            profiles,
            value: 0.0,
            activity: Activity::Coverage,
            done: 0,
            total: profiles,
            fraction: 0.0,
        }
    }
}

impl std::fmt::Display for Progress {
    /// One line for people, e.g. "face walk: step 57 of about 140 (41%)".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let percent = (self.fraction * 100.0).floor();
        match self.activity {
            Activity::Coverage => write!(
                f,
                "covering profiles: {} of {} ({percent}%)",
                self.done, self.total
            ),
            Activity::RelaxationLevels => write!(
                f,
                "relaxation levels: {} of {} profiles fixed ({percent}%)",
                self.done, self.total
            ),
            Activity::FaceWalk => write!(
                f,
                "face walk: step {} of about {} ({percent}%)",
                self.done, self.total
            ),
            Activity::PanelPool => write!(
                f,
                "panel pool: round {} of {}, {} panels ({percent}%)",
                self.done, self.total, self.panels
            ),
            Activity::TargetCheck => write!(
                f,
                "column generation towards the relaxation: {:.1}% of the target, {} panels ({percent}%)",
                self.done as f64 / 10.0,
                self.panels
            ),
            Activity::Stages => write!(
                f,
                "stage {}: minimum {:.6}, {} of {} profiles fixed, {} panels ({percent}%)",
                match self.phase {
                    Phase::Stage(stage) => stage,
                    _ => 0,
                },
                self.value,
                self.fixed_profiles,
                self.profiles,
                self.panels
            ),
            Activity::Done => write!(f, "done: {} panels", self.panels),
        }
    }
}

/// A panel of the distribution: how many people of each profile, and its probability.
/// Which members of a profile sit on the panel is chosen uniformly at random by the draw.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfilePanel {
    /// Seats per profile (same order as [`Distribution::profiles`]).
    pub counts: Vec<u32>,
    /// Probability of this panel.
    pub probability: f64,
}

/// Transparent lottery: `panels.len()` equally likely concrete panels.
#[derive(Debug, Clone, PartialEq)]
pub struct Lottery {
    /// The numbered panels (sorted pool indices each).
    pub panels: Vec<Vec<usize>>,
    /// Largest change of any person's probability caused by the rounding.
    pub max_change: f64,
}

/// A fair distribution over panels.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// Groups of interchangeable eligible people.
    pub profiles: Vec<Profile>,
    /// Panels with positive probability, sorted by their counts.
    pub panels: Vec<ProfilePanel>,
    /// Per pool member: the probability from the optimal distribution.
    pub fair_probabilities: Vec<f64>,
    /// The transparent lottery, when requested.
    pub lottery: Option<Lottery>,
    /// Pool indices of eligible people who are in no feasible panel.
    pub unreachable: Vec<usize>,
    /// Pool indices excluded because they share a household with an already-selected person.
    pub excluded: Vec<usize>,
    /// The distribution is the LEXIMIN of the LP relaxation, which panels reached exactly (by the face
    /// walk or by one column generation towards it), without the stage-by-stage search. For MAXIMIN too:
    /// the relaxation's LEXIMIN, when panels reach it, is a MAXIMIN optimum.
    pub by_relaxation: bool,
    /// How the distribution was found.
    pub way: Way,
}

/// How a distribution was found (see docs/selection.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// The face walk wrote the relaxation's LEXIMIN as a lottery.
    FaceWalk,
    /// Column generation reached the relaxation's LEXIMIN.
    TargetColumnGeneration,
    /// Column generation stage by stage (MAXIMIN: its one stage).
    Stages,
}

impl std::fmt::Display for Way {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Way::FaceWalk => "face walk",
            Way::TargetColumnGeneration => "column generation towards the relaxation",
            Way::Stages => "stages",
        })
    }
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// The drawn panel (sorted pool indices, already-selected people included).
    pub panel: Vec<usize>,
    /// Per pool member: the probability of being on the panel under the draw that was used.
    pub probabilities: Vec<f64>,
    /// `true` when the probabilities are Monte-Carlo estimates (LEGACY).
    pub estimated: bool,
    /// The distribution (not for LEGACY).
    pub distribution: Option<Distribution>,
    /// The lottery number drawn, when a transparent lottery was used.
    pub lottery_number: Option<u64>,
}

/// Number of LEGACY repetitions used to estimate its probabilities.
pub const LEGACY_ESTIMATE_DRAWS: usize = 1000;

impl Distribution {
    /// A concrete panel realising profile panel `index` (the first members of each profile),
    /// already-selected people included. Useful for checks and reports.
    pub fn representative(&self, instance: &Instance, index: usize) -> Vec<usize> {
        let mut members = instance.already_selected.clone();
        for (profile, &count) in self.profiles.iter().zip(&self.panels[index].counts) {
            members.extend_from_slice(&profile.members[..count as usize]);
        }
        members.sort_unstable();
        members
    }

    /// The selection probability of every pool member under the draw actually used
    /// (the lottery's when there is one).
    pub fn probabilities(&self, instance: &Instance) -> Vec<f64> {
        match &self.lottery {
            Some(lottery) => lottery_probabilities(instance.people.len(), &lottery.panels),
            None => self.fair_probabilities.clone(),
        }
    }

    /// The distribution file (documented in docs/selection.md): one row per (panel, profile with
    /// seats) or, with a lottery, one row per numbered panel, people named by their pool ids.
    /// Probabilities are written in shortest round-trip form so the draw can be replayed bit for bit.
    pub fn to_csv(&self, instance: &Instance) -> String {
        let ids = |people: &[usize]| {
            people
                .iter()
                .map(|&i| instance.people[i].id.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let io = "writing CSV to memory cannot fail";
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut row = |cells: [&str; 5]| writer.write_record(cells).expect(io);
        row(["kind", "panel", "probability", "seats", "members"]);
        if !instance.already_selected.is_empty() {
            let seats = instance.already_selected.len().to_string();
            row([
                "already-selected",
                "",
                "",
                &seats,
                &ids(&instance.already_selected),
            ]);
        }
        for (index, panel) in self.panels.iter().enumerate() {
            for (profile, &count) in self.profiles.iter().zip(&panel.counts) {
                if count > 0 {
                    row([
                        "panel",
                        &index.to_string(),
                        &panel.probability.to_string(),
                        &count.to_string(),
                        &ids(&profile.members),
                    ]);
                }
            }
        }
        if let Some(lottery) = &self.lottery {
            for (number, panel) in lottery.panels.iter().enumerate() {
                row([
                    "lottery",
                    &number.to_string(),
                    "",
                    &panel.len().to_string(),
                    &ids(panel),
                ]);
            }
        }
        String::from_utf8(writer.into_inner().expect(io)).expect("CSV of UTF-8 fields is UTF-8")
    }
}

pub(crate) fn lottery_probabilities(pool: usize, panels: &[Vec<usize>]) -> Vec<f64> {
    let mut counts = vec![0usize; pool];
    for panel in panels {
        for &person in panel {
            counts[person] += 1;
        }
    }
    counts
        .iter()
        .map(|&c| c as f64 / panels.len() as f64)
        .collect()
}

fn infeasible(instance: &Instance, reduced: &solver::Reduced) -> SelectionError {
    match solver::smallest_relaxation(instance, reduced) {
        Ok(Some(changes)) if !changes.is_empty() => SelectionError::InfeasibleQuotas { changes },
        Ok(_) => SelectionError::NoFeasiblePanel,
        Err(error) => error,
    }
}

/// Computes the fair distribution (LEXIMIN or MAXIMIN; LEGACY has none and is treated as MAXIMIN
/// here). Infeasible quotas give [`SelectionError::InfeasibleQuotas`] with the smallest relaxation.
pub fn find_distribution(
    instance: &Instance,
    settings: &Settings,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Distribution, SelectionError> {
    find_distribution_cancellable(instance, settings, &mut |p| {
        progress(p);
        ControlFlow::Continue(())
    })
}

/// [`find_distribution`] whose callback may stop the computation by returning `ControlFlow::Break`,
/// which ends it with [`SelectionError::Cancelled`].
pub fn find_distribution_cancellable(
    instance: &Instance,
    settings: &Settings,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<Distribution, SelectionError> {
    let reduced = solver::Reduced::new(instance);
    let algorithm = if settings.algorithm == Algorithm::Leximin {
        Algorithm::Leximin
    } else {
        Algorithm::Maximin
    };
    let mut watch = watch::Watch::new(progress);
    let result = match leximin::solve(instance, &reduced, algorithm, &mut watch) {
        Err(SelectionError::NoFeasiblePanel) => return Err(infeasible(instance, &reduced)),
        other => other?,
    };
    let mut fair_probabilities = vec![0.0; instance.people.len()];
    for &person in &instance.already_selected {
        fair_probabilities[person] = 1.0;
    }
    for (profile, &probability) in reduced.profiles.iter().zip(&result.profile_probability) {
        for &person in &profile.members {
            fair_probabilities[person] = probability.clamp(0.0, 1.0);
        }
    }
    let lottery = settings.lottery_panels.filter(|&m| m > 0).map(|slots| {
        let counts = lottery::round(&reduced, &result.panels, &result.profile_probability, slots);
        let panels = lottery::expand(
            &reduced,
            &instance.already_selected,
            &result.panels,
            &counts,
        );
        let probabilities = lottery_probabilities(instance.people.len(), &panels);
        let max_change = probabilities
            .iter()
            .zip(&fair_probabilities)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        Lottery { panels, max_change }
    });
    let mut unreachable: Vec<usize> = result
        .unreachable
        .iter()
        .flat_map(|&t| reduced.profiles[t].members.iter().copied())
        .collect();
    unreachable.sort_unstable();
    Ok(Distribution {
        panels: result
            .panels
            .into_iter()
            .map(|(counts, probability)| ProfilePanel {
                counts,
                probability,
            })
            .collect(),
        profiles: reduced.profiles,
        fair_probabilities,
        lottery,
        unreachable,
        excluded: reduced.excluded,
        by_relaxation: result.way != Way::Stages,
        way: result.way,
    })
}

/// The prefix of a seed that is a number drawn physically in public (dice, balls): `number:417`.
pub const PUBLIC_NUMBER_PREFIX: &str = "number:";

/// The number of a seed written `number:N` (N in decimal, without sign, spaces or leading zeros, at most 18
/// digits), the number drawn physically in public; `None` for any other seed. With a transparent lottery of M
/// panels and N < M, the panel is number N and no random stream is read (docs/selection.md, step 3).
pub fn public_number(seed: &str) -> Option<u64> {
    let digits = seed.strip_prefix(PUBLIC_NUMBER_PREFIX)?;
    let canonical = !digits.is_empty()
        && digits.len() <= 18
        && digits.bytes().all(|byte| byte.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    canonical.then(|| digits.parse().ok()).flatten()
}

/// Draws the panel from a distribution with the stream of `seed` (see docs/selection.md):
/// with a lottery, one `uniform_below(M)` picks the numbered panel, or the seed is the number drawn in public
/// ([`public_number`], below M) and names it; otherwise one `unit()` picks
/// a profile panel and, profile by profile, a partial Fisher–Yates shuffle picks its members.
/// Returns the sorted panel and the lottery number (if any).
pub fn draw(
    instance: &Instance,
    distribution: &Distribution,
    seed: &str,
) -> (Vec<usize>, Option<u64>) {
    let mut rng = sample::stream(seed);
    if let Some(lottery) = &distribution.lottery {
        let count = lottery.panels.len() as u64;
        let number = match public_number(seed) {
            Some(number) if number < count => number,
            _ => sample::uniform_below(&mut rng, count),
        };
        return (lottery.panels[number as usize].clone(), Some(number));
    }
    let probabilities: Vec<f64> = distribution
        .panels
        .iter()
        .map(|panel| panel.probability)
        .collect();
    let index = sample::pick_panel(&probabilities, sample::unit(&mut rng));
    let mut panel = instance.already_selected.clone();
    for (profile, &count) in distribution
        .profiles
        .iter()
        .zip(&distribution.panels[index].counts)
    {
        if count > 0 {
            panel.extend(sample::choose(&mut rng, &profile.members, count as usize));
        }
    }
    panel.sort_unstable();
    (panel, None)
}

/// Checks quickly (one panel MIP) whether any panel meets the quotas: `Ok(())` if one does, otherwise
/// [`SelectionError::InfeasibleQuotas`] with the smallest relaxation (or [`SelectionError::NoFeasiblePanel`]).
/// This is the live feasibility check of a quota editor: it draws nothing and computes no distribution.
pub fn check_feasible(instance: &Instance) -> Result<(), SelectionError> {
    let reduced = solver::Reduced::new(instance);
    let mut oracle = solver::PanelOracle::new(instance, &reduced);
    let mut silent = |_: &Progress| ControlFlow::Continue(());
    match oracle.best(
        &vec![0.0; reduced.profiles.len()],
        None,
        &mut watch::Watch::new(&mut silent),
    )? {
        Some(_) => Ok(()),
        None => Err(infeasible(instance, &reduced)),
    }
}

/// Runs the whole selection: distribution (or LEGACY), then the draw from `seed`.
pub fn run(
    instance: &Instance,
    settings: &Settings,
    seed: &str,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Selection, SelectionError> {
    run_cancellable(instance, settings, seed, &mut |p| {
        progress(p);
        ControlFlow::Continue(())
    })
}

/// [`run`] whose callback may stop the computation by returning `ControlFlow::Break`, which ends it with
/// [`SelectionError::Cancelled`] (the web app's cancel button). LEGACY reports no progress and is not stopped.
pub fn run_cancellable(
    instance: &Instance,
    settings: &Settings,
    seed: &str,
    progress: &mut dyn FnMut(&Progress) -> ControlFlow<()>,
) -> Result<Selection, SelectionError> {
    if settings.algorithm == Algorithm::Legacy {
        let reduced = solver::Reduced::new(instance);
        // One MIP tells whether any panel exists, so infeasible quotas get the relaxation report.
        let mut oracle = solver::PanelOracle::new(instance, &reduced);
        if oracle
            .best(
                &vec![0.0; reduced.profiles.len()],
                None,
                &mut watch::Watch::new(progress),
            )?
            .is_none()
        {
            return Err(infeasible(instance, &reduced));
        }
        let mut rng = sample::stream(seed);
        let panel = legacy::draw(instance, &reduced, &mut rng)?;
        let mut estimate_rng = sample::stream(&format!("{seed}\u{0}legacy-estimate"));
        let mut counts = vec![0usize; instance.people.len()];
        for _ in 0..LEGACY_ESTIMATE_DRAWS {
            for person in legacy::draw(instance, &reduced, &mut estimate_rng)? {
                counts[person] += 1;
            }
        }
        let probabilities = counts
            .iter()
            .map(|&c| c as f64 / LEGACY_ESTIMATE_DRAWS as f64)
            .collect();
        return Ok(Selection {
            panel,
            probabilities,
            estimated: true,
            distribution: None,
            lottery_number: None,
        });
    }
    let distribution = find_distribution_cancellable(instance, settings, progress)?;
    let (panel, lottery_number) = draw(instance, &distribution, seed);
    Ok(Selection {
        panel,
        probabilities: distribution.probabilities(instance),
        estimated: false,
        distribution: Some(distribution),
        lottery_number,
    })
}
