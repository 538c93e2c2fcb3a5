//! Ballot definitions and votes: a [`BallotSpec`] is validated once into a [`Ballot`], whose
//! fields can then only be read.

use crate::{
    AgreementAnswer, AgreementScale, ApprovalBallot, BallotError, Outcome, Quorum, YesNoChoice,
    YesNoRule,
};

/// The options of a ranking or approval ballot: at least two, non-blank, distinct labels, in the
/// order printed on the ballot paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    labels: Vec<String>,
}

impl Options {
    /// Validates the labels (trimmed of surrounding spaces).
    pub fn new(labels: &[&str]) -> Result<Options, BallotError> {
        if labels.len() < 2 {
            return Err(BallotError::TooFewOptions {
                count: labels.len(),
            });
        }
        let mut checked: Vec<String> = Vec::with_capacity(labels.len());
        for (index, label) in labels.iter().enumerate() {
            let label = label.trim();
            if label.is_empty() {
                return Err(BallotError::BlankOption {
                    position: index + 1,
                });
            }
            if checked.iter().any(|existing| existing == label) {
                return Err(BallotError::DuplicateOption {
                    option: label.to_owned(),
                });
            }
            checked.push(label.to_owned());
        }
        Ok(Options { labels: checked })
    }

    /// The labels, in ballot order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The number of options.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Always false: a valid set has at least two options.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The index of the option with this label.
    pub fn index_of(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|existing| existing == label)
    }
}

/// How a ballot is voted and counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    /// Yes or no (and possibly abstain) against a pass threshold.
    YesNo(YesNoRule),
    /// A five-level agreement scale.
    Agreement(AgreementScale),
    /// A ranking of options, counted with the Schulze method.
    Ranking(Options),
    /// Approval of any number of options (up to an optional maximum).
    Approval(ApprovalBallot),
}

impl Method {
    /// The method's name in messages.
    pub fn name(&self) -> &'static str {
        match self {
            Method::YesNo(_) => "yes/no",
            Method::Agreement(_) => "agreement",
            Method::Ranking(_) => "ranking",
            Method::Approval(_) => "approval",
        }
    }

    /// Whether the method says "passed" or "not passed" (so that another ballot may depend on it).
    pub fn has_decision(&self) -> bool {
        match self {
            Method::YesNo(_) => true,
            Method::Agreement(scale) => scale.pass().is_some(),
            Method::Ranking(_) | Method::Approval(_) => false,
        }
    }
}

/// The question put to members: fixed, or chosen by the outcome of an earlier ballot (the Irish
/// assembly's sequential ballots: "if ballot 1 passed, ask A; otherwise ask B").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wording {
    /// The same wording whatever happened before.
    Fixed(String),
    /// A wording chosen by whether ballot `on` passed.
    Conditional {
        /// The id of the ballot whose outcome chooses the wording.
        on: String,
        /// The wording if that ballot passed.
        if_passed: String,
        /// The wording if it did not pass (including a missed quorum or a tie).
        otherwise: String,
    },
}

/// Whether a ballot that opens after another is held at all, given that ballot's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeldWhen {
    /// Held once the earlier ballot closes, whatever its result.
    Always,
    /// Held only if the earlier ballot passed.
    Passed,
    /// Held only if the earlier ballot did not pass.
    Failed,
}

/// A ballot that opens only after another has closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precondition {
    /// The id of the ballot that must close first.
    pub ballot: String,
    /// Whether this ballot is held, given that ballot's result.
    pub held_when: HeldWhen,
}

/// Everything that defines a ballot, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotSpec {
    /// A short id, unique within the assembly (for example "b1").
    pub id: String,
    /// The question.
    pub wording: Wording,
    /// The voting method and its rules.
    pub method: Method,
    /// The number of members entitled to vote, for turnout and quorum.
    pub eligible_members: u32,
    /// The minimum turnout for the result to count, if any.
    pub quorum: Option<Quorum>,
    /// The ballot that must close before this one opens, if any.
    pub opens_after: Option<Precondition>,
}

/// A validated ballot. Build it with [`Ballot::new`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    spec: BallotSpec,
}

impl Ballot {
    /// Validates a ballot: a non-empty id and wording, at least one eligible member, a quorum
    /// that can be reached, and a conditional wording only on the ballot it opens after.
    pub fn new(spec: BallotSpec) -> Result<Ballot, BallotError> {
        if spec.id.trim().is_empty() {
            return Err(BallotError::EmptyBallotId);
        }
        let empty_wording = match &spec.wording {
            Wording::Fixed(text) => text.trim().is_empty(),
            Wording::Conditional {
                if_passed,
                otherwise,
                ..
            } => if_passed.trim().is_empty() || otherwise.trim().is_empty(),
        };
        if empty_wording {
            return Err(BallotError::EmptyWording { ballot: spec.id });
        }
        if spec.eligible_members == 0 {
            return Err(BallotError::NoEligibleMembers { ballot: spec.id });
        }
        if let Some(Quorum::Members(quorum)) = spec.quorum
            && quorum > spec.eligible_members
        {
            return Err(BallotError::QuorumAboveEligible {
                ballot: spec.id,
                quorum,
                eligible: spec.eligible_members,
            });
        }
        if let Some(precondition) = &spec.opens_after
            && precondition.ballot == spec.id
        {
            return Err(BallotError::OpensAfterItself { ballot: spec.id });
        }
        if let Wording::Conditional { on, .. } = &spec.wording {
            let after = spec
                .opens_after
                .as_ref()
                .map(|precondition| precondition.ballot.as_str());
            if after != Some(on.as_str()) {
                return Err(BallotError::WordingWithoutPrecondition {
                    ballot: spec.id.clone(),
                    on: on.clone(),
                });
            }
        }
        Ok(Ballot { spec })
    }

    /// The ballot's id.
    pub fn id(&self) -> &str {
        &self.spec.id
    }

    /// The wording, fixed or conditional.
    pub fn wording(&self) -> &Wording {
        &self.spec.wording
    }

    /// The method and its rules.
    pub fn method(&self) -> &Method {
        &self.spec.method
    }

    /// The number of members entitled to vote.
    pub fn eligible_members(&self) -> u32 {
        self.spec.eligible_members
    }

    /// The quorum, if any.
    pub fn quorum(&self) -> Option<Quorum> {
        self.spec.quorum
    }

    /// The ballot that must close before this one opens, if any.
    pub fn opens_after(&self) -> Option<&Precondition> {
        self.spec.opens_after.as_ref()
    }

    /// The wording to put to members, given the outcome of the ballot it depends on.
    ///
    /// A fixed wording ignores `previous`. A conditional wording needs the outcome of the ballot
    /// it names, and that outcome must say passed or not passed.
    pub fn resolve_wording(&self, previous: &Outcome) -> Result<&str, BallotError> {
        match &self.spec.wording {
            Wording::Fixed(text) => Ok(text),
            Wording::Conditional {
                on,
                if_passed,
                otherwise,
            } => {
                if previous.ballot_id() != on {
                    return Err(BallotError::OutcomeOfAnotherBallot {
                        expected: on.clone(),
                        found: previous.ballot_id().to_owned(),
                    });
                }
                match previous.passed() {
                    Some(true) => Ok(if_passed),
                    Some(false) => Ok(otherwise),
                    None => Err(BallotError::NoDecision { ballot: on.clone() }),
                }
            }
        }
    }
}

/// One member's vote, as entered; [`crate::tally`] checks it against the ballot.
///
/// A vote carries no member identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Vote {
    /// A yes/no ballot.
    YesNo(YesNoChoice),
    /// An agreement scale.
    Agreement(AgreementAnswer),
    /// A ranking: options with their rank, 1 being the most preferred.
    /// Equal ranks are allowed; options left out rank below every ranked option, all equal; an
    /// empty ranking is a blank vote (counted in turnout, no preference).
    Ranking(Vec<(String, u32)>),
    /// The options approved; an empty list is a blank vote.
    Approval(Vec<String>),
}

impl Vote {
    /// A ranking from groups of options in order of preference: the first group gets rank 1,
    /// the second rank 2, and options within a group are ranked equal.
    pub fn ranking_from_groups(groups: &[&[&str]]) -> Vote {
        let mut ranks = Vec::new();
        for (index, group) in groups.iter().enumerate() {
            for option in group.iter() {
                ranks.push(((*option).to_owned(), index as u32 + 1));
            }
        }
        Vote::Ranking(ranks)
    }

    /// A strict ranking from options in order of preference.
    pub fn ranking_in_order(options: &[&str]) -> Vote {
        Vote::Ranking(
            options
                .iter()
                .enumerate()
                .map(|(index, option)| ((*option).to_owned(), index as u32 + 1))
                .collect(),
        )
    }

    /// An approval of the given options.
    pub fn approval(options: &[&str]) -> Vote {
        Vote::Approval(options.iter().map(|option| (*option).to_owned()).collect())
    }

    /// The method's name in messages.
    pub fn method_name(&self) -> &'static str {
        match self {
            Vote::YesNo(_) => "yes/no",
            Vote::Agreement(_) => "agreement",
            Vote::Ranking(_) => "ranking",
            Vote::Approval(_) => "approval",
        }
    }

    /// The same vote with its options sorted, so that two entries of one paper sheet compare
    /// equal whatever order the clerks typed the options in.
    pub fn normalized(&self) -> Vote {
        match self {
            Vote::Ranking(ranks) => {
                let mut ranks = ranks.clone();
                ranks.sort();
                Vote::Ranking(ranks)
            }
            Vote::Approval(options) => {
                let mut options = options.clone();
                options.sort();
                Vote::Approval(options)
            }
            other => other.clone(),
        }
    }
}
