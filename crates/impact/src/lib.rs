//! Impact and accountability: what became of an assembly's recommendations, and the public
//! scorecard that makes it hard to fudge.
//!
//! For each [`Recommendation`] the authority's [`Response`] ([`ResponseKind`]: accepted in full,
//! with modifications, in part, rejected, or no response yet) is recorded with its justification,
//! source and date; a [`Commitment`] ("respond within N weeks of the final report") gives the due
//! date, and [`Timeliness`] says whether the answer came on time, late, or is overdue.
//! Implementation is tracked by [`Milestone`]s with evidence, and a [`FidelityJudgement`] by the
//! oversight group or the members says whether what was enacted is what was recommended
//! ([`Fidelity`]: full, diluted, different, none).
//!
//! [`Scorecard::compute`] turns the recommendations into counts and shares as of a date, the
//! headline ("15 of 149 recommendations fully taken up (10%)": accepted in full *and* implemented
//! with full fidelity), and a [`CherryPicking`] indicator comparing outcomes by level of support
//! and by theme, so an authority that takes up only the easy, less supported recommendations shows.
//! [`scorecard_svg`] draws it with the `charts` crate and [`scorecard_csv`] exports it.
//!
//! Dates are a small [`Date`] type (days since 1970-01-01, `YYYY-MM-DD`), so the crate needs no
//! date-time dependency.
//!
//! **Architecture Invariant:** pure: no IO, no serde, no clock (the "as of" date is always given),
//! no dependency but `charts` and `thiserror`; all arithmetic on counts is exact integer
//! arithmetic, so the same data always gives the same scorecard, text and image.
//!
//! ```
//! use impact::{Commitment, Date, Fidelity, FidelityJudgement, Judge, Link, Recommendation};
//! use impact::{Response, ResponseKind, Scorecard, Support, Timeliness};
//!
//! let due = Commitment::respond_within_weeks(8)?.due_date(Date::parse("2020-06-21")?)?;
//! let source = Link::parse("https://www.example.org/government-response")?;
//! let answered = Recommendation::new("SN-01", "Halve fertiliser use", "se nourrir", Support::parse("96.5")?, due)?
//!     .with_response(Response::new(ResponseKind::AcceptedInFull, "", source, Date::parse("2020-06-29")?)?)
//!     .with_fidelity(FidelityJudgement::new(Fidelity::Full, Judge::OversightGroup, "Enacted as written", Date::parse("2021-08-24")?)?);
//! let unanswered = Recommendation::new("SN-02", "Label meat origin", "se nourrir", Support::parse("88")?, due)?;
//!
//! let scorecard = Scorecard::compute(&[answered, unanswered], Date::parse("2021-08-24")?)?;
//! assert_eq!(scorecard.headline(), "1 of 2 recommendations fully taken up (50%)");
//! assert_eq!(scorecard.by_timeliness(Timeliness::Overdue).part, 1);
//! # Ok::<(), impact::ImpactError>(())
//! ```

#![deny(missing_docs)]

mod date;
mod model;
mod render;
mod scorecard;
mod words;

pub use date::{Date, is_leap_year};
pub use model::{
    Commitment, Fidelity, FidelityJudgement, Judge, Link, Milestone, MilestoneKind, Recommendation,
    Response, ResponseKind, Support, Timeliness,
};
pub use render::{CSV_HEADER, scorecard_csv, scorecard_svg, scorecard_svg_in};
pub use scorecard::{
    CHERRY_PICKING_GAP_POINTS, CherryPicking, GroupOutcome, HIGH_SUPPORT_BASIS_POINTS, Row,
    Scorecard, Share,
};
pub use words::{Words, fill};

/// Why impact data was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImpactError {
    /// A date is not a real calendar date written `YYYY-MM-DD` (years 1 to 9999).
    #[error("{text:?} is not a date of the form YYYY-MM-DD")]
    InvalidDate {
        /// The text given.
        text: String,
    },
    /// Date arithmetic left the years 1 to 9999.
    #[error("the date is outside the years 1 to 9999")]
    DateOutOfRange,
    /// A required text field is empty.
    #[error("the {field} is empty")]
    EmptyField {
        /// The field's name.
        field: &'static str,
    },
    /// A link is not an http(s) URL.
    #[error("{text:?} is not an http or https link")]
    InvalidLink {
        /// The text given.
        text: String,
    },
    /// A level of support is not a percentage from 0 to 100 with at most two decimals.
    #[error("{text:?} is not a level of support from 0 to 100%")]
    InvalidSupport {
        /// The text given.
        text: String,
    },
    /// A response commitment is not between 1 and 260 weeks.
    #[error("a response commitment of {weeks} weeks is not between 1 and 260 weeks")]
    InvalidCommitment {
        /// The number of weeks given.
        weeks: u16,
    },
    /// "No response yet" was given as a response.
    #[error("\"no response yet\" is not a response: leave the recommendation without one")]
    NoResponseIsNotAResponse,
    /// "Not yet judged" was given as a fidelity judgement.
    #[error("\"not yet judged\" is not a judgement: leave the recommendation without one")]
    NotYetJudgedIsNotAJudgement,
    /// A response kind was not recognised.
    #[error(
        "unknown response {text:?}: expected accepted in full, accepted with modifications, accepted in part, rejected or no response yet"
    )]
    UnknownResponseKind {
        /// The text given.
        text: String,
    },
    /// A fidelity was not recognised.
    #[error("unknown fidelity {text:?}: expected full, diluted, different, none or not yet judged")]
    UnknownFidelity {
        /// The text given.
        text: String,
    },
    /// Two recommendations share a reference.
    #[error("two recommendations have the reference {reference:?}")]
    DuplicateReference {
        /// The repeated reference.
        reference: String,
    },
}
