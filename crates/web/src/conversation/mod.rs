//! The public conversation of an assembly (issue 16, part 1): the participants' voting page, which works without
//! JavaScript ([`participate`]), the public results ([`results`]), the organisers' settings, seeding and bulk
//! moderation ([`organise`]), the JSON API ([`api`]), the openData export ([`opendata`]) and import ([`import`]), and the background recomputation of the opinion map ([`job`]).
//!
//! The rules live in `app::conversation`; the engine is `opinion`.

pub mod api;
pub mod forms;
pub mod import;
pub mod job;
pub mod opendata;
pub mod organise;
pub mod participate;
pub mod profile;
pub mod results;
pub mod verification;
pub mod views;

pub use api::{get_conversation, post_vote};
pub use import::import;
pub use opendata::opendata_file;
pub use organise::{configure, moderate, publish, recompute, seed, staff};
pub use participate::{erase, submit_statement, vote, voting};
pub use profile::{confirm_email, profile, redeem_invitation, save_answers, send_email_code};
pub use results::results;
pub use verification::{issue_invitations, set_mode};
