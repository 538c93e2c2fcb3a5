//! Carrying out a use case's effects after its transaction committed ([`carry_out`]): emails are worded here in
//! the recipient's language and handed to the outbox ([`crate::mail::dispatch`]); jobs come back for the feature that
//! runs them. Members' sign-in codes are never an effect: the deliverer ([`crate::delivery`]) issues and sends them.
//!
//! Call it only after `tx.commit()` succeeded: nothing here asks the database whether a transaction committed.

use app::effect::{Effect, Effects, Job, Mail};

use crate::AppState;
use crate::i18n::access::AccessMessages;
use crate::i18n::members::MemberMessages;
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
    match mail {
        Mail::RegistrationConfirmation {
            to,
            lang,
            respondent_id,
            name,
            title,
        } => {
            let t = Lang::from_code(lang)
                .unwrap_or(Lang::En)
                .t::<MemberMessages>();
            let values = [("title", title.as_str()), ("name", name.as_str())];
            let message = Message {
                to: to.clone(),
                subject: fill(t.registration_subject, &values),
                body: fill(t.registration_body, &values),
            };
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
            let t = Lang::from_code(lang)
                .unwrap_or(Lang::En)
                .t::<MemberMessages>();
            let url = state
                .config
                .mail
                .as_ref()
                .map(|mail| format!("{}/code", mail.public_url.trim_end_matches('/')))
                .unwrap_or_else(|| "/code".to_owned());
            let values = [
                ("title", title.as_str()),
                ("name", name.as_str()),
                ("url", url.as_str()),
                ("code", code.as_str()),
                ("expires", expires_on.as_str()),
            ];
            let message = Message {
                to: to.clone(),
                subject: fill(t.code_subject, &values),
                body: fill(t.code_body, &values),
            };
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
            let t = Lang::from_code(lang)
                .unwrap_or(Lang::En)
                .t::<AccessMessages>();
            let url = state
                .config
                .mail
                .as_ref()
                .map(|mail| format!("{}/password-reset", mail.public_url.trim_end_matches('/')))
                .unwrap_or_else(|| "/password-reset".to_owned());
            let values = [
                ("name", name.as_str()),
                ("url", url.as_str()),
                ("code", code.as_str()),
                ("expires", expires_on.as_str()),
            ];
            let message = Message {
                to: to.clone(),
                subject: fill(t.mail_subject, &values),
                body: fill(t.mail_body, &values),
            };
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
            let t = Lang::from_code(lang)
                .unwrap_or(Lang::En)
                .t::<crate::i18n::community::CommunityMessages>();
            let path = format!("/assemblies/{assembly_id}/community/host");
            let url = state
                .config
                .mail
                .as_ref()
                .map(|mail| format!("{}{path}", mail.public_url.trim_end_matches('/')))
                .unwrap_or(path);
            let values = [
                ("title", title.as_str()),
                ("name", name.as_str()),
                ("url", url.as_str()),
                ("key", key.as_str()),
            ];
            let message = Message {
                to: to.clone(),
                subject: fill(t.key_subject, &values),
                body: fill(t.key_body, &values),
            };
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
            let t = Lang::from_code(lang)
                .unwrap_or(Lang::En)
                .t::<crate::i18n::participation::ParticipationMessages>();
            let path = format!("/assemblies/{assembly_id}/conversation/profile");
            let url = state
                .config
                .mail
                .as_ref()
                .map(|mail| format!("{}{path}", mail.public_url.trim_end_matches('/')))
                .unwrap_or(path);
            let values = [
                ("title", title.as_str()),
                ("url", url.as_str()),
                ("code", code.as_str()),
                ("expires", expires.as_str()),
            ];
            let message = Message {
                to: to.clone(),
                subject: fill(t.code_subject, &values),
                body: fill(t.code_body, &values),
            };
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
            let lang = Lang::from_code(lang).unwrap_or(Lang::En);
            let t = lang.t::<crate::i18n::invitations::InvitationMessages>();
            let path = format!("/join/{token}");
            let url = state
                .config
                .public_url
                .as_ref()
                .or(state.config.mail.as_ref().map(|mail| &mail.public_url))
                .map(|base| format!("{}{path}", base.trim_end_matches('/')))
                .unwrap_or(path);
            let role = lang.messages().role_name_of(role);
            let values = [
                ("title", title.as_str()),
                ("role", role),
                ("url", url.as_str()),
                ("expires", expires_on.as_str()),
            ];
            let message = Message {
                to: to.clone(),
                subject: fill(t.mail_subject, &values),
                body: fill(t.mail_body, &values),
            };
            ("staff_invitation", None, message)
        }
    }
}
