//! Paper ballots: two members of staff type the sheets independently, and only sheets both entries read alike are
//! counted when the ballot closes (see [`super::counting::paper_state`]).

use ballots::notation;
use serde_json::json;
use store::ballot_box::PaperRefusal;

use super::{Error, Refusal, Result, audited_unless_refused};
use crate::Actor;
use crate::audit::Entry;

/// Stores (or replaces) one of the two entries of an open ballot's paper sheets, typed as one `sheet: choice` line
/// per sheet; the other entry must have been typed by someone else. Returns the number of sheets.
pub async fn enter_paper_ballots(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    ballot_id: i64,
    entry: ballots::Entry,
    sheets: &str,
    now: i64,
) -> Result<usize> {
    let account_id = actor.account()?;
    let ballot = store::ballot_box::get(tx, assembly_id, ballot_id).await?;
    let labels = notation::option_lines(&ballot.fields.options);
    let read =
        notation::read_sheets(ballot.fields.method, &labels, sheets).map_err(|unreadable| {
            Error::Refused(Refusal::UnreadableSheet {
                line: unreadable.line,
            })
        })?;
    if read.is_empty() {
        return Err(Error::Refused(Refusal::NoSheets));
    }
    let number: i64 = match entry {
        ballots::Entry::First => 1,
        ballots::Entry::Second => 2,
    };
    audited_unless_refused(
        tx,
        actor,
        "ballot.paper_entry",
        &format!("ballot:{ballot_id}"),
        now,
        async |tx| {
            let saved = store::ballot_box::save_paper_entry(
                tx,
                ballot_id,
                number,
                account_id,
                sheets.trim(),
                now,
            )
            .await?;
            Ok(match saved {
                Ok(()) => {
                    let facts =
                        json!({ "ballot_id": ballot_id, "entry": number, "sheets": read.len() });
                    Ok((read.len(), Entry::after(facts)))
                }
                Err(PaperRefusal::NotOpen) => Err(Refusal::NotOpen),
                Err(PaperRefusal::SameClerk) => Err(Refusal::SameClerk),
            })
        },
    )
    .await
}
