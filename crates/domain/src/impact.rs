//! The typed codes of impact and accountability records: what the authority replied to a recommendation, what a
//! milestone records, how faithfully a recommendation was enacted and by whom that was judged, the change strategy
//! (tactics, allies, the power map, advocacy material) and the evaluation surveys.
//!
//! Each is stored and posted as its stable identifier ([`Reply::as_str`], ...), and read back by `parse`, which
//! names the field in its [`ValidationError`]: a form gets "is required" or "is not valid", and the store turns an
//! unknown stored identifier into an error rather than a default.
//! The pure `impact` engine has richer twins of the first four ([`Reply`] is its `ResponseKind` without
//! "no response yet", [`Verdict`] its `Fidelity` without "not yet judged"): these are only what can be recorded.

use crate::error::{Problem, ValidationError};

/// Declares an enum of stable identifiers with `ALL` (in the order forms and catalogues list them), `as_str`,
/// `parse` and `index` (its place in `ALL`, which is the place of its label in a catalogue's array).
macro_rules! codes {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$variant_meta:meta])* $variant:ident => $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)+
        }

        impl $name {
            /// Every value, in the order forms and catalogues list them.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable identifier used in storage, forms and the audit log.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// Parses an identifier written by `as_str`; `field` names the input in the error (required when
            /// empty, not valid when unknown).
            pub fn parse(field: &str, raw: &str) -> Result<$name, ValidationError> {
                let raw = raw.trim();
                if raw.is_empty() {
                    return Err(ValidationError::new(field, Problem::Required));
                }
                $name::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == raw)
                    .ok_or_else(|| ValidationError::new(field, Problem::Malformed))
            }

            /// Its place in [`Self::ALL`] (the place of its label in a catalogue's array).
            pub fn index(self) -> usize {
                $name::ALL
                    .iter()
                    .position(|value| *value == self)
                    .unwrap_or_default()
            }
        }
    };
}

codes! {
    /// The authority's reply to a recommendation, as recorded (a recommendation without a reply has no response).
    pub enum Reply {
        /// Accepted as recommended.
        Full => "full",
        /// Accepted, but changed.
        Modified => "modified",
        /// Only part of it accepted.
        Part => "part",
        /// Rejected.
        Rejected => "rejected",
    }
}

impl Reply {
    /// Whether the authority must justify this reply: every reply but acceptance in full.
    pub fn needs_justification(self) -> bool {
        self != Reply::Full
    }
}

codes! {
    /// What an implementation milestone records: the policy instrument its evidence points to.
    pub enum Instrument {
        /// A bill (tabled, passed, promulgated).
        Bill => "bill",
        /// A regulation or decree.
        Regulation => "regulation",
        /// A line in a budget.
        BudgetLine => "budget_line",
        /// Anything else.
        Other => "other",
    }
}

codes! {
    /// A fidelity verdict: whether what was enacted is what was recommended.
    pub enum Verdict {
        /// Enacted as recommended.
        Full => "full",
        /// Enacted in a weaker form.
        Diluted => "diluted",
        /// Something different was enacted under its name.
        Different => "different",
        /// Nothing was enacted.
        None => "none",
    }
}

codes! {
    /// Who judged fidelity (never the authority).
    pub enum JudgedBy {
        /// The oversight group (observers; administrators judge as it).
        OversightGroup => "oversight_group",
        /// The assembly's members.
        Members => "members",
    }
}

codes! {
    /// Where a tactic of the change strategy works.
    pub enum Arena {
        /// Inside the institutions (briefings, lobbying, hearings).
        Insider => "insider",
        /// Outside them (campaigns, petitions, media, events).
        Outsider => "outsider",
    }
}

codes! {
    /// What a tactic is (the first three insider, the rest outsider, as the brief lists them).
    pub enum TacticKind {
        /// Briefing decision-makers.
        Briefing => "briefing",
        /// Lobbying.
        Lobbying => "lobbying",
        /// A committee hearing.
        Hearing => "hearing",
        /// A campaign.
        Campaign => "campaign",
        /// A petition.
        Petition => "petition",
        /// Media work.
        Media => "media",
        /// A public event.
        Event => "event",
    }
}

codes! {
    /// Whether a tactic is still planned or was carried out.
    pub enum TacticStatus {
        /// Planned.
        Planned => "planned",
        /// Done.
        Done => "done",
    }
}

codes! {
    /// Who an ally is.
    pub enum AllyKind {
        /// An organisation.
        Organisation => "organisation",
        /// A person.
        Person => "person",
    }
}

codes! {
    /// The part an actor on the power map plays in the decision.
    pub enum ActorRole {
        /// Takes the decision.
        DecisionMaker => "decision_maker",
        /// Influences those who take it.
        Influencer => "influencer",
    }
}

codes! {
    /// Whether an actor's power is visible or hidden (Gaventa's power cube).
    pub enum Visibility {
        /// Visible power.
        Visible => "visible",
        /// Hidden power.
        Hidden => "hidden",
    }
}

codes! {
    /// What advocacy material is.
    pub enum MaterialKind {
        /// A talking point.
        TalkingPoint => "talking_point",
        /// Media training.
        MediaTraining => "media_training",
    }
}

codes! {
    /// An evaluation survey.
    pub enum Survey {
        /// The members' survey before the assembly (once per member).
        MembersBefore => "members_before",
        /// The members' survey after the assembly (once per member).
        MembersAfter => "members_after",
        /// The public survey (anonymous, any number of answers).
        Public => "public",
    }
}

impl Survey {
    /// The members' surveys, in the order the form lists them.
    pub const MEMBERS: [Survey; 2] = [Survey::MembersBefore, Survey::MembersAfter];

    /// Whether only members answer it, once each.
    pub fn is_members(self) -> bool {
        self != Survey::Public
    }

    /// The statements of this survey, in the order the form and the charts list them.
    pub fn items(self) -> &'static [SurveyItem] {
        if self.is_members() {
            &SurveyItem::MEMBERS
        } else {
            &SurveyItem::PUBLIC
        }
    }
}

codes! {
    /// A statement of a survey, answered on a Likert scale of 1 (strongly disagree) to 5 (strongly agree).
    pub enum SurveyItem {
        /// Members: people like me can influence decisions.
        Efficacy => "efficacy",
        /// Members: I trust the authority to act on the recommendations.
        Trust => "trust",
        /// Members: I understand the issues well.
        Learning => "learning",
        /// Members: different views were heard with respect.
        Respect => "respect",
        /// Public: I had heard of the assembly.
        Awareness => "awareness",
        /// Public: the authority should implement the recommendations.
        Support => "support",
    }
}

impl SurveyItem {
    /// The statements of the members' surveys.
    pub const MEMBERS: [SurveyItem; 4] = [
        SurveyItem::Efficacy,
        SurveyItem::Trust,
        SurveyItem::Learning,
        SurveyItem::Respect,
    ];

    /// The statements of the public survey.
    pub const PUBLIC: [SurveyItem; 2] = [SurveyItem::Awareness, SurveyItem::Support];
}

/// The answers of a Likert statement: 1 (strongly disagree) to 5 (strongly agree).
pub const LIKERT: std::ops::RangeInclusive<i64> = 1..=5;

codes! {
    /// A record of a recommendation's follow-up that can be edited and removed, with its history (issue 18,
    /// item 8).
    pub enum RecordKind {
        /// The authority's response (one per recommendation).
        Response => "response",
        /// An implementation milestone.
        Milestone => "milestone",
        /// The fidelity judgement (one per recommendation).
        Fidelity => "fidelity",
        /// A tactic of the change strategy.
        Tactic => "tactic",
    }
}

codes! {
    /// What a change did to a record, in the record's history.
    pub enum Change {
        /// The record was added.
        Added => "added",
        /// The record was edited.
        Edited => "edited",
        /// The record was removed (its history stays).
        Removed => "removed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_and_unknown_or_empty_ones_name_the_field() {
        for reply in Reply::ALL {
            assert_eq!(Reply::parse("kind", reply.as_str()), Ok(*reply));
        }
        for item in SurveyItem::ALL {
            assert_eq!(SurveyItem::parse("item", item.as_str()), Ok(*item));
        }
        assert_eq!(
            Verdict::parse("fidelity", " diluted "),
            Ok(Verdict::Diluted)
        );
        assert_eq!(
            TacticKind::parse("kind", "riot"),
            Err(ValidationError::new("kind", Problem::Malformed))
        );
        assert_eq!(
            Arena::parse("arena", "  "),
            Err(ValidationError::new("arena", Problem::Required))
        );
        assert_eq!(Instrument::BudgetLine.index(), 2);
        assert!(!Reply::Full.needs_justification() && Reply::Part.needs_justification());
        assert_eq!(Survey::MembersAfter.items(), SurveyItem::MEMBERS);
        assert!(!Survey::Public.is_members());
    }
}
