//! Recruitment use cases (issue 4): from an address list to a pool of respondents.
//!
//! - [`lottery`]: the invitation lottery ([`prepare_draw`] runs the engine, [`save_draw`] stores the draw and
//!   its invitations) and the lottery's overview.
//! - [`letters`]: the printable letters and the print shop's mail-merge rows, each read logged as a view of
//!   personal data.
//! - [`register`]: the registration form's questions and bot protection ([`screen_registration`]), and the
//!   registration itself, public ([`register`]) or by phone ([`register_by_phone`]); both end in a
//!   [`crate::effect::Mail::RegistrationConfirmation`].
//! - [`respondents`]: the organisers' list and its export, logged as views of personal data.
//! - [`define`]: the registration questions page (features, values, the area feature checked against the
//!   address list), before quotas exist.
//! - [`import`]: respondents from a file gathered elsewhere, all or nothing.
//! - [`status`]: the one way a respondent's status changes ([`change_status`]).
//!
//! Names, emails, phones, addresses and answers are personal data: the audit log gets ids and counts, and nothing
//! here logs them.

// The outcome of each email to respondents (issue 18, item 8).
pub mod define;
pub mod emails;
pub mod import;
pub mod letters;
pub mod lottery;
// Print-ready letters (issue 18, item 6).
pub mod print;
pub mod questions;
pub mod register;
pub mod respondents;
pub mod status;

pub use import::{ImportCommand, ImportError, import_respondents};
pub use letters::{letters, mail_merge};
pub use lottery::{DrawError, PreparedDraw, prepare_draw, save_draw};
pub use register::{
    RegisterError, register, register_by_phone, registration_form, screen_registration,
};
pub use respondents::{export_respondents, respondents};
pub use status::{StatusError, StatusReason, change_status};
