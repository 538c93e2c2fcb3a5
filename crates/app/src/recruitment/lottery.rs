//! The invitation lottery: [`prepare_draw`] reads the address list and the area weights and runs the engine's
//! draw (pure work, done before any transaction opens: a list may hold a million addresses), [`save_draw`] stores
//! the draw, its invitations and its audit entry (ids, counts, seed, digest: never an address), and [`lottery`]
//! is the overview of the draws so far.

use ::recruitment::RecruitmentError;
use ::recruitment::addresses::{AddressConfig, AddressList, parse_addresses};
use ::recruitment::draw::{Draw, DrawConfig, Weight, draw};
use serde::{Deserialize, Serialize};
use store::AnyConnection;
use store::recruitment::{NewDraw as StoredDraw, NewInvitation};

use crate::audit::{Entry, audited_creation};
use crate::{Actor, Error, Result};

/// The largest household capacity.
pub const MAX_HOUSEHOLD_CAPACITY: i64 = 10;
/// The most invitations of one draw.
pub const MAX_INVITATIONS: i64 = 1_000_000;
/// The longest seed, in characters.
pub const MAX_SEED: usize = 200;

/// The seed of a draw made with a number drawn physically in public (dice digits, numbered balls): `number:N`,
/// N in decimal without leading zeros (the panel draw's form, `selection::public_number`). It is used like any
/// seed (its UTF-8 bytes are hashed into the stream's key, `docs/invitations.md`); the draw records who entered it.
pub fn public_number_seed(number: u64) -> String {
    format!("{}{number}", ::selection::PUBLIC_NUMBER_PREFIX)
}

/// A draw asked for: the lists as text (checked by [`prepare_draw`]) and the checked numbers.
#[derive(Clone, PartialEq, Eq)]
pub struct DrawCommand {
    /// The address list as CSV text (personal data).
    pub addresses: String,
    /// `area=weight` lines, empty for proportional.
    pub weights: String,
    /// The published seed.
    pub seed: String,
    /// How many households to invite.
    pub invitations: usize,
    /// People per household.
    pub household_capacity: i64,
}

impl std::fmt::Debug for DrawCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DrawCommand")
            .field("invitations", &self.invitations)
            .field("household_capacity", &self.household_capacity)
            .finish_non_exhaustive()
    }
}

/// A line of the weights that is not `area=weight`.
#[derive(Debug, Clone, PartialEq)]
pub enum WeightProblem {
    /// The line has no `=`.
    NoEquals,
    /// The weight does not parse.
    Invalid(RecruitmentError),
}

/// A problem with one of the lists of a draw.
#[derive(Debug, Clone, PartialEq)]
pub enum ListProblem {
    /// A line of the weights (1-based).
    Weights {
        /// The line.
        line: usize,
        /// What is wrong with it.
        problem: WeightProblem,
    },
    /// The address list (the engine's error names the line and column, never the content).
    Addresses(RecruitmentError),
}

/// Why a draw was not made; `web` words each case.
#[derive(Debug, thiserror::Error)]
pub enum DrawError {
    /// The lists do not parse.
    #[error("the lists of the draw are invalid")]
    Lists(Vec<ListProblem>),
    /// The engine refused the draw (an unknown area in the weights, more invitations than addresses, ...).
    #[error(transparent)]
    Draw(RecruitmentError),
    /// A code of this draw is already used by an earlier one: another seed is needed.
    #[error("a code of this draw is already used by an earlier draw")]
    SeedTaken,
    /// Anything else.
    #[error(transparent)]
    App(#[from] Error),
}

/// Reads `area=weight` lines (blank lines skipped); the first bad line is the problem.
pub fn parse_weights(text: &str) -> std::result::Result<Vec<(String, Weight)>, ListProblem> {
    let mut weights = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let problem = |problem| ListProblem::Weights {
            line: index + 1,
            problem,
        };
        let Some((area, weight)) = line.split_once('=') else {
            return Err(problem(WeightProblem::NoEquals));
        };
        let weight =
            Weight::parse(weight).map_err(|error| problem(WeightProblem::Invalid(error)))?;
        weights.push((area.trim().to_owned(), weight));
    }
    Ok(weights)
}

/// Reads the address list with the default columns.
pub fn parse_address_list(text: &str) -> std::result::Result<AddressList, ListProblem> {
    parse_addresses(text.as_bytes(), &AddressConfig::default()).map_err(ListProblem::Addresses)
}

/// The problems of both lists at once (the address list only when it is not empty: an empty one is a missing
/// field), for a form whose other fields are wrong too.
pub fn list_problems(addresses: &str, weights: &str) -> Vec<ListProblem> {
    let mut problems = Vec::new();
    if let Err(problem) = parse_weights(weights) {
        problems.push(problem);
    }
    if !addresses.trim().is_empty()
        && let Err(problem) = parse_address_list(addresses)
    {
        problems.push(problem);
    }
    problems
}

/// A draw computed and ready to store.
#[derive(Debug)]
pub struct PreparedDraw {
    /// The address list.
    pub list: AddressList,
    /// The engine's draw.
    pub outcome: Draw,
    /// The configuration it ran with.
    pub config: DrawConfig,
    /// People per household.
    pub household_capacity: i64,
}

/// Reads the lists and runs the draw (pure; no transaction needed).
pub fn prepare_draw(command: &DrawCommand) -> std::result::Result<PreparedDraw, DrawError> {
    let weights = parse_weights(&command.weights);
    let list = parse_address_list(&command.addresses);
    let (weights, list) = match (weights, list) {
        (Ok(weights), Ok(list)) => (weights, list),
        (weights, list) => {
            let problems = [weights.err(), list.err()].into_iter().flatten().collect();
            return Err(DrawError::Lists(problems));
        }
    };
    let config = DrawConfig {
        seed: command.seed.clone(),
        invitations: command.invitations,
        weights,
    };
    let outcome = draw(&list, &config).map_err(DrawError::Draw)?;
    Ok(PreparedDraw {
        list,
        outcome,
        config,
        household_capacity: command.household_capacity,
    })
}

/// One row of a per-area report, as stored with the draw (no address) and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaRow {
    /// The area.
    pub area: String,
    /// Addresses in the list.
    pub addresses: i64,
    /// The weight, as a decimal.
    pub weight: String,
    /// Households invited.
    pub invited: i64,
}

/// Stores a draw with its invitations (each with `household_capacity` seats) and its audit entry (ids, counts,
/// seed, digest, weights and the per-area report: no address) in the caller's transaction; returns the draw's id.
/// [`DrawError::SeedTaken`] if a code is already used by an earlier draw (the caller drops the transaction).
pub async fn save_draw(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    draw: &PreparedDraw,
    now: i64,
) -> std::result::Result<i64, DrawError> {
    let PreparedDraw {
        list,
        outcome,
        config,
        household_capacity,
    } = draw;
    let invitations = outcome.invitations().len() as i64;
    let areas: Vec<AreaRow> = outcome
        .areas()
        .iter()
        .map(|report| AreaRow {
            area: report.area.clone(),
            addresses: report.addresses as i64,
            weight: report.weight.to_string(),
            invited: report.invited as i64,
        })
        .collect();
    let area_report_json = serde_json::to_string(&areas).map_err(Error::internal)?;
    let codes: Vec<String> = outcome
        .invitations()
        .iter()
        .map(|invitation| invitation.code.to_string())
        .collect();
    let addresses: Vec<String> = outcome
        .invitations()
        .iter()
        .map(|invitation| list.addresses()[invitation.address].fields().join("\n"))
        .collect();
    let new_invitations: Vec<NewInvitation> = outcome
        .invitations()
        .iter()
        .enumerate()
        .map(|(index, invitation)| {
            let address = &list.addresses()[invitation.address];
            NewInvitation {
                code: &codes[index],
                area: &list.areas()[address.area()],
                address_ref: address.id(),
                address: &addresses[index],
            }
        })
        .collect();
    let digest = list.digest();
    let weights_text: String = config
        .weights
        .iter()
        .map(|(area, weight)| format!("{area}={weight}\n"))
        .collect();
    // A seed `number:N` is a number drawn in public (issue 18, item 8): recorded with who entered it and when.
    let public_number = ::selection::public_number(&config.seed);
    let stored = audited_creation(tx, actor, "invitations.draw", now, async |tx| {
        let draw_id = store::recruitment::create_draw(
            tx,
            &StoredDraw {
                assembly_id,
                seed: &config.seed,
                invitations,
                weights: &weights_text,
                list_digest: &digest,
                addresses: list.addresses().len() as i64,
                household_capacity: *household_capacity,
                area_report_json: &area_report_json,
                created_by: actor.account_id,
            },
            &new_invitations,
            now,
        )
        .await?;
        if let Some(number) = public_number {
            store::invitation_numbers::record(tx, draw_id, number as i64, actor.account_id, now)
                .await?;
        }
        let after = serde_json::json!({
            "id": draw_id,
            "assembly_id": assembly_id,
            "seed": config.seed,
            "drawn_in_public": public_number.is_some(),
            "invitations": invitations,
            "addresses": list.addresses().len(),
            "list_digest": digest,
            "weights": weights_text,
            "household_capacity": household_capacity,
            "areas": areas,
        });
        Ok((
            draw_id,
            format!("invitation_draw:{draw_id}"),
            Entry::after(after),
        ))
    })
    .await;
    let draw_id = match stored {
        Ok(draw_id) => draw_id,
        Err(Error::Conflict(_)) => return Err(DrawError::SeedTaken),
        Err(error) => return Err(error.into()),
    };
    tracing::info!(assembly_id, draw_id, invitations, "invitation draw stored");
    Ok(draw_id)
}

/// A stored draw, as the lottery page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawSummary {
    /// The id.
    pub id: i64,
    /// The seed.
    pub seed: String,
    /// The list digest.
    pub digest: String,
    /// Households invited.
    pub invitations: i64,
    /// Addresses in the list.
    pub addresses: i64,
    /// People per household.
    pub household_capacity: i64,
    /// When (unix seconds).
    pub drawn_at: i64,
    /// The per-area report.
    pub areas: Vec<AreaRow>,
    /// The weights as given (`area=weight` lines), empty for proportional.
    pub weights: String,
    /// The number drawn in public that the seed is, with who entered it and when, if it is one.
    pub public_number: Option<store::selection::PublicNumber>,
}

/// The lottery's overview: the assembly, its draws (newest first) and the seats taken over all invitations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lottery {
    /// The assembly's title.
    pub title: String,
    /// The draws, newest first.
    pub draws: Vec<DrawSummary>,
    /// Seats taken over all invitations.
    pub seats_used: i64,
}

/// The lottery's overview ([`Error::NotFound`] for no such assembly); a stored area report that does not decode
/// is an error.
pub async fn lottery(conn: &mut AnyConnection, assembly_id: i64) -> Result<Lottery> {
    let record = store::assemblies::get_assembly(conn, assembly_id).await?;
    let rows = store::recruitment::draws(conn, assembly_id).await?;
    let (_, seats_used) = store::recruitment::invitation_totals(conn, assembly_id).await?;
    let mut numbers = store::invitation_numbers::of_assembly(conn, assembly_id).await?;
    let draws = rows
        .into_iter()
        .map(|row| {
            let areas: Vec<AreaRow> =
                serde_json::from_str(&row.area_report_json).map_err(|error| {
                    Error::internal(format!("stored area report of draw {}: {error}", row.id))
                })?;
            Ok(DrawSummary {
                id: row.id,
                seed: row.seed,
                digest: row.list_digest,
                invitations: row.invitations,
                addresses: row.addresses,
                household_capacity: row.household_capacity,
                drawn_at: row.created_at,
                areas,
                weights: row.weights,
                public_number: numbers.remove(&row.id),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Lottery {
        title: record.title,
        draws,
        seats_used,
    })
}

/// The draws as the public selection page shows them (issue 18, item 8): seeds, commitments, counts and the
/// per-area report, with when a number drawn in public was entered but not who (a staff member's name).
pub async fn public_draws(conn: &mut AnyConnection, assembly_id: i64) -> Result<Vec<DrawSummary>> {
    let mut draws = lottery(conn, assembly_id).await?.draws;
    for draw in &mut draws {
        if let Some(drawn) = &mut draw.public_number {
            drawn.entered_by = None;
            drawn.entered_by_name = None;
        }
    }
    Ok(draws)
}

/// The command that re-runs a draw with the reference implementation of `docs/invitations.md` (the address list,
/// personal data, is the auditor's own copy: `addresses.csv`), the seed and weights quoted for a POSIX shell.
pub fn rerun_command(draw: &DrawSummary) -> String {
    let quote = |text: &str| format!("'{}'", text.replace('\'', "'\\''"));
    let mut command = format!(
        "python3 reference_draw.py {} {} addresses.csv",
        quote(&draw.seed),
        draw.invitations
    );
    for line in draw.weights.lines().filter(|line| !line.trim().is_empty()) {
        command.push(' ');
        command.push_str(&quote(line));
    }
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_name_their_first_bad_line() {
        assert_eq!(parse_weights("\nHill=2\n").unwrap().len(), 1);
        assert!(matches!(
            parse_weights("Hill=2\nValley"),
            Err(ListProblem::Weights {
                line: 2,
                problem: WeightProblem::NoEquals
            })
        ));
        assert!(matches!(
            parse_weights("Hill=lots"),
            Err(ListProblem::Weights {
                line: 1,
                problem: WeightProblem::Invalid(_)
            })
        ));
    }

    #[test]
    fn the_rerun_command_quotes_the_seed_and_the_weights() {
        let draw = DrawSummary {
            id: 1,
            seed: "it's 4".to_owned(),
            digest: String::new(),
            invitations: 6,
            addresses: 13,
            household_capacity: 1,
            drawn_at: 0,
            areas: Vec::new(),
            weights: "East=2\nNorth Side=1.5\n".to_owned(),
            public_number: None,
        };
        assert_eq!(
            rerun_command(&draw),
            "python3 reference_draw.py 'it'\\''s 4' 6 addresses.csv 'East=2' 'North Side=1.5'"
        );
        assert_eq!(public_number_seed(4821), "number:4821");
        assert_eq!(::selection::public_number(&public_number_seed(0)), Some(0));
    }

    #[test]
    fn both_lists_are_reported_at_once() {
        let problems = list_problems("id,line1\n", "Hill");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(list_problems("", "").is_empty());
    }
}
