//! The tuning constants of the LEXIMIN and MAXIMIN drivers (with the measurements behind those that were measured) and the
//! share of a run that each step gets in the progress estimate.

pub(super) const PRICE_TOLERANCE: f64 = 1e-8;
/// Known panels from which the swap heuristic starts in each pricing round.
pub(super) const HEURISTIC_STARTS: usize = 30;
/// Multiplicative-weights rounds per profile for the initial panel pool.
pub(super) const POOL_ROUNDS_PER_PROFILE: usize = 2;
/// Swaps per multiplicative-weights round: a few are enough to move away from the last panel, and
/// a full local search (up to `4 k` swaps) made the pool cost more than it saved.
pub(super) const POOL_SWAPS: usize = 5;
/// Pool panels added to the master per pricing round at most.
pub(super) const POOL_BATCH: usize = 100;
pub(super) const FIX_DUAL_TOLERANCE: f64 = 1e-6;
pub(super) const INTERIOR_PRICE_TOLERANCE: f64 = 1e-7;
/// An interior dual is only approximately optimal, so only clearly positive weights fix a profile.
pub(super) const INTERIOR_FIX_TOLERANCE: f64 = 1e-4;
/// From this many profiles on, the face walk writes the relaxation's LEXIMIN as a lottery before
/// column generation tries. Measured with revision 5's walk (CPU, LEXIMIN, `gen_pool.py` pools unless named):
/// `sf_fixture_22` (122 profiles) column generation 0.06 s, walk 0.10 s; 200 respondents (158 profiles)
/// 0.15 s and 0.14 s; 300 (231) 1.35 s and 0.37 s; 500 (359 and 362) 10-14 s and 0.6-0.7 s; 800 (411)
/// more than 210 s and 0.5 s.
pub(super) const WALK_FIRST_PROFILES: usize = 150;
/// The target check succeeds when panels reach this fraction of every relaxed LEXIMIN probability.
pub(super) const TARGET_TOLERANCE: f64 = 1e-6;

// The share of a run that the progress estimate gives to each step: coverage, the relaxation's levels,
// the panel pool, and then the face walk or column generation up to `FRACTION_SEARCH` (the rest is the
// final distribution).
pub(super) const FRACTION_COVERAGE: f64 = 0.05;
pub(super) const FRACTION_LEVELS: f64 = 0.10;
pub(super) const FRACTION_POOL: f64 = 0.20;
pub(super) const FRACTION_SEARCH: f64 = 0.98;

/// The estimate `low + (high - low) * done / total`, for progress reports.
pub(super) fn between(low: f64, high: f64, done: usize, total: usize) -> f64 {
    low + (high - low) * (done.min(total) as f64 / total.max(1) as f64)
}
