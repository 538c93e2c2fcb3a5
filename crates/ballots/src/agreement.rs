//! The five-level agreement scale, as Climate Assembly UK reported it: a distribution over the
//! levels, the share agreeing, the median level and a level of support, with an optional pass
//! rule.
//!
//! Shares are of all votes cast, "no opinion" included, so the distribution adds up to every
//! member who voted (rounded percentages may add up to 99 or 101).
//! The median is taken over the answers on the scale, "no opinion" left out.

use std::fmt;

use crate::{BallotError, Threshold, percent};

/// The names of levels 1 to 5, in order.
pub const LEVEL_NAMES: [&str; 5] = [
    "strongly disagree",
    "disagree",
    "neither agree nor disagree",
    "agree",
    "strongly agree",
];

/// An answer on the agreement scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AgreementAnswer {
    /// A level from 1 (strongly disagree) to 5 (strongly agree); other numbers are refused when
    /// counting.
    Level(u8),
    /// "No opinion" (only if the ballot offers it).
    NoOpinion,
}

/// The rules of an agreement ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgreementScale {
    no_opinion_offered: bool,
    pass: Option<Threshold>,
}

impl AgreementScale {
    /// A scale, with or without a "no opinion" answer, and optionally a pass rule: the share of
    /// votes cast at levels 4 and 5 (agree or strongly agree) must meet `pass`.
    pub fn new(no_opinion_offered: bool, pass: Option<Threshold>) -> AgreementScale {
        AgreementScale {
            no_opinion_offered,
            pass,
        }
    }

    /// Whether "no opinion" is offered.
    pub fn no_opinion_offered(self) -> bool {
        self.no_opinion_offered
    }

    /// The pass rule on the share agreeing, if any.
    pub fn pass(self) -> Option<Threshold> {
        self.pass
    }
}

/// The median level of the answers on the scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Median {
    /// No answer on the scale (no votes, or only "no opinion").
    None,
    /// The median is this level (1 to 5).
    Level(u8),
    /// An even number of answers whose two middle answers differ: the median lies between these
    /// levels.
    Between(u8, u8),
}

impl fmt::Display for Median {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Median::None => write!(formatter, "none"),
            Median::Level(level) => write!(formatter, "{}", level_name(*level)),
            Median::Between(low, high) => write!(
                formatter,
                "between {} and {}",
                level_name(*low),
                level_name(*high)
            ),
        }
    }
}

/// A label for the level of support, from the shares agreeing (levels 4-5) and disagreeing
/// (levels 1-2) among all votes cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    /// At least 3/4 agree or strongly agree.
    Strong,
    /// More than 1/2 (and less than 3/4) agree or strongly agree.
    Majority,
    /// Neither side has more than half.
    Divided,
    /// More than 1/2 (and less than 3/4) disagree or strongly disagree.
    MajorityAgainst,
    /// At least 3/4 disagree or strongly disagree.
    StrongAgainst,
    /// No votes were cast.
    NoVotes,
}

impl fmt::Display for Support {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            Support::Strong => "strong support",
            Support::Majority => "majority support",
            Support::Divided => "divided",
            Support::MajorityAgainst => "majority against",
            Support::StrongAgainst => "strong opposition",
            Support::NoVotes => "no votes",
        })
    }
}

/// The count of an agreement ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementCount {
    scale: AgreementScale,
    levels: [u32; 5],
    no_opinion: u32,
    quorum_met: bool,
}

impl AgreementCount {
    /// Votes at each level, index 0 being level 1 (strongly disagree).
    pub fn levels(&self) -> [u32; 5] {
        self.levels
    }

    /// "No opinion" answers.
    pub fn no_opinion(&self) -> u32 {
        self.no_opinion
    }

    /// All votes cast, "no opinion" included.
    pub fn total(&self) -> u32 {
        self.levels.iter().sum::<u32>() + self.no_opinion
    }

    /// Votes at levels 4 and 5.
    pub fn agreeing(&self) -> u32 {
        self.levels[3] + self.levels[4]
    }

    /// Votes at levels 1 and 2.
    pub fn disagreeing(&self) -> u32 {
        self.levels[0] + self.levels[1]
    }

    /// The share of votes cast at `level` (1 to 5), in whole percent; 0 for any other level.
    pub fn level_percent(&self, level: u8) -> u64 {
        let count = self
            .levels
            .get(usize::from(level).wrapping_sub(1))
            .copied()
            .unwrap_or(0);
        percent(u64::from(count), u64::from(self.total()))
    }

    /// The share of votes cast agreeing or strongly agreeing, in whole percent.
    pub fn agreeing_percent(&self) -> u64 {
        percent(u64::from(self.agreeing()), u64::from(self.total()))
    }

    /// The median level of the answers on the scale.
    pub fn median(&self) -> Median {
        let answers: u32 = self.levels.iter().sum();
        if answers == 0 {
            return Median::None;
        }
        // The levels of the answers at 0-based positions `low` and `high` in increasing order.
        let low = (answers - 1) / 2;
        let high = answers / 2;
        let level_at = |position: u32| -> u8 {
            let mut seen = 0;
            for (index, count) in self.levels.iter().enumerate() {
                seen += count;
                if position < seen {
                    return index as u8 + 1;
                }
            }
            5
        };
        let (low_level, high_level) = (level_at(low), level_at(high));
        if low_level == high_level {
            Median::Level(low_level)
        } else {
            Median::Between(low_level, high_level)
        }
    }

    /// The level of support label.
    pub fn support(&self) -> Support {
        let total = u64::from(self.total());
        let agreeing = u64::from(self.agreeing());
        let disagreeing = u64::from(self.disagreeing());
        if total == 0 {
            Support::NoVotes
        } else if agreeing * 4 >= total * 3 {
            Support::Strong
        } else if agreeing * 2 > total {
            Support::Majority
        } else if disagreeing * 4 >= total * 3 {
            Support::StrongAgainst
        } else if disagreeing * 2 > total {
            Support::MajorityAgainst
        } else {
            Support::Divided
        }
    }

    /// Whether the ballot passed: `None` without a pass rule; never passed if the quorum was
    /// missed.
    pub fn passed(&self) -> Option<bool> {
        let threshold = self.scale.pass?;
        Some(
            self.quorum_met
                && threshold.is_met(u64::from(self.agreeing()), u64::from(self.total())),
        )
    }

    /// The rules counted against.
    pub fn scale(&self) -> AgreementScale {
        self.scale
    }
}

pub(crate) fn check(
    scale: AgreementScale,
    position: usize,
    answer: AgreementAnswer,
) -> Result<(), BallotError> {
    match answer {
        AgreementAnswer::Level(level) if !(1..=5).contains(&level) => {
            Err(BallotError::LevelOutOfRange {
                vote: position,
                level,
            })
        }
        AgreementAnswer::NoOpinion if !scale.no_opinion_offered => {
            Err(BallotError::NoOpinionNotOffered { vote: position })
        }
        _ => Ok(()),
    }
}

pub(crate) fn count(
    scale: AgreementScale,
    answers: &[AgreementAnswer],
    quorum_met: bool,
) -> AgreementCount {
    let mut tally = AgreementCount {
        scale,
        levels: [0; 5],
        no_opinion: 0,
        quorum_met,
    };
    for answer in answers {
        match answer {
            AgreementAnswer::Level(level) => tally.levels[usize::from(level - 1)] += 1,
            AgreementAnswer::NoOpinion => tally.no_opinion += 1,
        }
    }
    tally
}

fn level_name(level: u8) -> &'static str {
    LEVEL_NAMES
        .get(usize::from(level).wrapping_sub(1))
        .copied()
        .unwrap_or("?")
}

impl fmt::Display for AgreementCount {
    /// Three lines: the distribution, the summary, and the decision (if there is a pass rule).
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = u64::from(self.total());
        let parts: Vec<String> = (1..=5u8)
            .map(|level| {
                format!(
                    "{} {} ({}%)",
                    level_name(level),
                    self.levels[usize::from(level - 1)],
                    self.level_percent(level)
                )
            })
            .collect();
        write!(
            formatter,
            "{} {}: {}",
            self.total(),
            if total == 1 { "vote" } else { "votes" },
            parts.join(", ")
        )?;
        if self.scale.no_opinion_offered {
            write!(
                formatter,
                ", no opinion {} ({}%)",
                self.no_opinion,
                percent(u64::from(self.no_opinion), total)
            )?;
        }
        write!(
            formatter,
            "\n{}% agree or strongly agree; median: {}; level of support: {}",
            self.agreeing_percent(),
            self.median(),
            self.support()
        )?;
        if let (Some(threshold), Some(passed)) = (self.scale.pass, self.passed()) {
            let headline = match (passed, self.quorum_met) {
                (true, _) => "Passed",
                (false, false) => "Not passed (quorum not met)",
                (false, true) => "Not passed",
            };
            write!(
                formatter,
                "\n{headline} (threshold: {threshold} of votes cast agree or strongly agree)"
            )?;
        }
        Ok(())
    }
}
