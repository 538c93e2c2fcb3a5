//! The application layer of Kleroterion: the use cases that the web pages and the JSON API share.
//!
//! A use case is a function named after what a person does (`confirm_members`, `cast_vote`, ...). It takes the
//! open store transaction that its caller began, the [`Actor`] who asks, typed input already parsed into domain
//! types, and `now`; it checks the rules, writes through `store` (every write with its audit entry, through
//! [`audit::audited`]), and returns its result in a [`Done`]: the value plus the [`Effect`]s to carry out after the
//! caller has committed (emails to send, codes to show once, background jobs to start). Nothing here sends,
//! spawns, sleeps or asks the database whether a transaction committed: the caller commits, then carries out the
//! effects, so an effect never happens for a change that rolled back.
//!
//! The layers call in one direction: `web` → `app` → `store` and the pure engines → `domain`. This crate never
//! sees a request, a cookie, HTML or a message catalogue (an email is an [`effect::Mail`] of typed facts that
//! `web` words in the recipient's language).

pub mod accounts;
pub mod assemblies;
pub mod assembly;
pub mod audit;
// Bulk actions (issue 18, item 1).
pub mod bulk;
pub mod codes;
pub mod comments;
// Community assemblies (issue 16, item 2).
pub mod community;
// The public conversation (issue 16, part 1).
pub mod conversation;
pub mod dates;
pub mod deliberation;
pub mod effect;
mod error;
pub mod impact;
pub mod invitations;
pub mod members;
// Lists that scale (issue 18, item 5).
pub mod paging;
// Publishing the final report (issue 18, item 7).
pub mod publication;
pub mod random;
pub mod recruitment;
pub mod selection;
pub mod tokens;

pub use effect::{Done, Effect, Effects};
pub use error::Error;

use domain::permission::Role;

/// Who performs a use case: the signed-in account (`None` for the public or the system) and its role for the
/// assembly concerned (resolved by the caller from the permission table before the use case runs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    /// The account, if signed in.
    pub account_id: Option<i64>,
    /// The role for this action.
    pub role: Role,
}

impl Actor {
    /// The system itself (background jobs, the demo), with no account.
    pub const SYSTEM: Actor = Actor {
        account_id: None,
        role: Role::Admin,
    };

    /// The public (a visitor with no account).
    pub const PUBLIC: Actor = Actor {
        account_id: None,
        role: Role::Public,
    };

    /// The signed-in account's id, or [`Error::Unauthorized`].
    pub fn account(&self) -> Result<i64, Error> {
        self.account_id.ok_or(Error::Unauthorized)
    }
}

/// The result of a use case.
pub type Result<T, E = Error> = std::result::Result<T, E>;
