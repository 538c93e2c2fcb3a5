//! The assembly at work (issue 5, items 1-3): sessions with their agenda and attendance register, members'
//! "my assembly" page, the evidence library with its speakers, members' questions and speaker requests, the
//! oversight group's comments on balance, and the seating of members at tables (an allocation job, swaps, pins,
//! members' feature values).
//!
//! Every change is one use case that writes through `store` with its audit entry (ids, counts and kinds only:
//! never a name, a question's text or a member's feature values). What the pages read is gathered here too, so
//! that who may see which part of the seating is decided in one place ([`my_assembly`]).
//! A change the rules refuse comes back as an [`AssemblyError::Refused`] with typed [`Refusal`]s that `web`
//! words in the visitor's language.

mod allocation;
mod evidence;
mod mine;
mod seating;
mod sessions;

pub use allocation::{
    AllocationInput, allocation_input, claim_allocation, queued_allocations, record_allocation,
};
pub use evidence::{
    Audience, Balance, Library, SpeakerEntry, StaffLibrary, add_evidence, add_speaker,
    ask_question, comment_on_balance, library, request_speaker, staff_library,
};
// Moderation of members' questions (issue 18, item 8).
pub use evidence::{PendingQuestion, moderate_questions};
// Lists that scale (issue 18, item 5).
pub use evidence::{Documents, LibraryLists, library_lists};
pub use mine::{MyAssembly, MySession, my_assembly};
pub use seating::{
    AllocationRequest, CurrentSeating, NO_VALUE, Restored, SeatingOverview, Swap, build_request,
    pin_member, restore_current, seating_overview, set_features, start_table_allocation,
    swap_seats,
};
pub use sessions::{
    Register, SessionSummary, SessionsOverview, add_agenda_item, create_session, record_attendance,
    register, schedule, sessions_overview,
};

use domain::error::{Problem, ValidationError};
use store::StoreError;

/// Why a change to the assembly's work was refused, for `web` to word in the visitor's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A field names nothing of this assembly (a speaker, a session, a member), or nothing at all (no session
    /// of the assembly was chosen): the field and its problem.
    Field(ValidationError),
    /// The register names an account that is not a member of this assembly.
    NotAMember,
    /// The assembly has no members to seat.
    NoMembers,
    /// Facilitators were asked for but there are fewer than tables.
    TooFewFacilitators {
        /// The facilitators of the assembly.
        facilitators: i64,
        /// The tables the allocation needs.
        tables: i64,
    },
    /// A swap needs an allocation, and there is none yet.
    NoAllocation,
    /// The two members already sit at the same table in that session.
    SameTable,
    /// One of the two members is pinned to their table.
    Pinned,
    /// The engine refuses the swap for another reason (e.g. it would seat members kept apart together).
    ImpossibleSwap,
}

impl Refusal {
    /// A field that names nothing of this assembly.
    fn unknown(field: &str) -> Refusal {
        Refusal::Field(ValidationError::new(field, Problem::Malformed))
    }
}

/// What a use case of this feature fails with: refused by the rules (the page says why and keeps what was typed),
/// or any other error of a use case.
#[derive(Debug, thiserror::Error)]
pub enum AssemblyError {
    /// The rules refuse the change; nothing was written.
    #[error("refused: {0:?}")]
    Refused(Vec<Refusal>),
    /// Anything else.
    #[error(transparent)]
    App(#[from] crate::Error),
}

impl From<StoreError> for AssemblyError {
    fn from(error: StoreError) -> AssemblyError {
        AssemblyError::App(error.into())
    }
}

impl From<Refusal> for AssemblyError {
    fn from(refusal: Refusal) -> AssemblyError {
        AssemblyError::Refused(vec![refusal])
    }
}

/// The store's `NotFound` of a write as the refusal of `field` (the id it names is not of this assembly); other
/// errors unchanged.
fn not_found_as(field: &str, error: StoreError) -> AssemblyError {
    match error {
        StoreError::NotFound => Refusal::unknown(field).into(),
        other => other.into(),
    }
}
