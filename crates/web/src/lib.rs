//! web (skeleton).
