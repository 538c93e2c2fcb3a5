//! The public scorecard arithmetic: counts and shares by response, fidelity and timeliness as of a
//! date, the headline "fully taken up" figure, and the cherry-picking indicator.
//!
//! Rounding rule: every share is a whole percentage rounded half up with integer arithmetic
//! (`charts::percent_rounded`: 12.5% → 13%, 10.07% → 10%), so the same data always gives the
//! same text; the rounded shares of a breakdown need not add up to exactly 100.
//! Gaps between two shares are computed exactly from the counts, then rounded half away from zero.

use crate::{Date, Fidelity, ImpactError, Recommendation, ResponseKind, Support, Timeliness};
use std::collections::BTreeSet;

/// The level of support from which a recommendation counts as highly supported: 90%.
pub const HIGH_SUPPORT_BASIS_POINTS: u16 = 9_000;

/// The gap, in percentage points, from which the indicator says the authority favoured the less
/// supported recommendations: 10.
pub const CHERRY_PICKING_GAP_POINTS: i64 = 10;

/// A part of a whole, e.g. 15 of 149.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    /// The part.
    pub part: u64,
    /// The whole.
    pub whole: u64,
}

impl Share {
    /// The whole percentage, rounded half up, or `None` for an empty whole.
    pub fn percent(self) -> Option<u64> {
        charts::percent_rounded(self.part, self.whole)
    }
}

impl std::fmt::Display for Share {
    /// `15 of 149 (10%)`, or `0 of 0` for an empty whole.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.percent() {
            Some(percent) => write!(formatter, "{} of {} ({percent}%)", self.part, self.whole),
            None => write!(formatter, "{} of {}", self.part, self.whole),
        }
    }
}

/// One recommendation's line on the scorecard, as of the scorecard's date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The recommendation's reference.
    pub reference: String,
    /// Its title.
    pub title: String,
    /// Its theme.
    pub theme: String,
    /// Its support in the assembly.
    pub support: Support,
    /// The response known on the date.
    pub response: ResponseKind,
    /// The fidelity judged by the date.
    pub fidelity: Fidelity,
    /// The due date for a response.
    pub due: Date,
    /// The date of the response, if known on the date.
    pub responded: Option<Date>,
    /// On time, late, overdue or not yet due.
    pub status: Timeliness,
    /// Accepted in full and implemented with full fidelity.
    pub fully_taken_up: bool,
}

/// What happened to a group of recommendations (a support band or a theme).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupOutcome {
    /// The group's name.
    pub label: String,
    /// Recommendations in the group.
    pub total: u64,
    /// Of which accepted in full.
    pub accepted_in_full: u64,
    /// Of which accepted in any form (in full, with modifications or in part).
    pub accepted: u64,
    /// Of which rejected.
    pub rejected: u64,
    /// Of which fully taken up.
    pub fully_taken_up: u64,
}

impl GroupOutcome {
    fn new(label: &str) -> GroupOutcome {
        GroupOutcome {
            label: label.to_owned(),
            total: 0,
            accepted_in_full: 0,
            accepted: 0,
            rejected: 0,
            fully_taken_up: 0,
        }
    }

    fn add(&mut self, row: &Row) {
        self.total += 1;
        self.accepted_in_full += u64::from(row.response == ResponseKind::AcceptedInFull);
        self.accepted += u64::from(matches!(
            row.response,
            ResponseKind::AcceptedInFull
                | ResponseKind::AcceptedWithModifications
                | ResponseKind::AcceptedInPart
        ));
        self.rejected += u64::from(row.response == ResponseKind::Rejected);
        self.fully_taken_up += u64::from(row.fully_taken_up);
    }

    /// The share accepted in full.
    pub fn accepted_in_full_share(&self) -> Share {
        Share {
            part: self.accepted_in_full,
            whole: self.total,
        }
    }

    /// The share fully taken up.
    pub fn fully_taken_up_share(&self) -> Share {
        Share {
            part: self.fully_taken_up,
            whole: self.total,
        }
    }

    /// The share rejected.
    pub fn rejected_share(&self) -> Share {
        Share {
            part: self.rejected,
            whole: self.total,
        }
    }
}

/// Whether the authority took up the easy, less supported recommendations rather than those the
/// assembly backed most: the outcomes by level of support and by theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CherryPicking {
    threshold: Support,
    high_support: GroupOutcome,
    other: GroupOutcome,
    themes: Vec<GroupOutcome>,
}

impl CherryPicking {
    fn compute(rows: &[Row], threshold: Support) -> CherryPicking {
        let mut high_support = GroupOutcome::new(&format!("support of {threshold} or more"));
        let mut other = GroupOutcome::new(&format!("support under {threshold}"));
        let mut themes: Vec<GroupOutcome> = Vec::new();
        for row in rows {
            if row.support >= threshold {
                high_support.add(row)
            } else {
                other.add(row)
            }
            match themes.iter_mut().find(|theme| theme.label == row.theme) {
                Some(theme) => theme.add(row),
                None => {
                    let mut theme = GroupOutcome::new(&row.theme);
                    theme.add(row);
                    themes.push(theme);
                }
            }
        }
        CherryPicking {
            threshold,
            high_support,
            other,
            themes,
        }
    }

    /// The support from which a recommendation is in the high-support group.
    pub fn threshold(&self) -> Support {
        self.threshold
    }

    /// The recommendations with support at or above the threshold.
    pub fn high_support(&self) -> &GroupOutcome {
        &self.high_support
    }

    /// The recommendations with support under the threshold.
    pub fn other(&self) -> &GroupOutcome {
        &self.other
    }

    /// The outcomes by theme, in the order themes first appear.
    pub fn themes(&self) -> &[GroupOutcome] {
        &self.themes
    }

    /// The share accepted in full among the less supported recommendations minus that among the
    /// highly supported ones, in percentage points (positive: the less supported did better), or
    /// `None` if a group is empty.
    pub fn gap_points(&self) -> Option<i64> {
        gap_points(&self.other, &self.high_support)
    }

    /// Whether the less supported recommendations were accepted in full more often than the highly
    /// supported ones by at least [`CHERRY_PICKING_GAP_POINTS`] (compared exactly, before rounding).
    pub fn favours_less_supported(&self) -> bool {
        gap_at_least(&self.other, &self.high_support, CHERRY_PICKING_GAP_POINTS)
    }

    /// The themes whose recommendations were accepted in full less often than all the others
    /// together, by at least [`CHERRY_PICKING_GAP_POINTS`] (compared exactly).
    pub fn themes_left_behind(&self) -> Vec<&GroupOutcome> {
        let all = self
            .themes
            .iter()
            .fold(GroupOutcome::new("all"), |mut all, theme| {
                all.total += theme.total;
                all.accepted_in_full += theme.accepted_in_full;
                all
            });
        self.themes
            .iter()
            .filter(|theme| {
                let mut others = GroupOutcome::new("others");
                others.total = all.total - theme.total;
                others.accepted_in_full = all.accepted_in_full - theme.accepted_in_full;
                gap_at_least(&others, theme, CHERRY_PICKING_GAP_POINTS)
            })
            .collect()
    }

    /// The indicator in words.
    pub fn summary(&self) -> String {
        self.summary_in(&crate::Words::ENGLISH)
    }

    /// [`CherryPicking::summary`] in `words`.
    pub fn summary_in(&self, words: &crate::Words) -> String {
        use crate::fill;
        let threshold = self.threshold.to_string();
        let mut text = fill(
            words.summary,
            &[
                (
                    "high",
                    &words.share(self.high_support.accepted_in_full_share()),
                ),
                (
                    "high_label",
                    &fill(words.high_support, &[("threshold", &threshold)]),
                ),
                ("other", &words.share(self.other.accepted_in_full_share())),
                (
                    "other_label",
                    &fill(words.low_support, &[("threshold", &threshold)]),
                ),
            ],
        );
        if self.favours_less_supported() {
            let gap = self.gap_points().unwrap_or(0);
            text.push_str(&fill(words.warning, &[("gap", &gap.to_string())]));
        }
        let left_behind: Vec<&str> = self
            .themes_left_behind()
            .into_iter()
            .map(|theme| theme.label.as_str())
            .collect();
        if !left_behind.is_empty() {
            text.push_str(&fill(
                words.left_behind,
                &[
                    ("points", &CHERRY_PICKING_GAP_POINTS.to_string()),
                    ("themes", &left_behind.join(", ")),
                ],
            ));
        }
        text
    }
}

/// The share accepted in full in `first` minus that in `second`, in percentage points rounded half
/// away from zero, or `None` if a group is empty.
fn gap_points(first: &GroupOutcome, second: &GroupOutcome) -> Option<i64> {
    let (numerator, denominator) = gap_fraction(first, second)?;
    let magnitude = (200 * numerator.abs() + denominator) / (2 * denominator);
    Some((numerator.signum() * magnitude) as i64)
}

/// Whether the share accepted in full in `first` exceeds that in `second` by at least `points`
/// percentage points, compared exactly; false if a group is empty.
fn gap_at_least(first: &GroupOutcome, second: &GroupOutcome, points: i64) -> bool {
    gap_fraction(first, second)
        .is_some_and(|(numerator, denominator)| 100 * numerator >= i128::from(points) * denominator)
}

/// The difference of the two shares accepted in full as an exact fraction (numerator, positive
/// denominator).
fn gap_fraction(first: &GroupOutcome, second: &GroupOutcome) -> Option<(i128, i128)> {
    if first.total == 0 || second.total == 0 {
        return None;
    }
    let numerator = i128::from(first.accepted_in_full) * i128::from(second.total)
        - i128::from(second.accepted_in_full) * i128::from(first.total);
    Some((
        numerator,
        i128::from(first.total) * i128::from(second.total),
    ))
}

/// The public scorecard of an assembly's recommendations as of a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scorecard {
    as_of: Date,
    rows: Vec<Row>,
    cherry_picking: CherryPicking,
}

impl Scorecard {
    /// The scorecard as of `as_of`, with the high-support threshold at 90%. Responses and
    /// judgements dated after `as_of` are not known yet, so a past scorecard can be recomputed.
    /// References must be unique.
    pub fn compute(
        recommendations: &[Recommendation],
        as_of: Date,
    ) -> Result<Scorecard, ImpactError> {
        let threshold = Support::from_basis_points(HIGH_SUPPORT_BASIS_POINTS)?;
        Scorecard::compute_with_threshold(recommendations, as_of, threshold)
    }

    /// The scorecard with another high-support threshold for the cherry-picking indicator.
    pub fn compute_with_threshold(
        recommendations: &[Recommendation],
        as_of: Date,
        threshold: Support,
    ) -> Result<Scorecard, ImpactError> {
        let mut references = BTreeSet::new();
        let mut rows = Vec::with_capacity(recommendations.len());
        for recommendation in recommendations {
            if !references.insert(recommendation.reference()) {
                return Err(ImpactError::DuplicateReference {
                    reference: recommendation.reference().to_owned(),
                });
            }
            rows.push(Row {
                reference: recommendation.reference().to_owned(),
                title: recommendation.title().to_owned(),
                theme: recommendation.theme().to_owned(),
                support: recommendation.support(),
                response: recommendation.response_kind(as_of),
                fidelity: recommendation.fidelity(as_of),
                due: recommendation.due(),
                responded: recommendation
                    .response_as_of(as_of)
                    .map(|response| response.date()),
                status: recommendation.timeliness(as_of),
                fully_taken_up: recommendation.fully_taken_up(as_of),
            });
        }
        let cherry_picking = CherryPicking::compute(&rows, threshold);
        Ok(Scorecard {
            as_of,
            rows,
            cherry_picking,
        })
    }

    /// The date of the scorecard.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// One row per recommendation, in the order given.
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The number of recommendations.
    pub fn total(&self) -> u64 {
        self.rows.len() as u64
    }

    fn share_of(&self, predicate: impl Fn(&Row) -> bool) -> Share {
        Share {
            part: self.rows.iter().filter(|row| predicate(row)).count() as u64,
            whole: self.total(),
        }
    }

    /// The share with this response.
    pub fn by_response(&self, kind: ResponseKind) -> Share {
        self.share_of(|row| row.response == kind)
    }

    /// The share with this fidelity.
    pub fn by_fidelity(&self, fidelity: Fidelity) -> Share {
        self.share_of(|row| row.fidelity == fidelity)
    }

    /// The share with this timeliness.
    pub fn by_timeliness(&self, status: Timeliness) -> Share {
        self.share_of(|row| row.status == status)
    }

    /// The share fully taken up: accepted in full and implemented with full fidelity.
    pub fn fully_taken_up(&self) -> Share {
        self.share_of(|row| row.fully_taken_up)
    }

    /// The cherry-picking indicator.
    pub fn cherry_picking(&self) -> &CherryPicking {
        &self.cherry_picking
    }

    /// The headline, e.g. `15 of 149 recommendations fully taken up (10%)`.
    pub fn headline(&self) -> String {
        self.headline_in(&crate::Words::ENGLISH)
    }

    /// [`Scorecard::headline`] in `words`.
    pub fn headline_in(&self, words: &crate::Words) -> String {
        let share = self.fully_taken_up();
        let (part, whole) = (share.part.to_string(), share.whole.to_string());
        match share.percent() {
            Some(percent) => crate::fill(
                if share.whole == 1 {
                    words.headline_one
                } else {
                    words.headline
                },
                &[
                    ("part", &part),
                    ("whole", &whole),
                    ("percent", &percent.to_string()),
                ],
            ),
            None => crate::fill(words.headline_none, &[("part", &part), ("whole", &whole)]),
        }
    }
}
