//! The anonymised pool and the engine's inputs: the published texts of a run (`pool.csv` with a random public id,
//! the feature values and a random household key per person; `features.csv` of the quotas), read back exactly as
//! `klero verify` reads the files, and the live feasibility check of the stored quotas against the pool.

use std::collections::{BTreeMap, HashSet};

use ::selection as engine;
use domain::selection::Algorithm;
use engine::SelectionError;
use engine::model::{Instance, parse_already_selected, parse_features, parse_people};
use store::AnyConnection;
use store::selection::{PoolMember, QuotaRow, RunPerson, RunRow};

use super::quotas::{FeatureDef, features_of};
use super::{POOL_STATUSES, Refusal};
use crate::Result;

/// The column of the published pool holding a random key per household (the same for the people registered with
/// one invitation, never the code or the address), so that anyone verifying can check one person per household.
pub const HOUSEHOLD_COLUMN: &str = "household_key";

/// One CSV record, ended by `\n` (quoted where the `csv` writer needs to).
pub fn csv_line(cells: &[&str]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = writer.write_record(cells);
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The `features.csv` text of quotas, as `klero verify` reads it.
pub fn features_csv(quotas: &[QuotaRow]) -> String {
    let mut text = csv_line(&["feature", "value", "min", "max"]);
    for quota in quotas {
        text.push_str(&csv_line(&[
            &quota.feature,
            &quota.value,
            &quota.min_seats.to_string(),
            &quota.max_seats.to_string(),
        ]));
    }
    text
}

/// An anonymised pool: the published text, the people behind the public ids, and how many were left out.
#[derive(Debug, Clone)]
pub struct Pool {
    /// `id`, one column per feature and [`HOUSEHOLD_COLUMN`]; rows in public-id order.
    pub pool_csv: String,
    /// The people, in the order of the rows.
    pub people: Vec<RunPerson>,
    /// Respondents of the pool without a valid answer for every feature (not in the pool).
    pub left_out: usize,
}

/// A fresh random key with a one-letter prefix (`P1a2b3c4d5e`).
fn random_key(prefix: char) -> Result<String> {
    let hex = hex::encode(crate::random::bytes::<6>()?);
    Ok(format!("{prefix}{}", &hex[..10]))
}

/// Builds the anonymised pool of `members` for `features`: a random public id and the feature values only, plus a
/// random key per household; the people in `already` are marked as already on the panel. A member whose stored
/// answers are not a JSON object is an error, never an empty set of answers.
pub fn build_pool(
    features: &[FeatureDef],
    members: &[PoolMember],
    already: &HashSet<i64>,
) -> Result<Pool> {
    let mut rows: Vec<(String, i64, Vec<String>)> = Vec::new();
    let mut left_out = 0;
    let mut ids = HashSet::new();
    let mut households: BTreeMap<i64, String> = BTreeMap::new();
    let mut keys = HashSet::new();
    let mut fresh_key = || -> Result<String> {
        loop {
            let key = random_key('H')?;
            if keys.insert(key.clone()) {
                return Ok(key);
            }
        }
    };
    for member in members {
        let answers = crate::members::feature_values(&member.features_json)?;
        let values: Option<Vec<String>> = features
            .iter()
            .map(|feature| {
                answers
                    .get(&feature.name)
                    .filter(|value| feature.values.contains(value))
                    .cloned()
            })
            .collect();
        let Some(mut values) = values else {
            left_out += 1;
            continue;
        };
        let household = match member.household {
            Some(invitation) => match households.get(&invitation) {
                Some(key) => key.clone(),
                None => {
                    let key = fresh_key()?;
                    households.insert(invitation, key.clone());
                    key
                }
            },
            None => fresh_key()?,
        };
        values.push(household);
        let mut id = random_key('P')?;
        while !ids.insert(id.clone()) {
            id = random_key('P')?;
        }
        rows.push((id, member.respondent_id, values));
    }
    rows.sort();
    let mut header = vec!["id"];
    header.extend(features.iter().map(|f| f.name.as_str()));
    header.push(HOUSEHOLD_COLUMN);
    let mut pool_csv = csv_line(&header);
    let mut people = Vec::new();
    for (position, (id, respondent_id, values)) in rows.into_iter().enumerate() {
        let mut cells = vec![id.as_str()];
        cells.extend(values.iter().map(String::as_str));
        pool_csv.push_str(&csv_line(&cells));
        people.push(RunPerson {
            public_id: id,
            respondent_id,
            position: position as i64,
            selected: false,
            already: already.contains(&respondent_id),
        });
    }
    Ok(Pool {
        pool_csv,
        people,
        left_out,
    })
}

/// The engine's instance from the published texts, read exactly as `klero verify` reads the files.
pub fn instance_of(
    pool_csv: &str,
    features_csv: &str,
    already_csv: &str,
    panel_size: usize,
) -> Result<Instance, SelectionError> {
    let features = parse_features("features.csv", features_csv, panel_size)?;
    let table = parse_people(
        "pool.csv",
        pool_csv,
        &features,
        "id",
        &household_columns(pool_csv),
    )?;
    let already = if already_csv.trim().is_empty() {
        Vec::new()
    } else {
        parse_already_selected("already-selected.csv", already_csv, &table.people, "id")?
    };
    Instance::new(features, table.people, panel_size, already)
}

/// The household columns of a published pool: [`HOUSEHOLD_COLUMN`] if its header has it (pools published before it
/// existed have none).
pub fn household_columns(pool_csv: &str) -> Vec<String> {
    let header = pool_csv.lines().next().unwrap_or("");
    if header
        .split(',')
        .any(|cell| cell.trim() == HOUSEHOLD_COLUMN)
    {
        vec![HOUSEHOLD_COLUMN.to_owned()]
    } else {
        Vec::new()
    }
}

/// The settings a run uses: its algorithm and, for a final run drawn as a transparent lottery, the number of numbered
/// panels (`klero verify --lottery-panels M`; without it, no lottery).
pub fn settings_of(algorithm: Algorithm, lottery_panels: Option<u32>) -> engine::Settings {
    engine::Settings {
        algorithm: match algorithm {
            Algorithm::Leximin => engine::Algorithm::Leximin,
            Algorithm::Maximin => engine::Algorithm::Maximin,
            Algorithm::Legacy => engine::Algorithm::Legacy,
        },
        lottery_panels,
    }
}

/// The settings of a stored run.
pub fn settings_of_run(run: &RunRow) -> engine::Settings {
    let lottery = run
        .lottery_panels
        .and_then(|panels| u32::try_from(panels).ok());
    settings_of(run.algorithm, lottery)
}

/// The engine's verdict on a set of quotas and a pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// No quotas (or no panel size) are saved.
    NoQuotas,
    /// A panel that meets every quota exists.
    Feasible,
    /// No panel meets the quotas; the engine's smallest relaxation, one change per line.
    Infeasible(Vec<String>),
    /// The inputs could not be read or checked (the engine's message).
    Unreadable(String),
}

impl Verdict {
    /// The verdict of a check's result.
    pub fn of(result: &Result<(), SelectionError>) -> Verdict {
        match result {
            Ok(()) => Verdict::Feasible,
            Err(SelectionError::InfeasibleQuotas { changes }) => {
                Verdict::Infeasible(changes.iter().map(ToString::to_string).collect())
            }
            Err(other) => Verdict::Unreadable(other.to_string()),
        }
    }

    /// Whether a panel exists.
    pub fn is_feasible(&self) -> bool {
        matches!(self, Verdict::Feasible)
    }
}

/// One value of the stored quotas with the number of people of the pool who have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaCount {
    /// The quota as stored.
    pub quota: QuotaRow,
    /// People of the pool with this value.
    pub pool: usize,
}

/// The stored quotas checked against the current pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feasibility {
    /// The quotas with their pool counts (empty without quotas).
    pub rows: Vec<QuotaCount>,
    /// People in the pool.
    pub pool_size: usize,
    /// Respondents of the pool statuses left out for a missing or unknown answer.
    pub left_out: usize,
    /// The engine's verdict.
    pub verdict: Verdict,
}

/// The inputs of the live feasibility check, read from the store; [`PoolCheck::feasibility`] runs the engine (one
/// panel MIP, then the smallest relaxation), so the caller runs it on a blocking thread.
#[derive(Debug, Clone)]
pub struct PoolCheck {
    quotas: Vec<QuotaRow>,
    panel_size: Option<i64>,
    pool: Pool,
}

/// Reads the stored quotas, the panel size and the current pool (respondents `registered` or `eligible`).
pub async fn pool_check(conn: &mut AnyConnection, assembly_id: i64) -> Result<PoolCheck> {
    let quotas = store::selection::quotas(&mut *conn, assembly_id).await?;
    let settings = store::selection::settings(&mut *conn, assembly_id).await?;
    let members = store::selection::pool(&mut *conn, assembly_id, &POOL_STATUSES).await?;
    let pool = build_pool(&features_of(&quotas), &members, &HashSet::new())?;
    Ok(PoolCheck {
        quotas,
        panel_size: settings.map(|settings| settings.panel_size),
        pool,
    })
}

impl PoolCheck {
    /// People in the pool.
    pub fn pool_size(&self) -> usize {
        self.pool.people.len()
    }

    /// Checks the stored quotas against the pool (CPU-bound: run it off the async threads).
    pub fn feasibility(&self) -> Feasibility {
        let (Some(panel_size), false) = (self.panel_size, self.quotas.is_empty()) else {
            return Feasibility {
                rows: Vec::new(),
                pool_size: self.pool_size(),
                left_out: self.pool.left_out,
                verdict: Verdict::NoQuotas,
            };
        };
        let checked = instance_of(
            &self.pool.pool_csv,
            &features_csv(&self.quotas),
            "",
            panel_size as usize,
        )
        .map(|instance| (instance.pool_counts(), engine::check_feasible(&instance)));
        let (counts, verdict) = match checked {
            Ok((counts, result)) => (Some(counts), Verdict::of(&result)),
            Err(error) => (None, Verdict::of(&Err(error))),
        };
        let mut value_index = BTreeMap::new();
        for (f, feature) in features_of(&self.quotas).iter().enumerate() {
            for (v, value) in feature.values.iter().enumerate() {
                value_index.insert((feature.name.clone(), value.clone()), (f, v));
            }
        }
        let rows = self
            .quotas
            .iter()
            .map(|quota| QuotaCount {
                quota: quota.clone(),
                pool: value_index
                    .get(&(quota.feature.clone(), quota.value.clone()))
                    .and_then(|&(f, v)| counts.as_ref().map(|counts| counts[f][v]))
                    .unwrap_or(0),
            })
            .collect();
        Feasibility {
            rows,
            pool_size: self.pool_size(),
            left_out: self.pool.left_out,
            verdict,
        }
    }
}

/// The frozen inputs of a new test or final run, from the stored quotas and the current pool, with the engine's
/// commitment to them.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// Seats on the panel.
    pub panel_size: i64,
    /// The announced seed source.
    pub seed_source: String,
    /// The published quotas.
    pub features_csv: String,
    /// The anonymised pool.
    pub pool: Pool,
    /// The engine's commitment.
    pub commitment: String,
}

/// Freezes the inputs of a run over the current pool; [`Refusal::NoQuotas`] or [`Refusal::Inputs`] when the engine
/// could not take them.
pub async fn inputs(
    conn: &mut AnyConnection,
    assembly_id: i64,
    settings: &engine::Settings,
) -> Result<Result<Inputs, Refusal>> {
    let quotas = store::selection::quotas(&mut *conn, assembly_id).await?;
    let stored = store::selection::settings(&mut *conn, assembly_id).await?;
    let members = store::selection::pool(&mut *conn, assembly_id, &POOL_STATUSES).await?;
    let (Some(stored), false) = (stored, quotas.is_empty()) else {
        return Ok(Err(Refusal::NoQuotas));
    };
    let pool = build_pool(&features_of(&quotas), &members, &HashSet::new())?;
    let features_csv = features_csv(&quotas);
    let instance = match instance_of(
        &pool.pool_csv,
        &features_csv,
        "",
        stored.panel_size as usize,
    ) {
        Ok(instance) => instance,
        Err(error) => return Ok(Err(Refusal::Inputs(error.to_string()))),
    };
    Ok(Ok(Inputs {
        panel_size: stored.panel_size,
        seed_source: stored.seed_source,
        features_csv,
        commitment: engine::sample::commitment(&instance, settings),
        pool,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::respondent::Status;

    #[test]
    fn the_pool_publishes_one_random_key_per_household_and_nothing_else() {
        let features = vec![FeatureDef {
            name: "gender".into(),
            values: vec!["woman".into(), "man".into()],
        }];
        let member = |respondent_id: i64, household: Option<i64>| PoolMember {
            respondent_id,
            status: Status::Registered,
            features_json: r#"{"gender":"woman"}"#.into(),
            household,
        };
        let members = [
            member(1, Some(7)),
            member(2, Some(7)),
            member(3, Some(8)),
            member(4, None),
            member(5, None),
        ];
        let pool = build_pool(&features, &members, &HashSet::from([3])).unwrap();
        assert!(
            pool.pool_csv.starts_with("id,gender,household_key\n"),
            "{}",
            pool.pool_csv
        );
        let key_of = |respondent_id: i64| {
            let person = pool
                .people
                .iter()
                .find(|p| p.respondent_id == respondent_id)
                .unwrap();
            let line = pool
                .pool_csv
                .lines()
                .nth(person.position as usize + 1)
                .unwrap();
            assert!(line.starts_with(&person.public_id), "{line}");
            line.rsplit(',').next().unwrap().to_owned()
        };
        assert_eq!(key_of(1), key_of(2), "one household, one key");
        let keys: HashSet<String> = [1, 3, 4, 5].into_iter().map(key_of).collect();
        assert_eq!(
            keys.len(),
            4,
            "other households, and people without an invitation, have keys of their own"
        );
        assert!(
            keys.iter().all(|k| k.starts_with('H')
                && k.len() == 11
                && k[1..].chars().all(|c| c.is_ascii_hexdigit())),
            "random keys, not invitation ids: {keys:?}"
        );
        assert!(
            pool.people
                .iter()
                .any(|p| p.respondent_id == 3 && p.already)
        );
        // The engine reads the column: two people of one household are never both on the panel.
        assert_eq!(
            household_columns(&pool.pool_csv),
            vec![HOUSEHOLD_COLUMN.to_owned()]
        );
        assert_eq!(household_columns("id,gender\n"), Vec::<String>::new());
        let features_text = "feature,value,min,max\ngender,woman,0,2\ngender,man,0,2\n";
        let instance = instance_of(&pool.pool_csv, features_text, "", 2).unwrap();
        for seed in ["a", "b", "c", "d", "e", "f"] {
            let settings = settings_of(Algorithm::Leximin, None);
            let panel = engine::run(&instance, &settings, seed, &mut |_| {})
                .unwrap()
                .panel;
            let ids: HashSet<i64> = panel
                .iter()
                .map(|&i| {
                    pool.people
                        .iter()
                        .find(|p| p.public_id == instance.people[i].id)
                        .unwrap()
                        .respondent_id
                })
                .collect();
            assert!(
                !(ids.contains(&1) && ids.contains(&2)),
                "seed {seed}: one per household"
            );
        }
    }

    #[test]
    fn stored_answers_that_are_not_an_object_are_an_error() {
        let features = vec![FeatureDef {
            name: "gender".into(),
            values: vec!["woman".into()],
        }];
        let member = PoolMember {
            respondent_id: 1,
            status: Status::Registered,
            features_json: "not json".into(),
            household: None,
        };
        assert!(build_pool(&features, &[member], &HashSet::new()).is_err());
    }
}
