//! What is left of the members' web module: emailing a sign-in code that `staff.rs` issues when it adds a member
//! by hand ([`send_code_email`]). Admitting a confirmed respondent is the use case `app::members::admit`, whose
//! code comes back as effects that `crate::effects` carries out; the staff page is to do the same, and then this
//! module goes.

use crate::AppState;
use crate::i18n::members::MemberMessages;
use crate::i18n::{Lang, fill};
use crate::mail::Message;

/// A sign-in code to email to a member.
pub(crate) struct CodeMail<'a> {
    /// The respondent the member came from, if any (for the outbox record).
    pub respondent_id: Option<i64>,
    /// The member's name (personal data: never logged).
    pub name: &'a str,
    /// The code, as printed.
    pub code: &'a str,
    /// The last day it works.
    pub expires_on: &'a str,
    /// The assembly's title.
    pub title: &'a str,
}

/// Emails a member's sign-in code to the account's own address, in `lang` (never fails the caller).
pub(crate) fn send_code_email(state: &AppState, mail: &CodeMail<'_>, to: String, lang: Lang) {
    let t = lang.t::<MemberMessages>();
    let url = state
        .config
        .mail
        .as_ref()
        .map(|mail| format!("{}/code", mail.public_url.trim_end_matches('/')))
        .unwrap_or_else(|| "/code".to_owned());
    let pairs = [
        ("title", mail.title),
        ("name", mail.name),
        ("url", url.as_str()),
        ("code", mail.code),
        ("expires", mail.expires_on),
    ];
    let message = Message {
        to,
        subject: fill(t.code_subject, &pairs),
        body: fill(t.code_body, &pairs),
    };
    crate::mail::dispatch(state, "sign_in_code", mail.respondent_id, message);
}
