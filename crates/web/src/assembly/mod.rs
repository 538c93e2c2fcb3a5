//! The assembly at work (issue 5, items 1-3), as pages: sessions with their agenda, the attendance register that a
//! facilitator fills on a phone at the door, members' "my assembly" page (their schedule and their own table, the
//! speakers to question, speaker requests), the evidence library with the balance of perspectives heard, and the
//! seating of members at tables, computed off the request path by [`allocation`].
//!
//! Handlers only speak HTTP: they take the typed form ([`forms`]), call one `app::assembly` use case in one
//! transaction, and render ([`views`]) or redirect. Who sits where is shown to organisers and observers only;
//! members see their own table and facilitators the tables they facilitate (on "my assembly"); the public sees
//! nothing of it.

pub mod allocation;
mod attendance;
mod evidence;
pub mod forms;
// The sessions CSV import (issue 18, item 1).
pub mod import;
mod mine;
mod seating;
mod sessions;
pub mod views;

pub use allocation::{drain, spawn_drain};
pub use attendance::{attendance, record_attendance};
pub use evidence::{
    add_evidence, add_speaker, comment_on_balance, moderate_questions, public_evidence,
    staff_evidence,
};
pub use import::{api_import_sessions, import_sessions, sessions_template};
pub use mine::{ask_question, mine, request_speaker};
pub use seating::{allocate, pin, set_features, swap, tables_view};
pub use sessions::{add_agenda_item, create_session, sessions};

use app::assembly::{AssemblyError, Refusal};

use crate::error::AppError;

/// The refusals of a use case, to show on its page; any other error becomes the handler's.
fn refusals(error: AssemblyError) -> Result<Vec<Refusal>, AppError> {
    match error {
        AssemblyError::Refused(refusals) => Ok(refusals),
        AssemblyError::App(error) => Err(error.into()),
    }
}
