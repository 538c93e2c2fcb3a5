//! Carrying out a use case's effects after its transaction committed ([`carry_out`]): emails are worded here in
//! the recipient's language and handed to the outbox ([`crate::mail::dispatch`]); jobs come back for the feature that
//! runs them. Members' sign-in codes are never an effect: the deliverer ([`crate::delivery`]) issues and sends them.
//!
//! Call it only after `tx.commit()` succeeded: nothing here asks the database whether a transaction committed.

use app::effect::{Effect, Effects, Job, Mail};

use crate::AppState;
use crate::i18n::access::AccessMessages;
use crate::i18n::community::CommunityMessages;
use crate::i18n::invitations::InvitationMessages;
use crate::i18n::members::MemberMessages;
use crate::i18n::participation::ParticipationMessages;
use crate::i18n::{Lang, fill};
use crate::mail::Message;

/// What is left for the handler after the emails went to the outbox.
#[derive(Debug, Default)]
pub struct AfterCommit {
    /// Jobs to start.
    pub jobs: Vec<Job>,
}

/// Carries out `effects` in order; call it after the commit.
pub fn carry_out(state: &AppState, effects: Effects) -> AfterCommit {
    let mut after = AfterCommit::default();
    for effect in effects {
        match effect {
            Effect::Mail(mail) => {
                let (kind, respondent_id, message) = word(state, &mail);
                crate::mail::dispatch(state, kind, respondent_id, message);
            }
            Effect::Start(job) => after.jobs.push(job),
        }
    }
    after
}

/// An email's outbox kind, respondent and words in the recipient's language.
pub(crate) fn word(state: &AppState, mail: &Mail) -> (&'static str, Option<i64>, Message) {
    // Links in emails go to the mail relay's public address (the staff invitation prefers the site's own).
    let mail_base = state.config.mail.as_ref().map(|mail| &mail.public_url);
    match mail {
        Mail::RegistrationConfirmation {
            to,
            lang,
            respondent_id,
            name,
            title,
        } => {
            let t = language(lang).t::<MemberMessages>();
            let values = [("title", title.as_str()), ("name", name.as_str())];
            let message = message(to, t.registration_subject, t.registration_body, &values);
            ("registration", Some(*respondent_id), message)
        }
        Mail::SignInCode {
            to,
            lang,
            respondent_id,
            name,
            code,
            expires_on,
            title,
        } => {
            let t = language(lang).t::<MemberMessages>();
            let url = link(mail_base, "/code");
            let values = [
                ("title", title.as_str()),
                ("name", name.as_str()),
                ("url", url.as_str()),
                ("code", code.as_str()),
                ("expires", expires_on.as_str()),
            ];
            let message = message(to, t.code_subject, t.code_body, &values);
            ("sign_in_code", *respondent_id, message)
        }
        Mail::PasswordReset {
            to,
            lang,
            account_id: _,
            name,
            code,
            expires_on,
        } => {
            let t = language(lang).t::<AccessMessages>();
            let url = link(mail_base, "/password-reset");
            let values = [
                ("name", name.as_str()),
                ("url", url.as_str()),
                ("code", code.as_str()),
                ("expires", expires_on.as_str()),
            ];
            let message = message(to, t.mail_subject, t.mail_body, &values);
            ("password_reset", None, message)
        }
        Mail::HostKey {
            to,
            lang,
            assembly_id,
            name,
            key,
            title,
            ..
        } => {
            let t = language(lang).t::<CommunityMessages>();
            let url = link(
                mail_base,
                &format!("/assemblies/{assembly_id}/community/host"),
            );
            let values = [
                ("title", title.as_str()),
                ("name", name.as_str()),
                ("url", url.as_str()),
                ("key", key.as_str()),
            ];
            let message = message(to, t.key_subject, t.key_body, &values);
            ("community_host_key", None, message)
        }
        Mail::ConversationCode {
            to,
            lang,
            assembly_id,
            code,
            expires,
            title,
        } => {
            let t = language(lang).t::<ParticipationMessages>();
            let url = link(
                mail_base,
                &format!("/assemblies/{assembly_id}/conversation/profile"),
            );
            let values = [
                ("title", title.as_str()),
                ("url", url.as_str()),
                ("code", code.as_str()),
                ("expires", expires.as_str()),
            ];
            let message = message(to, t.code_subject, t.code_body, &values);
            ("conversation_email_code", None, message)
        }
        Mail::StaffInvitation {
            to,
            lang,
            token,
            title,
            role,
            expires_on,
            ..
        } => {
            let lang = language(lang);
            let t = lang.t::<InvitationMessages>();
            let base = state.config.public_url.as_ref().or(mail_base);
            let url = link(base, &format!("/join/{token}"));
            let role = lang.messages().role_name_of(role);
            let values = [
                ("title", title.as_str()),
                ("role", role),
                ("url", url.as_str()),
                ("expires", expires_on.as_str()),
            ];
            let message = message(to, t.mail_subject, t.mail_body, &values);
            ("staff_invitation", None, message)
        }
    }
}

/// The recipient's language, English for a code we do not speak.
fn language(code: &str) -> Lang {
    Lang::from_code(code).unwrap_or(Lang::En)
}

/// The absolute link to `path` on `base` (a public address), or the path alone without one.
fn link(base: Option<&String>, path: &str) -> String {
    base.map(|base| format!("{}{path}", base.trim_end_matches('/')))
        .unwrap_or_else(|| path.to_owned())
}

/// A message to `to` whose subject and body are the templates filled with `values`.
fn message(to: &str, subject: &str, body: &str, values: &[(&str, &str)]) -> Message {
    Message {
        to: to.to_owned(),
        subject: fill(subject, values),
        body: fill(body, values),
    }
}
