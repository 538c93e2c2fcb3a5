//! Synthetic address lists for tests and benchmarks: invented streets in invented areas, never
//! real addresses.

use crate::random::Stream;

/// A CSV address list (`id,street,town,postcode,area`) of `rows` invented addresses spread over
/// `areas` areas of uneven sizes (area `i` is about `i + 1` times as likely as area 0), all
/// distinct, generated deterministically from `seed`.
pub fn address_csv(rows: usize, areas: usize, seed: &str) -> String {
    let mut stream = Stream::new(seed);
    let areas = areas.max(1);
    let total_weight = (areas * (areas + 1) / 2) as u64;
    let mut out = String::with_capacity(rows * 48 + 32);
    out.push_str("id,street,town,postcode,area\n");
    for row in 0..rows {
        let mut pick = stream.below(total_weight);
        let mut area = 0;
        while pick >= (area + 1) as u64 {
            pick -= (area + 1) as u64;
            area += 1;
        }
        let house = row % 200 + 1;
        let street = row / 200;
        out.push_str(&format!(
            "H{:06},{house} Street {street},Town {area},ZZ{:02} {}AA,Area {:02}\n",
            row + 1,
            area % 100,
            street % 10,
            area
        ));
    }
    out
}
