//! Feature tests of the impact crate: dates, the accountability model's invariants, the scorecard
//! arithmetic on a fixture shaped like the French Citizens' Convention for Climate, the
//! cherry-picking indicator, and the SVG and CSV exports.

mod cherry_picking;
mod dates;
mod export;
mod fixture;
mod model;
mod scorecard;
#[path = "../../../charts/tests/it/xml.rs"]
mod xml;
