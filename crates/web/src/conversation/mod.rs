//! The public conversation of an assembly (issue 16, part 1): the participants' voting page, which works without
//! JavaScript ([`participate`]), the public results ([`results`]), the organisers' settings, seeding and bulk
//! moderation ([`organise`]) and the background recomputation of the opinion map ([`job`]).
//!
//! The rules live in `app::conversation`; the engine is `opinion`.

pub mod forms;
pub mod job;
pub mod organise;
pub mod participate;
pub mod results;
pub mod views;

pub use organise::{configure, moderate, publish, recompute, seed, staff};
pub use participate::{erase, submit_statement, vote, voting};
pub use results::results;
