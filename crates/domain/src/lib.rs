//! domain (skeleton).
