//! Counting a ballot with the `ballots` crate: the opened online choices plus the reconciled paper sheets.
//!
//! A stored ballot becomes a [`ballots::Ballot`] here ([`ballot_of`]); its choices and paper entries are read
//! with `ballots::notation`. A stored choice or paper entry that does not read back is an internal error, never
//! skipped: both were read before they were stored.

use ballots::notation::{self, MethodKind};
use ballots::{
    Abstention, AgreementScale, ApprovalBallot, Ballot, BallotError, BallotSpec, Counted, Method,
    Mismatch, Options, Outcome, Threshold, Vote, WinnerRule, Wording, YesNoRule,
};
use store::ballot_box::{BallotRow, NewBallot};

/// Why a ballot cannot be counted (yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountProblem {
    /// The stored definition does not make a ballot.
    Definition(BallotError),
    /// One paper entry was typed; the second, independent one is missing.
    SecondEntryMissing,
    /// The two paper entries do not match, sheet by sheet.
    Mismatches(Vec<Mismatch>),
    /// The count's rules refuse the votes.
    Tally(BallotError),
}

/// The paper entries of a ballot and how they reconcile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperState {
    /// The entries typed so far (1, 2).
    pub entries: Vec<i64>,
    /// Where the two entries differ.
    pub mismatches: Vec<Mismatch>,
    /// The sheets both entries agree on, when they agree on every sheet (none typed is an empty count).
    pub reconciled: Option<Vec<Vote>>,
    /// What keeps the sheets from being counted, besides mismatches.
    pub problem: Option<CountProblem>,
}

/// The method of a stored definition.
pub fn method_of(fields: &NewBallot) -> Result<Method, BallotError> {
    let labels = notation::option_lines(&fields.options);
    let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    Ok(match fields.method {
        MethodKind::YesNo => Method::YesNo(YesNoRule::new(
            fields.pass_rule.unwrap_or_else(Threshold::simple_majority),
            Abstention::Excluded,
        )),
        MethodKind::Agreement => Method::Agreement(AgreementScale::new(false, fields.pass_rule)),
        MethodKind::Ranking => Method::Ranking(Options::new(&label_refs)?),
        MethodKind::Approval => {
            let options = Options::new(&label_refs)?;
            let max = fields
                .max_approvals
                .map(|max| u32::try_from(max).unwrap_or(u32::MAX));
            Method::Approval(ApprovalBallot::new(options, max, WinnerRule::TopK(1))?)
        }
    })
}

/// A stored ballot as the `ballots` crate counts it.
pub fn ballot_of(row: &BallotRow) -> Result<Ballot, BallotError> {
    Ballot::new(BallotSpec {
        id: format!("b{}", row.id),
        wording: Wording::Fixed(super::shown_wording(row).to_owned()),
        method: method_of(&row.fields)?,
        eligible_members: u32::try_from(row.fields.eligible_members).unwrap_or(u32::MAX),
        quorum: None,
        opens_after: None,
    })
}

/// The paper entries of a ballot, reconciled when both are typed.
pub async fn paper_state(tx: &mut store::Tx, row: &BallotRow) -> crate::Result<PaperState> {
    let entries = store::ballot_box::paper_entries(tx, row.id).await?;
    let mut state = PaperState {
        entries: entries.iter().map(|entry| entry.entry).collect(),
        mismatches: Vec::new(),
        reconciled: None,
        problem: None,
    };
    if entries.is_empty() {
        state.reconciled = Some(Vec::new());
        return Ok(state);
    }
    if entries.len() < 2 {
        state.problem = Some(CountProblem::SecondEntryMissing);
        return Ok(state);
    }
    let labels = notation::option_lines(&row.fields.options);
    let read = |sheets: &str| {
        notation::read_sheets(row.fields.method, &labels, sheets).map_err(|unreadable| {
            crate::Error::internal(format!(
                "line {} of a stored paper entry of ballot {} does not read",
                unreadable.line, row.id
            ))
        })
    };
    let first = read(&entries[0].sheets)?;
    let second = read(&entries[1].sheets)?;
    let reconciliation = ballots::reconcile(&first, &second);
    state.mismatches = reconciliation.mismatches().to_vec();
    if let Ok(reconciled) = reconciliation.into_reconciled() {
        state.reconciled = Some(
            reconciled
                .sheets()
                .iter()
                .map(|sheet| sheet.vote.clone())
                .collect(),
        );
    }
    Ok(state)
}

/// Counts a ballot: the online choices opened so far plus the reconciled paper sheets. Call it for a closed
/// ballot, or in the closing transaction after `store::ballot_box::open_sealed_votes`.
pub async fn count(
    tx: &mut store::Tx,
    row: &BallotRow,
) -> crate::Result<Result<Outcome, CountProblem>> {
    let ballot = match ballot_of(row) {
        Ok(ballot) => ballot,
        Err(error) => return Ok(Err(CountProblem::Definition(error))),
    };
    let labels = notation::option_lines(&row.fields.options);
    let mut votes = Vec::new();
    for choice in store::ballot_box::choices(tx, row.id).await? {
        let vote = notation::read_choice(row.fields.method, &labels, &choice).ok_or_else(|| {
            crate::Error::internal(format!(
                "a stored choice of ballot {} does not read",
                row.id
            ))
        })?;
        votes.push(vote);
    }
    let paper = paper_state(tx, row).await?;
    if let Some(problem) = paper.problem {
        return Ok(Err(problem));
    }
    match paper.reconciled {
        Some(sheets) => votes.extend(sheets),
        None => return Ok(Err(CountProblem::Mismatches(paper.mismatches))),
    }
    Ok(ballots::tally(&ballot, &votes).map_err(CountProblem::Tally))
}

/// The support an outcome measured, in basis points: the share voting yes of yes and no votes, or the share
/// agreeing; none for rankings and approvals.
pub fn support_bp(outcome: &Outcome) -> Option<i64> {
    let share = |count: u64, base: u64| (count * 10_000).checked_div(base).unwrap_or(0) as i64;
    match outcome.counted() {
        Counted::YesNo(count) => Some(share(
            u64::from(count.yes()),
            u64::from(count.yes() + count.no()),
        )),
        Counted::Agreement(count) => {
            Some(share(u64::from(count.agreeing()), u64::from(count.total())))
        }
        Counted::Ranking(_) | Counted::Approval(_) => None,
    }
}
