//! The statistics behind representative statements, consensus, group-informed consensus and
//! routing priorities: pure functions of vote counts.
//!
//! Every proportion is Laplace-smoothed, (successes + 1) / (seen + 2), and every test uses that same
//! smoothed proportion, so the reported probability and its z-score never disagree (Pol.is's
//! one-proportion test uses (successes + 1) / (seen + 1) next to a probability of
//! (successes + 1) / (seen + 2)).

/// Vote counts on one statement among some participants; `seen` includes passes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Agree votes.
    pub agree: u64,
    /// Disagree votes.
    pub disagree: u64,
    /// All votes, passes included.
    pub seen: u64,
}

impl Counts {
    /// The successes in one direction.
    pub fn successes(&self, direction: Direction) -> u64 {
        match direction {
            Direction::Agree => self.agree,
            Direction::Disagree => self.disagree,
        }
    }

    pub(crate) fn add(&mut self, other: Counts) {
        self.agree += other.agree;
        self.disagree += other.disagree;
        self.seen += other.seen;
    }

    pub(crate) fn minus(&self, other: Counts) -> Counts {
        Counts {
            agree: self.agree - other.agree,
            disagree: self.disagree - other.disagree,
            seen: self.seen - other.seen,
        }
    }
}

/// Which way a statement is representative or consensual.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// The participants agree with it.
    Agree,
    /// The participants disagree with it.
    Disagree,
}

/// The Laplace-smoothed share of `successes` among `seen`: (successes + 1) / (seen + 2).
pub fn smoothed(successes: u64, seen: u64) -> f64 {
    (successes as f64 + 1.0) / (seen as f64 + 2.0)
}

/// One-proportion z-score of the smoothed share against 1/2, with seen + 2 as the sample size:
/// 2·sqrt(seen + 2)·(p − 1/2).
pub fn proportion_test(successes: u64, seen: u64) -> f64 {
    2.0 * (seen as f64 + 2.0).sqrt() * (smoothed(successes, seen) - 0.5)
}

/// Two-proportion z-score (pooled variance) of a group's smoothed share against the rest's.
pub fn two_proportion_test(successes: u64, seen: u64, rest_successes: u64, rest_seen: u64) -> f64 {
    let (n1, n2) = (seen as f64 + 2.0, rest_seen as f64 + 2.0);
    let (p1, p2) = (
        smoothed(successes, seen),
        smoothed(rest_successes, rest_seen),
    );
    let pooled = (successes as f64 + rest_successes as f64 + 2.0) / (n1 + n2);
    let variance = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
    if variance <= 0.0 {
        0.0
    } else {
        (p1 - p2) / variance.sqrt()
    }
}

/// The statistics of one statement for one group against the rest, in one direction.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Repness {
    /// The direction these figures are for.
    pub direction: Direction,
    /// The group's counts.
    pub counts: Counts,
    /// The smoothed share of the group voting this way.
    pub probability: f64,
    /// Its z-score against 1/2.
    pub probability_test: f64,
    /// The group's smoothed share divided by the rest's.
    pub ratio: f64,
    /// Two-proportion z-score of the group's share against the rest's.
    pub ratio_test: f64,
    /// ratio × ratio_test × probability × probability_test: the ranking key.
    pub metric: f64,
    /// Both z-scores exceed the threshold.
    pub significant: bool,
}

/// Repness of a statement for a group, in the direction that is significant (the larger
/// `ratio_test` if both or neither are).
pub fn repness(group: Counts, rest: Counts, z_threshold: f64) -> Repness {
    let one = |direction: Direction| {
        let (successes, rest_successes) = (group.successes(direction), rest.successes(direction));
        let probability = smoothed(successes, group.seen);
        let probability_test = proportion_test(successes, group.seen);
        let ratio = probability / smoothed(rest_successes, rest.seen);
        let ratio_test = two_proportion_test(successes, group.seen, rest_successes, rest.seen);
        Repness {
            direction,
            counts: group,
            probability,
            probability_test,
            ratio,
            ratio_test,
            metric: ratio * ratio_test * probability * probability_test,
            significant: probability_test > z_threshold && ratio_test > z_threshold,
        }
    };
    let (agree, disagree) = (one(Direction::Agree), one(Direction::Disagree));
    match (agree.significant, disagree.significant) {
        (true, false) => agree,
        (false, true) => disagree,
        _ if disagree.ratio_test > agree.ratio_test => disagree,
        _ => agree,
    }
}

/// Group-informed consensus: the geometric mean over groups of each group's smoothed agree share.
/// Pol.is multiplies the shares, so its value falls by about half with every extra group and the
/// ranking is dominated by small groups' priors; the geometric mean is on the scale of a
/// probability whatever the number of groups (the change red-dwarf proposed in its PR #118).
pub fn group_informed_consensus(groups: &[Counts]) -> f64 {
    if groups.is_empty() {
        return 0.0;
    }
    let log_sum: f64 = groups
        .iter()
        .map(|counts| smoothed(counts.agree, counts.seen).ln())
        .sum();
    (log_sum / groups.len() as f64).exp()
}

/// Pol.is's routing priority of an included statement from the counts of the clustered participants
/// and its extremity (distance of the statement's projection from the centre):
/// importance = (1 − smoothed pass share) · (extremity + 1) · smoothed agree share,
/// priority = (importance · (1 + 8 · 2^(−seen/5)))², so that new statements are shown more.
pub fn priority(counts: Counts, extremity: f64) -> f64 {
    let passes = counts.seen - counts.agree - counts.disagree;
    let importance = (1.0 - smoothed(passes, counts.seen))
        * (extremity + 1.0)
        * smoothed(counts.agree, counts.seen);
    let novelty = 1.0 + 8.0 * 2f64.powf(-(counts.seen as f64) / 5.0);
    (importance * novelty).powi(2)
}

/// The fixed priority of meta statements (as in Pol.is: 7²).
pub const META_PRIORITY: f64 = 49.0;
