//! The Schulze method for ranked ballots: the pairwise preference matrix, strongest paths by a
//! Floyd-Warshall widest-path pass, the winners, and a complete ranking with ties.
//!
//! Link strength is "winning votes": the link from a to b has strength `d[a][b]` when more voters
//! prefer a to b than b to a, and 0 otherwise.
//! a beats b when `p[a][b] > p[b][a]`; Schulze proved this relation transitive.
//! The ranking is built in layers: the first layer is the winners (options no option beats), the
//! next is the options no remaining option beats, and so on; options in one layer are tied.
//! Ties are stated, never broken at random: how to break them is for the assembly's rules.

use std::fmt;

use crate::{BallotError, Options};

/// The count of a ranking ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchulzeResult {
    options: Vec<String>,
    votes: u32,
    pairwise: Vec<Vec<u32>>,
    strongest: Vec<Vec<u32>>,
    ranking: Vec<Vec<usize>>,
    condorcet_winner: Option<usize>,
}

impl SchulzeResult {
    /// The option labels; matrices and rankings use indices into this list.
    pub fn options(&self) -> &[String] {
        &self.options
    }

    /// The number of votes counted, blank ones included.
    pub fn votes(&self) -> u32 {
        self.votes
    }

    /// `d[a][b]`: the number of voters who rank a strictly above b (0 on the diagonal).
    pub fn pairwise(&self) -> &[Vec<u32>] {
        &self.pairwise
    }

    /// `p[a][b]`: the strength of the strongest path from a to b (0 on the diagonal).
    pub fn strongest_paths(&self) -> &[Vec<u32>] {
        &self.strongest
    }

    /// The winners: options that no other option beats. Usually one; several means a tie.
    pub fn winners(&self) -> &[usize] {
        &self.ranking[0]
    }

    /// The complete ranking: groups of tied options, best group first; every option appears in
    /// exactly one group.
    pub fn ranking(&self) -> &[Vec<usize>] {
        &self.ranking
    }

    /// The option that beats every other option head to head (`d[a][b] > d[b][a]`), if there is one.
    pub fn condorcet_winner(&self) -> Option<usize> {
        self.condorcet_winner
    }

    /// The ranking written out, for example "E > A > C = B > D".
    pub fn ranking_text(&self) -> String {
        self.ranking
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|&index| self.options[index].as_str())
                    .collect::<Vec<&str>>()
                    .join(" = ")
            })
            .collect::<Vec<String>>()
            .join(" > ")
    }

    /// A matrix as an aligned text table with option labels on the rows and columns.
    pub fn matrix_text(&self, matrix: &[Vec<u32>]) -> String {
        let width = self
            .options
            .iter()
            .map(|label| label.chars().count())
            .max()
            .unwrap_or(1)
            .max(3);
        let mut out = format!("{:width$}", "");
        for label in &self.options {
            out.push_str(&format!(" {label:>width$}"));
        }
        for (row, label) in self.options.iter().enumerate() {
            out.push_str(&format!("\n{label:width$}"));
            for (column, value) in matrix[row].iter().enumerate() {
                if row == column {
                    out.push_str(&format!(" {:>width$}", "-"));
                } else {
                    out.push_str(&format!(" {value:>width$}"));
                }
            }
        }
        out
    }
}

impl fmt::Display for SchulzeResult {
    /// The ranking, the winner(s), whether a Condorcet winner exists, and both matrices.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |indices: &[usize]| {
            indices
                .iter()
                .map(|&index| self.options[index].as_str())
                .collect::<Vec<&str>>()
                .join(", ")
        };
        writeln!(
            formatter,
            "{} {}; Schulze ranking: {}",
            self.votes,
            if self.votes == 1 { "vote" } else { "votes" },
            self.ranking_text()
        )?;
        if self.winners().len() == 1 {
            write!(formatter, "Winner: {}", names(self.winners()))?;
        } else {
            write!(formatter, "Tie between: {}", names(self.winners()))?;
        }
        match self.condorcet_winner {
            Some(winner) => writeln!(
                formatter,
                "; {} is the Condorcet winner (beats every other option head to head)",
                self.options[winner]
            )?,
            None => writeln!(formatter, "; there is no Condorcet winner")?,
        }
        writeln!(
            formatter,
            "Pairwise preferences (row preferred to column, number of voters):"
        )?;
        writeln!(formatter, "{}", self.matrix_text(&self.pairwise))?;
        writeln!(formatter, "Strongest paths (row to column):")?;
        write!(formatter, "{}", self.matrix_text(&self.strongest))
    }
}

/// Checks one ranking against the options and returns each option's rank, unranked options
/// getting `u32::MAX` (below every ranked option).
pub(crate) fn ranks_of(
    options: &Options,
    position: usize,
    ranking: &[(String, u32)],
) -> Result<Vec<u32>, BallotError> {
    let mut ranks = vec![u32::MAX; options.len()];
    for (option, rank) in ranking {
        let index = options
            .index_of(option)
            .ok_or_else(|| BallotError::UnknownOption {
                vote: position,
                option: option.clone(),
            })?;
        if *rank == 0 {
            return Err(BallotError::RankZero {
                vote: position,
                option: option.clone(),
            });
        }
        if ranks[index] != u32::MAX {
            return Err(BallotError::DuplicateRank {
                vote: position,
                option: option.clone(),
            });
        }
        ranks[index] = *rank;
    }
    Ok(ranks)
}

/// Counts checked rankings (from [`ranks_of`]).
pub(crate) fn count(options: &Options, rankings: &[Vec<u32>]) -> SchulzeResult {
    let count = options.len();
    let mut pairwise = vec![vec![0u32; count]; count];
    for ranks in rankings {
        for first in 0..count {
            for second in 0..count {
                if ranks[first] < ranks[second] {
                    pairwise[first][second] += 1;
                }
            }
        }
    }
    let mut strongest = vec![vec![0u32; count]; count];
    for first in 0..count {
        for second in 0..count {
            if first != second && pairwise[first][second] > pairwise[second][first] {
                strongest[first][second] = pairwise[first][second];
            }
        }
    }
    for middle in 0..count {
        for first in 0..count {
            if first == middle {
                continue;
            }
            for second in 0..count {
                if second == middle || second == first {
                    continue;
                }
                let through = strongest[first][middle].min(strongest[middle][second]);
                if through > strongest[first][second] {
                    strongest[first][second] = through;
                }
            }
        }
    }
    let beats = |first: usize, second: usize| strongest[first][second] > strongest[second][first];
    let mut remaining: Vec<usize> = (0..count).collect();
    let mut ranking = Vec::new();
    while !remaining.is_empty() {
        let layer: Vec<usize> = remaining
            .iter()
            .copied()
            .filter(|&candidate| !remaining.iter().any(|&other| beats(other, candidate)))
            .collect();
        // The relation is transitive and irreflexive, so a finite set always has an unbeaten
        // member; the guard only protects against an infinite loop should that ever break.
        let layer = if layer.is_empty() {
            remaining.clone()
        } else {
            layer
        };
        remaining.retain(|option| !layer.contains(option));
        ranking.push(layer);
    }
    let condorcet_winner = (0..count).find(|&candidate| {
        (0..count).all(|other| {
            other == candidate || pairwise[candidate][other] > pairwise[other][candidate]
        })
    });
    SchulzeResult {
        options: options.labels().to_vec(),
        votes: rankings.len() as u32,
        pairwise,
        strongest,
        ranking,
        condorcet_winner,
    }
}
