//! Integration tests of the opinion engine: planted groups recovered, invariance under relabelling
//! and reordering, hand-computed figures, incremental against batch, and the openData CSV formats.

mod fixtures;
mod hand;
mod incremental;
mod invariance;
mod opendata;
mod planted;
