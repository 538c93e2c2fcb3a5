//! selection (skeleton).
