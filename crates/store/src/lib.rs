//! store (skeleton).
