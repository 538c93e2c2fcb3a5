//! Secret ballots: defining one (sequential ballots included), opening it, members' votes, closing it (which opens
//! the sealed choices and counts them), and the ballot's file as its page and the API show it.

use ballots::notation::{self, MethodKind};
use ballots::{BallotStatus, HeldWhen, Outcome};
use domain::permission::{Action, Role, allowed};
use serde_json::json;
use store::StoreError;
use store::ballot_box::{BallotRow, ClosingResult, NewBallot, VoteRefusal};
use store::secret::BallotSeal;

use super::counting::{
    CountProblem, PaperState, ballot_of, count, method_of, paper_state, support_bp,
};
use super::{DefinitionProblem, Error, Refusal, Result, audited_unless_refused};
use crate::Actor;
use crate::audit::{Entry, audited};

/// What a member marked on the vote form, before it is read against the ballot: the one choice (yes/no, a level),
/// the rank given to each option (numbered from 1), or the numbers of the approved options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    /// The choice of a yes/no or agreement ballot.
    pub choice: String,
    /// `(option number, rank)` for a ranking; an option missing or with an empty rank is unranked.
    pub ranks: Vec<(usize, String)>,
    /// The numbers of the options approved.
    pub approved: Vec<String>,
}

impl Marks {
    /// The marks written in the ballot notation for a ballot of `kind` with `n_options` options.
    fn notation(&self, kind: MethodKind, n_options: usize) -> String {
        match kind {
            MethodKind::Ranking => (1..=n_options)
                .map(|number| {
                    let rank = self
                        .ranks
                        .iter()
                        .find(|(option, _)| *option == number)
                        .map(|(_, rank)| rank.trim())
                        .unwrap_or("");
                    if rank.is_empty() { "-" } else { rank }.to_owned()
                })
                .collect::<Vec<_>>()
                .join(","),
            MethodKind::Approval => self
                .approved
                .iter()
                .map(|number| number.trim())
                .collect::<Vec<_>>()
                .join(","),
            MethodKind::YesNo | MethodKind::Agreement => self.choice.trim().to_owned(),
        }
    }
}

/// A ballot with what its page shows to `actor`.
#[derive(Debug, Clone)]
pub struct BallotFile {
    /// The ballot.
    pub ballot: BallotRow,
    /// How many members voted on the platform.
    pub voters: i64,
    /// Whether the actor has voted on it.
    pub has_voted: bool,
    /// Whether the actor may vote on it now (a member who has not voted, while it is open).
    pub may_vote: bool,
    /// The paper entries and how they reconcile, for those who type them.
    pub paper: Option<PaperState>,
    /// The count, once the ballot is closed; never before, whoever asks.
    pub results: Option<Result<Outcome, CountProblem>>,
}

/// A ballot as it is published (the JSON API): its definition and turnout, and its stored result only once closed.
#[derive(Debug, Clone)]
pub struct PublishedBallot {
    /// The ballot.
    pub ballot: BallotRow,
    /// How many members voted on the platform.
    pub voters_online: i64,
    /// The result, once closed.
    pub result: Option<ClosingResult>,
}

/// A ballot of the assembly as `actor` may see it.
pub async fn ballot_file(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    ballot_id: i64,
) -> crate::Result<BallotFile> {
    let ballot = store::ballot_box::get(tx, assembly_id, ballot_id).await?;
    let voters = store::ballot_box::voter_count(tx, ballot_id).await?;
    let has_voted = match actor.account_id {
        Some(account_id) => store::ballot_box::has_voted(tx, ballot_id, account_id).await?,
        None => false,
    };
    let paper = if allowed(actor.role, Action::EnterPaperBallots) {
        Some(paper_state(tx, &ballot).await?)
    } else {
        None
    };
    // Results exist for nobody before the ballot closes: not counted, not returned, whatever the role.
    let results = if ballot.status == BallotStatus::Closed {
        Some(count(tx, &ballot).await?)
    } else {
        None
    };
    Ok(BallotFile {
        may_vote: actor.role == Role::Member && ballot.status == BallotStatus::Open && !has_voted,
        voters,
        has_voted,
        paper,
        results,
        ballot,
    })
}

/// A ballot of the assembly as it is published, with its result only once closed.
pub async fn published_ballot(
    tx: &mut store::Tx,
    assembly_id: i64,
    ballot_id: i64,
) -> crate::Result<PublishedBallot> {
    let ballot = store::ballot_box::get(tx, assembly_id, ballot_id).await?;
    let voters_online = store::ballot_box::voter_count(tx, ballot_id).await?;
    let result = (ballot.status == BallotStatus::Closed).then(|| ClosingResult {
        text: ballot.result_text.clone(),
        passed: ballot.passed,
        support_bp: ballot.support_bp,
    });
    Ok(PublishedBallot {
        ballot,
        voters_online,
        result,
    })
}

/// Organisers define a ballot, a draft until opened; returns its id. The definition is checked against the
/// stored state: the proposal and the earlier ballot belong to the assembly, a conditional wording or a held-when
/// rule follows an earlier ballot that says passed or not passed, and the options make a ballot.
pub async fn create_ballot(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    new: &NewBallot,
    now: i64,
) -> Result<i64> {
    actor.account()?;
    let mut problems = Vec::new();
    let earlier = match new.opens_after {
        Some(id) => match store::ballot_box::get(tx, assembly_id, id).await {
            Ok(row) => Some(row),
            Err(StoreError::NotFound) => {
                problems.push(DefinitionProblem::UnknownEarlierBallot);
                None
            }
            Err(other) => return Err(other.into()),
        },
        None => None,
    };
    if let Some(id) = new.proposal_id {
        match store::proposals::get(tx, assembly_id, id).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => problems.push(DefinitionProblem::UnknownProposal),
            Err(other) => return Err(other.into()),
        }
    }
    let depends = !new.wording_otherwise.is_empty() || new.held_when != HeldWhen::Always;
    if depends && earlier.is_none() && problems.is_empty() {
        problems.push(DefinitionProblem::NeedsEarlier);
    }
    if let Some(earlier) = &earlier
        && depends
        && method_of(&earlier.fields)
            .map(|method| !method.has_decision())
            .unwrap_or(true)
    {
        problems.push(DefinitionProblem::EarlierHasNoDecision);
    }
    if problems.is_empty()
        && let Err(error) = method_of(new)
    {
        problems.push(DefinitionProblem::Options(error));
    }
    if !problems.is_empty() {
        return Err(Error::Refused(Refusal::Definition(problems)));
    }
    // The audit entry names the new ballot, so the insert comes first, in the same transaction.
    let id = store::ballot_box::create(tx, assembly_id, new, now).await?;
    let facts = json!({ "id": id, "assembly_id": assembly_id, "method": new.method.as_str(), "proposal_id": new.proposal_id, "opens_after": new.opens_after, "held_when": new.held_when.as_str() });
    Ok(audited(
        tx,
        actor,
        "ballot.create",
        &format!("ballot:{id}"),
        now,
        async |_| Ok((id, Entry::after(facts))),
    )
    .await?)
}

/// How a draft ballot left the drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opening {
    /// It is open for votes.
    Opened,
    /// It is not held: the earlier ballot's result (or that ballot not being held) ruled it out.
    Skipped,
}

/// Opens a draft ballot once the ballot it follows has closed: the wording follows that ballot's result, and a
/// ballot held only after a pass (or a failure) that did not happen is skipped.
pub async fn open_ballot(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    ballot_id: i64,
    now: i64,
) -> Result<Opening> {
    actor.account()?;
    let ballot = store::ballot_box::get(tx, assembly_id, ballot_id).await?;
    if ballot.status != BallotStatus::Draft {
        return Err(Error::Refused(Refusal::NotDraft));
    }
    let mut held = true;
    let mut wording = ballot.fields.wording.clone();
    if let Some(earlier_id) = ballot.fields.opens_after {
        let earlier = store::ballot_box::get(tx, assembly_id, earlier_id).await?;
        match earlier.status {
            BallotStatus::Closed => {
                let passed = earlier.passed;
                held = match ballot.fields.held_when {
                    HeldWhen::Passed => passed == Some(true),
                    HeldWhen::Failed => passed == Some(false),
                    HeldWhen::Always => true,
                };
                if !ballot.fields.wording_otherwise.is_empty() && passed != Some(true) {
                    wording = ballot.fields.wording_otherwise.clone();
                }
            }
            BallotStatus::Skipped => held = false,
            BallotStatus::Draft | BallotStatus::Open => {
                return Err(Error::Refused(Refusal::EarlierOpen {
                    ballot_id: earlier.id,
                }));
            }
        }
    }
    let action = if held { "ballot.open" } else { "ballot.skip" };
    let opens_after = ballot.fields.opens_after;
    audited_unless_refused(
        tx,
        actor,
        action,
        &format!("ballot:{ballot_id}"),
        now,
        async |tx| {
            let changed = if held {
                store::ballot_box::open(tx, assembly_id, ballot_id, &wording, now).await?
            } else {
                store::ballot_box::skip(tx, assembly_id, ballot_id, now).await?
            };
            if !changed {
                return Ok(Err(Refusal::NotDraft));
            }
            let opening = if held {
                Opening::Opened
            } else {
                Opening::Skipped
            };
            let facts = json!({ "id": ballot_id, "opens_after": opens_after });
            Ok(Ok((opening, Entry::after(facts))))
        },
    )
    .await
}

/// Closes an open ballot: opens its sealed online choices in one shuffled batch (only in this transaction),
/// counts them with the reconciled paper sheets and publishes the result. Paper entries that are missing or do not
/// match refuse the closing. The caller asks the store to forget the deleted sealed rows after the commit.
pub async fn close_ballot(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    ballot_id: i64,
    seal: &BallotSeal,
    now: i64,
) -> Result<Outcome> {
    actor.account()?;
    let ballot = store::ballot_box::get(tx, assembly_id, ballot_id).await?;
    if ballot.status != BallotStatus::Open {
        return Err(Error::Refused(Refusal::NotOpen));
    }
    audited_unless_refused(
        tx,
        actor,
        "ballot.close",
        &format!("ballot:{ballot_id}"),
        now,
        async |tx| {
            store::ballot_box::open_sealed_votes(tx, ballot_id, seal).await?;
            let outcome = match count(tx, &ballot).await? {
                Ok(outcome) => outcome,
                Err(problem) => return Ok(Err(Refusal::Uncountable(problem))),
            };
            let result = ClosingResult {
                text: outcome.to_string(),
                passed: outcome.passed(),
                support_bp: support_bp(&outcome),
            };
            if !store::ballot_box::close(tx, assembly_id, ballot_id, &result, now).await? {
                return Ok(Err(Refusal::NotOpen));
            }
            let facts = json!({ "id": ballot_id, "turnout": outcome.turnout(), "passed": result.passed, "support_bp": result.support_bp });
            Ok(Ok((outcome, Entry::after(facts))))
        },
    )
    .await
}

/// A member's secret vote: read against the ballot, checked countable, then recorded with the choice sealed
/// under `seal` until the ballot closes. The audit entry names no account: the voters table already says who
/// voted, and an entry naming the member in the hash-chained log would give the order of voting.
pub async fn cast_vote(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    ballot_id: i64,
    marks: &Marks,
    seal: &BallotSeal,
    now: i64,
) -> Result<()> {
    let account_id = actor.account()?;
    let ballot = store::ballot_box::get(tx, assembly_id, ballot_id).await?;
    if actor.role != Role::Member {
        return Err(Error::Refused(Refusal::MembersOnly));
    }
    let kind = ballot.fields.method;
    let labels = notation::option_lines(&ballot.fields.options);
    let Some(vote) = notation::read_choice(kind, &labels, &marks.notation(kind, labels.len()))
    else {
        return Err(Error::Refused(Refusal::InvalidVote(None)));
    };
    // The vote must be countable before it is stored (e.g. no more approvals than allowed).
    if let Ok(counted) = ballot_of(&ballot)
        && let Err(error) = ballots::tally(&counted, std::slice::from_ref(&vote))
    {
        return Err(Error::Refused(Refusal::InvalidVote(Some(error))));
    }
    let choice = notation::write_choice(kind, &labels, &vote).ok_or_else(|| {
        crate::Error::internal("a vote read from the notation does not write back")
    })?;
    let anonymous = Actor {
        account_id: None,
        role: actor.role,
    };
    audited_unless_refused(
        tx,
        &anonymous,
        "ballot.vote",
        &format!("ballot:{ballot_id}"),
        now,
        async |tx| {
            let cast =
                store::ballot_box::cast_vote(tx, ballot_id, account_id, &choice, seal).await?;
            Ok(match cast {
                Ok(()) => Ok(((), Entry::after(json!({ "ballot_id": ballot_id })))),
                Err(VoteRefusal::NotOpen) => Err(Refusal::NotOpen),
                Err(VoteRefusal::AlreadyVoted) => Err(Refusal::AlreadyVoted),
            })
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_written_in_the_notation_of_the_ballot() {
        let marks = Marks {
            choice: " yes ".to_owned(),
            ranks: vec![
                (3, "1".to_owned()),
                (1, " 2 ".to_owned()),
                (2, String::new()),
            ],
            approved: vec!["3".to_owned(), " 1".to_owned()],
        };
        assert_eq!(marks.notation(MethodKind::YesNo, 0), "yes");
        assert_eq!(marks.notation(MethodKind::Ranking, 4), "2,-,1,-");
        assert_eq!(marks.notation(MethodKind::Approval, 3), "3,1");
        assert_eq!(Marks::default().notation(MethodKind::Approval, 3), "");
    }
}
