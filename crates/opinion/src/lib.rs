//! The opinion engine: maps a public conversation (statements and participants' agree, disagree
//! and pass votes) to opinion groups, representative statements, consensus and routing priorities,
//! as Pol.is does, exactly and reproducibly, at a million participants.
//!
//! The pipeline (`analysis::analyse`), step by step, and every deliberate difference from Pol.is
//! are documented in `docs/opinion.md`.
//! A `Conversation` keeps the sparse vote matrix and exact integer sums that every vote updates,
//! so an analysis (batch or incremental) starts from them instead of re-reading the matrix.
//! `opendata` reads and writes the Pol.is openData CSV files, as text.
//!
//! The crate does no IO, has no clock and draws no random numbers: the same votes and options give
//! the same result.

#![deny(missing_docs)]

pub mod analysis;
mod cluster;
pub mod compare;
pub mod conversation;
pub mod opendata;
mod pca;
pub mod stats;

pub use analysis::{Analysis, Options, Stage, analyse};
pub use conversation::{Conversation, Moderation, Vote};
pub use pca::Scaling;
