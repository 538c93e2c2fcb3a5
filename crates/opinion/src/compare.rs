//! Comparing two groupings of the same participants: the adjusted Rand index (Hubert and Arabie,
//! 1985), used by the tests and benchmarks to compare our groups with Pol.is's or red-dwarf's.

use std::collections::HashMap;

/// The adjusted Rand index of two labelings of the same items (1 = same partition up to labels,
/// about 0 = no better than chance); 1 when both put everything in one cluster.
pub fn adjusted_rand_index(first: &[u64], second: &[u64]) -> f64 {
    assert_eq!(first.len(), second.len(), "two labelings of the same items");
    let n = first.len() as f64;
    let pairs = |count: f64| count * (count - 1.0) / 2.0;
    let mut table: HashMap<(u64, u64), f64> = HashMap::new();
    let mut rows: HashMap<u64, f64> = HashMap::new();
    let mut columns: HashMap<u64, f64> = HashMap::new();
    for (&a, &b) in first.iter().zip(second) {
        *table.entry((a, b)).or_default() += 1.0;
        *rows.entry(a).or_default() += 1.0;
        *columns.entry(b).or_default() += 1.0;
    }
    let index: f64 = table.values().map(|&c| pairs(c)).sum();
    let row_sum: f64 = rows.values().map(|&c| pairs(c)).sum();
    let column_sum: f64 = columns.values().map(|&c| pairs(c)).sum();
    let expected = row_sum * column_sum / pairs(n).max(1.0);
    let maximum = (row_sum + column_sum) / 2.0;
    if (maximum - expected).abs() < 1e-12 {
        return 1.0;
    }
    (index - expected) / (maximum - expected)
}
