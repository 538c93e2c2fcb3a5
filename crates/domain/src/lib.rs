//! The typed concepts of Kleroterion, free of any storage, HTTP or serialization concern.
//!
//! Values are parsed once at the edge (`parse` returns a typed error naming the field) and are valid
//! from then on: an [`assembly::AssemblyDraft`] always has a non-empty title, dates that follow the
//! order of the phases, and so on.
//! The permission table ([`permission::allowed`]) is the one place that says which role may do what.

pub mod account;
pub mod assembly;
pub mod attendance;
pub mod community;
pub mod conversation;
pub mod delivery;
pub mod error;
pub mod impact;
pub mod permission;
pub mod phase;
pub mod respondent;
pub mod seating;
pub mod selection;
