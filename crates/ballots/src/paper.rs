//! Paper ballots entered twice: two clerks type every sheet independently, [`reconcile`]
//! compares the two entries sheet by sheet, and only a fully reconciled set can be counted.
//!
//! A mismatch names its sheet so that staff can pull that sheet and check it again; after they
//! correct an entry, the two entries are reconciled again.

use std::collections::BTreeMap;
use std::fmt;

use crate::{Ballot, BallotError, Outcome, Vote, tally};

/// One paper sheet as typed by one clerk: its printed number and what is marked on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperVote {
    /// The number printed on the sheet.
    pub sheet: u32,
    /// What the clerk read on it.
    pub vote: Vote,
}

/// Which of the two independent entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// The first clerk's entry.
    First,
    /// The second clerk's entry.
    Second,
}

impl fmt::Display for Entry {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Entry::First => "first",
            Entry::Second => "second",
        })
    }
}

/// A sheet the two entries disagree on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The sheet was typed in one entry only.
    Missing {
        /// The sheet number.
        sheet: u32,
        /// The entry that does not have it.
        missing_from: Entry,
    },
    /// The sheet was typed more than once in one entry.
    Duplicate {
        /// The sheet number.
        sheet: u32,
        /// The entry that has it more than once.
        entry: Entry,
    },
    /// The two entries read the sheet differently.
    Different {
        /// The sheet number.
        sheet: u32,
        /// The first entry's reading.
        first: Vote,
        /// The second entry's reading.
        second: Vote,
    },
}

impl Mismatch {
    /// The sheet to re-check.
    pub fn sheet(&self) -> u32 {
        match self {
            Mismatch::Missing { sheet, .. }
            | Mismatch::Duplicate { sheet, .. }
            | Mismatch::Different { sheet, .. } => *sheet,
        }
    }
}

impl fmt::Display for Mismatch {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Missing {
                sheet,
                missing_from,
            } => {
                write!(
                    formatter,
                    "sheet {sheet}: missing from the {missing_from} entry"
                )
            }
            Mismatch::Duplicate { sheet, entry } => {
                write!(
                    formatter,
                    "sheet {sheet}: typed more than once in the {entry} entry"
                )
            }
            Mismatch::Different { sheet, .. } => {
                write!(formatter, "sheet {sheet}: the two entries differ")
            }
        }
    }
}

/// The comparison of two entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    matched: Vec<PaperVote>,
    mismatches: Vec<Mismatch>,
}

impl Reconciliation {
    /// The sheets both entries read the same way, in sheet order.
    pub fn matched(&self) -> &[PaperVote] {
        &self.matched
    }

    /// The sheets to re-check, in sheet order.
    pub fn mismatches(&self) -> &[Mismatch] {
        &self.mismatches
    }

    /// The sheet numbers to re-check, in increasing order, each once.
    pub fn sheets_to_recheck(&self) -> Vec<u32> {
        let mut sheets: Vec<u32> = self.mismatches.iter().map(Mismatch::sheet).collect();
        sheets.dedup();
        sheets
    }

    /// The votes ready to count, or the sheets still to re-check.
    pub fn into_reconciled(self) -> Result<ReconciledVotes, BallotError> {
        if !self.mismatches.is_empty() {
            return Err(BallotError::UnreconciledSheets {
                sheets: self.sheets_to_recheck(),
            });
        }
        Ok(ReconciledVotes {
            sheets: self.matched,
        })
    }
}

/// Paper votes on which both entries agree, sheet by sheet. Only [`Reconciliation::into_reconciled`]
/// makes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconciledVotes {
    sheets: Vec<PaperVote>,
}

impl ReconciledVotes {
    /// The sheets, in sheet order.
    pub fn sheets(&self) -> &[PaperVote] {
        &self.sheets
    }
}

/// Compares two independent entries of the same paper sheets.
///
/// A sheet matches when it appears exactly once in each entry with the same reading (the order
/// in which options were typed does not matter).
pub fn reconcile(first_entry: &[PaperVote], second_entry: &[PaperVote]) -> Reconciliation {
    let mut by_sheet: BTreeMap<u32, (Vec<&Vote>, Vec<&Vote>)> = BTreeMap::new();
    for paper in first_entry {
        by_sheet.entry(paper.sheet).or_default().0.push(&paper.vote);
    }
    for paper in second_entry {
        by_sheet.entry(paper.sheet).or_default().1.push(&paper.vote);
    }
    let mut matched = Vec::new();
    let mut mismatches = Vec::new();
    for (sheet, (first, second)) in by_sheet {
        if first.len() > 1 {
            mismatches.push(Mismatch::Duplicate {
                sheet,
                entry: Entry::First,
            });
        }
        if second.len() > 1 {
            mismatches.push(Mismatch::Duplicate {
                sheet,
                entry: Entry::Second,
            });
        }
        if first.len() > 1 || second.len() > 1 {
            continue;
        }
        match (first.first(), second.first()) {
            (Some(first), Some(second)) if first.normalized() == second.normalized() => {
                matched.push(PaperVote {
                    sheet,
                    vote: first.normalized(),
                });
            }
            (Some(first), Some(second)) => {
                mismatches.push(Mismatch::Different {
                    sheet,
                    first: (*first).clone(),
                    second: (*second).clone(),
                });
            }
            (Some(_), None) => mismatches.push(Mismatch::Missing {
                sheet,
                missing_from: Entry::Second,
            }),
            (None, Some(_)) => mismatches.push(Mismatch::Missing {
                sheet,
                missing_from: Entry::First,
            }),
            (None, None) => {}
        }
    }
    Reconciliation {
        matched,
        mismatches,
    }
}

/// Counts reconciled paper votes; an invalid vote is reported by its sheet number.
pub fn tally_paper(ballot: &Ballot, reconciled: &ReconciledVotes) -> Result<Outcome, BallotError> {
    let votes: Vec<Vote> = reconciled
        .sheets
        .iter()
        .map(|paper| paper.vote.clone())
        .collect();
    tally(ballot, &votes).map_err(|error| match sheet_of(&error) {
        Some(position) => BallotError::InvalidSheet {
            sheet: reconciled.sheets[position - 1].sheet,
            source: Box::new(error),
        },
        None => error,
    })
}

/// The 1-based vote position an error is about, if it is about one vote.
fn sheet_of(error: &BallotError) -> Option<usize> {
    match error {
        BallotError::WrongMethod { vote, .. }
        | BallotError::AbstainNotOffered { vote }
        | BallotError::LevelOutOfRange { vote, .. }
        | BallotError::NoOpinionNotOffered { vote }
        | BallotError::UnknownOption { vote, .. }
        | BallotError::DuplicateRank { vote, .. }
        | BallotError::RankZero { vote, .. }
        | BallotError::DuplicateApproval { vote, .. }
        | BallotError::TooManyApprovals { vote, .. } => Some(*vote),
        _ => None,
    }
}
