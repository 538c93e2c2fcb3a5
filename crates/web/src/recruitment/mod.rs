//! Recruitment pages (issue 4): the invitation lottery ([`lottery`]), the printable letters and the mail-merge CSV
//! ([`letters`]), the public registration form with its bot protection ([`register`]), the staff's registration
//! of someone who phones in ([`phone`]), the respondents list with its status changes and export
//! ([`respondents`], paged), the registration questions page ([`questions`]), and imports of respondents gathered elsewhere ([`import`]).
//!
//! Each handler takes its typed form ([`forms`]), calls one `app::recruitment` use case inside the transaction it
//! begins and commits, carries out the effects (the registration email, a new member's code), and renders a page
//! of [`views`]. Addresses, names, emails and answers are personal data: they are shown to organisers only, never
//! put in URLs, logs or the audit log (which records ids and counts).

// The outcome of each email to respondents (issue 18, item 8).
pub mod emails;
pub mod forms;
pub mod import;
pub mod letters;
// Print-ready letters as PDF files (issue 18, item 6).
pub mod lottery;
pub mod phone;
pub mod print;
pub mod questions;
pub mod register;
pub mod respondents;
pub mod views;

pub use emails::respondent_emails;
pub use import::import_respondents;
pub use letters::{letters, mail_merge};
pub use lottery::{lottery, run_draw};
pub use phone::{phone_form, phone_register};
pub use print::{print_file, print_page, start_print};
pub use questions::{questions, save_questions};
pub use register::{register, register_form, register_with_code, registered};
pub use respondents::{
    change_status, export_respondents, forget_erased, respondents, search_respondents,
};

pub(crate) use lottery::save_draw;

pub use app::recruitment::StatusReason;

/// The name of a stored respondent status in the language of `m` (the identifier itself if unknown); for the
/// panel's page.
pub fn status_name(m: &crate::i18n::Messages, status: &str) -> String {
    domain::respondent::Status::from_stored(status)
        .map(|status| views::status_label(m.lang(), status).to_owned())
        .unwrap_or_else(|| status.to_owned())
}
