//! Feature tests of the impact crate.
