//! Exact shares: ratios, pass thresholds and quorums, compared with integer arithmetic so that a
//! count of exactly two thirds is never lost to floating-point rounding.

use std::cmp::Ordering;
use std::fmt;

use crate::BallotError;

/// A share between 0 and 1, such as 2/3 or 55% (55/100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    numerator: u32,
    denominator: u32,
}

impl Ratio {
    /// A share of `numerator / denominator`; the denominator must be positive and at least the
    /// numerator.
    pub fn new(numerator: u32, denominator: u32) -> Result<Ratio, BallotError> {
        if denominator == 0 || numerator > denominator {
            return Err(BallotError::InvalidRatio {
                numerator,
                denominator,
            });
        }
        Ok(Ratio {
            numerator,
            denominator,
        })
    }

    /// A share given in percent, such as 55 for 55%.
    pub fn percent(percent: u32) -> Result<Ratio, BallotError> {
        Ratio::new(percent, 100)
    }

    /// The numerator as given (ratios are not reduced, so 50/100 prints as 50%).
    pub fn numerator(self) -> u32 {
        self.numerator
    }

    /// The denominator as given.
    pub fn denominator(self) -> u32 {
        self.denominator
    }

    /// Compares the share `count / base` with this ratio, exactly; `base` must be positive.
    fn compare_share(self, count: u64, base: u64) -> Ordering {
        (count * u64::from(self.denominator)).cmp(&(u64::from(self.numerator) * base))
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.denominator == 100 {
            write!(formatter, "{}%", self.numerator)
        } else {
            write!(formatter, "{}/{}", self.numerator, self.denominator)
        }
    }
}

/// How a share is compared with a threshold's ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    /// The share must be at least the ratio: 200 of 300 meets "at least 2/3".
    AtLeast,
    /// The share must be strictly more than the ratio: 200 of 300 does not meet "more than 2/3".
    MoreThan,
}

/// A pass threshold: a ratio and whether reaching it exactly is enough.
///
/// A simple majority is "more than 1/2"; qualified majorities are usually "at least 2/3" or
/// "at least 55%".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold {
    ratio: Ratio,
    comparison: Comparison,
}

impl Threshold {
    /// Met when the share is at least `ratio` (so exactly 2/3 meets "at least 2/3").
    /// A ratio of 0 is refused, as every count would meet it.
    pub fn at_least(ratio: Ratio) -> Result<Threshold, BallotError> {
        if ratio.numerator == 0 {
            return Err(BallotError::ThresholdAlwaysMet);
        }
        Ok(Threshold {
            ratio,
            comparison: Comparison::AtLeast,
        })
    }

    /// Met when the share is strictly more than `ratio` (so exactly 2/3 fails "more than 2/3").
    /// A ratio of 1 is refused, as no count could meet it.
    pub fn more_than(ratio: Ratio) -> Result<Threshold, BallotError> {
        if ratio.numerator == ratio.denominator {
            return Err(BallotError::ThresholdNeverMet);
        }
        Ok(Threshold {
            ratio,
            comparison: Comparison::MoreThan,
        })
    }

    /// A simple majority: more than half.
    pub fn simple_majority() -> Threshold {
        Threshold {
            ratio: Ratio {
                numerator: 1,
                denominator: 2,
            },
            comparison: Comparison::MoreThan,
        }
    }

    /// The ratio.
    pub fn ratio(self) -> Ratio {
        self.ratio
    }

    /// Whether reaching the ratio exactly is enough.
    pub fn comparison(self) -> Comparison {
        self.comparison
    }

    /// Whether `count` out of `base` meets the threshold; nothing meets it when `base` is 0.
    pub fn is_met(self, count: u64, base: u64) -> bool {
        if base == 0 {
            return false;
        }
        match self.comparison {
            Comparison::AtLeast => self.ratio.compare_share(count, base) != Ordering::Less,
            Comparison::MoreThan => self.ratio.compare_share(count, base) == Ordering::Greater,
        }
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.comparison {
            Comparison::AtLeast => write!(formatter, "at least {}", self.ratio),
            Comparison::MoreThan => write!(formatter, "more than {}", self.ratio),
        }
    }
}

/// A minimum turnout for a ballot's result to count: a share of the eligible members, or a
/// number of members.
///
/// Turnout counts every vote cast, abstentions and "no opinion" included: an abstaining member
/// took part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quorum {
    /// At least this share of the eligible members must vote.
    Share(Ratio),
    /// At least this many members must vote.
    Members(u32),
}

impl Quorum {
    /// Whether `turnout` votes out of `eligible` members meet the quorum.
    pub fn is_met(self, turnout: u32, eligible: u32) -> bool {
        match self {
            Quorum::Share(ratio) => {
                eligible > 0
                    && ratio.compare_share(u64::from(turnout), u64::from(eligible))
                        != Ordering::Less
            }
            Quorum::Members(members) => turnout >= members,
        }
    }
}

impl fmt::Display for Quorum {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quorum::Share(ratio) => write!(formatter, "at least {ratio} of eligible members"),
            Quorum::Members(members) => write!(formatter, "at least {members} members"),
        }
    }
}

/// `count / base` in whole percent, rounded half up; 0 when `base` is 0.
///
/// Only for display: decisions always use the exact comparison of [`Threshold::is_met`].
pub fn percent(count: u64, base: u64) -> u64 {
    if base == 0 {
        return 0;
    }
    (count * 200 + base) / (base * 2)
}
