//! The stratified draw: the allocation rule, its properties on random inputs, and the seeded draw
//! against golden values from the independent Python re-implementation in `docs/invitations.md`.

use crate::{fixture, synthetic_config};
use recruitment::addresses::parse_addresses;
use recruitment::draw::{AreaReport, DrawConfig, Weight, allocate, draw};
use recruitment::random::Stream;
use std::collections::HashSet;

#[track_caller]
fn check_allocation(sizes: &[usize], weights: &[&str], count: usize, expect: &str) {
    let weights: Vec<u32> = weights
        .iter()
        .map(|text| Weight::parse(text).expect("weight").thousandths())
        .collect();
    let got = match allocate(sizes, &weights, count) {
        Ok(allocation) => format!("{allocation:?}"),
        Err(error) => error.to_string(),
    };
    assert_eq!(
        got, expect,
        "sizes {sizes:?} weights {weights:?} count {count}"
    );
}

#[test]
fn allocation_follows_the_largest_remainder_rule() {
    check_allocation(&[50, 30, 20], &["1", "1", "1"], 10, "[5, 3, 2]");
    // Three equal quotas of 3 1/3: the one seat left goes to the earliest area.
    check_allocation(&[10, 10, 10], &["1", "1", "1"], 10, "[4, 3, 3]");
    // 4·6/13 = 1.85, 6·6/13 = 2.77, 3·6/13 = 1.38.
    check_allocation(&[4, 6, 3], &["1", "1", "1"], 6, "[2, 3, 1]");
    check_allocation(&[100, 100], &["1", "2"], 30, "[10, 20]");
    check_allocation(&[100, 100], &["0.5", "1.5"], 30, "[8, 22]");
    // The first area's quota (16.7) exceeds its 5 addresses: it gets all 5 and the rest go on.
    check_allocation(&[5, 100, 50], &["10", "1", "1"], 50, "[5, 30, 15]");
    // Capping can cascade: after the first area is full, the second's quota exceeds its size too.
    check_allocation(&[2, 10, 1000], &["1000", "30", "1"], 100, "[2, 10, 88]");
    check_allocation(&[5, 5], &["1", "0"], 5, "[5, 0]");
    check_allocation(
        &[5, 5],
        &["1", "0"],
        6,
        "cannot draw 6 invitations from 5 addresses (areas with weight 0 do not count)",
    );
    check_allocation(&[5, 5], &["1", "1"], 10, "[5, 5]");
    check_allocation(&[5, 5], &["1", "1"], 0, "[0, 0]");
}

#[test]
fn weights_parse_as_exact_thousandths() {
    for (text, expect) in [
        ("1", Some(1000)),
        ("1.5", Some(1500)),
        ("0.125", Some(125)),
        (".5", Some(500)),
        ("2.", Some(2000)),
        ("1000", Some(1_000_000)),
    ] {
        assert_eq!(
            Weight::parse(text).ok().map(Weight::thousandths),
            expect,
            "{text}"
        );
    }
    for text in ["", ".", "-1", "1.2345", "1e3", "1001", "one", "1,5"] {
        assert!(Weight::parse(text).is_err(), "{text} should be refused");
    }
    assert_eq!(Weight::parse("1.50").expect("weight").to_string(), "1.5");
    assert_eq!(Weight::parse("3").expect("weight").to_string(), "3");
}

/// The exact capped quotas, by water-filling in floating point (an independent formulation).
fn exact_quotas(sizes: &[usize], weights: &[u32], count: usize) -> Vec<f64> {
    let mut quotas = vec![0.0; sizes.len()];
    let mut capped = vec![false; sizes.len()];
    loop {
        let open: Vec<usize> = (0..sizes.len())
            .filter(|&area| !capped[area] && weights[area] > 0)
            .collect();
        let left = count as f64
            - (0..sizes.len())
                .filter(|&area| capped[area])
                .map(|area| sizes[area] as f64)
                .sum::<f64>();
        let total: f64 = open
            .iter()
            .map(|&area| sizes[area] as f64 * weights[area] as f64)
            .sum();
        let mut changed = false;
        for &area in &open {
            quotas[area] = if total > 0.0 {
                left * sizes[area] as f64 * weights[area] as f64 / total
            } else {
                0.0
            };
            if quotas[area] > sizes[area] as f64 + 1e-9 {
                capped[area] = true;
                quotas[area] = sizes[area] as f64;
                changed = true;
            }
        }
        if !changed {
            return quotas;
        }
    }
}

#[test]
fn allocations_sum_to_the_count_stay_within_sizes_and_within_one_of_exact_quotas() {
    let mut stream = Stream::new("allocation properties");
    for round in 0..3000 {
        let areas = 1 + stream.below(12) as usize;
        let sizes: Vec<usize> = (0..areas)
            .map(|_| stream.below(if round % 3 == 0 { 20 } else { 5000 }) as usize)
            .collect();
        let weights: Vec<u32> = (0..areas)
            .map(|_| [0, 250, 1000, 1000, 1500, 3000][stream.below(6) as usize])
            .collect();
        let available: usize = sizes
            .iter()
            .zip(&weights)
            .filter(|(_, weight)| **weight > 0)
            .map(|(size, _)| size)
            .sum();
        let count = stream.below(available as u64 + 2) as usize;
        let result = allocate(&sizes, &weights, count);
        if count > available {
            assert!(result.is_err(), "{count} of {available} must be refused");
            continue;
        }
        let allocation = result.expect("feasible");
        assert_eq!(
            allocation.iter().sum::<usize>(),
            count,
            "sizes {sizes:?} weights {weights:?}"
        );
        let quotas = exact_quotas(&sizes, &weights, count);
        for area in 0..areas {
            assert!(allocation[area] <= sizes[area]);
            if weights[area] == 0 {
                assert_eq!(allocation[area], 0);
            }
            assert!(
                (allocation[area] as f64 - quotas[area]).abs() < 1.0 + 1e-9,
                "area {area}: {} against exact {} (sizes {sizes:?} weights {weights:?} count {count})",
                allocation[area],
                quotas[area]
            );
        }
    }
}

#[test]
fn the_stream_is_chacha20_keyed_by_sha256_of_the_seed() {
    // Computed by the Python ChaCha20 of docs/invitations.md (standard library only).
    let mut stream = Stream::new("kleroterion");
    let values: Vec<u64> = (0..3).map(|_| stream.next_u64()).collect();
    assert_eq!(
        values,
        [0x6b1f3ad0e1d84860, 0xc071bd75a2cc4187, 0xcbec5a8760e2c087]
    );
    let mut stream = Stream::new("");
    assert_eq!(stream.next_u64(), 0x45eb42751a7cc398);
}

#[test]
fn rejection_sampling_and_partial_fisher_yates_are_uniform_enough() {
    let mut stream = Stream::new("uniformity");
    let mut counts = [0u32; 7];
    for _ in 0..70_000 {
        counts[stream.below(7) as usize] += 1;
    }
    for count in counts {
        assert!((9_500..=10_500).contains(&count), "{counts:?}");
    }
    let mut first = [0u32; 5];
    for _ in 0..50_000 {
        let chosen = stream.choose(5, 2);
        assert_ne!(chosen[0], chosen[1]);
        first[chosen[0]] += 1;
    }
    for count in first {
        assert!((9_500..=10_500).contains(&count), "{first:?}");
    }
}

fn render(list: &recruitment::addresses::AddressList, result: &recruitment::draw::Draw) -> String {
    result
        .invitations()
        .iter()
        .map(|invitation| {
            format!(
                "{} {}",
                list.addresses()[invitation.address].id(),
                invitation.code
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_draw_matches_the_independent_reference_implementation() {
    let list = fixture();
    let seed = "2027-03-01 lottery 48213".to_string();
    let proportional = draw(
        &list,
        &DrawConfig {
            seed: seed.clone(),
            invitations: 6,
            weights: Vec::new(),
        },
    )
    .expect("draws");
    assert_eq!(
        render(&list, &proportional),
        "c1 424N-KFMK-MH\nc2 RNSV-N09J-BE\na1 47BD-S22N-BM\na4 0956-WNQK-ZN\na3 YWXY-BX1T-EJ\nb3 P8H9-HRZX-KQ"
    );
    let report: Vec<(&str, usize, String, usize)> = proportional
        .areas()
        .iter()
        .map(|area| {
            (
                area.area.as_str(),
                area.addresses,
                area.weight.to_string(),
                area.invited,
            )
        })
        .collect();
    assert_eq!(
        report,
        [
            ("East", 4, "1".to_string(), 2),
            ("North", 6, "1".to_string(), 3),
            ("South", 3, "1".to_string(), 1)
        ]
    );
    let weighted = draw(
        &list,
        &DrawConfig {
            seed,
            invitations: 6,
            weights: vec![("East".to_string(), Weight::parse("2").expect("weight"))],
        },
    )
    .expect("draws");
    assert_eq!(
        render(&list, &weighted),
        "c1 424N-KFMK-MH\nc2 RNSV-N09J-BE\nc3 47BD-S22N-BM\na2 0956-WNQK-ZN\na3 YWXY-BX1T-EJ\nb3 P8H9-HRZX-KQ"
    );
    assert_eq!(
        weighted.report_csv(),
        "area,addresses,weight,invited\nEast,4,2,3\nNorth,6,1,2\nSouth,3,1,1\n"
    );
}

#[test]
fn same_seed_same_draw_and_a_different_seed_a_different_draw() {
    let text = recruitment::synthetic::address_csv(5000, 9, "same seed");
    let list = parse_addresses(text.as_bytes(), &synthetic_config()).expect("parses");
    let config = |seed: &str| DrawConfig {
        seed: seed.to_string(),
        invitations: 700,
        weights: vec![("Area 02".to_string(), Weight::parse("1.8").expect("weight"))],
    };
    let first = draw(&list, &config("published seed 1")).expect("draws");
    let again = draw(&list, &config("published seed 1")).expect("draws");
    let other = draw(&list, &config("published seed 2")).expect("draws");
    assert_eq!(first, again);
    assert_eq!(
        first.areas(),
        other.areas(),
        "the allocation does not depend on the seed"
    );
    let chosen = |result: &recruitment::draw::Draw| {
        result
            .invitations()
            .iter()
            .map(|invitation| invitation.address)
            .collect::<HashSet<usize>>()
    };
    let overlap = chosen(&first).intersection(&chosen(&other)).count();
    assert!(
        overlap < 300,
        "two seeds should give mostly different households, {overlap} of 700 shared"
    );
    assert_ne!(first.invitations()[0].code, other.invitations()[0].code);
}

#[test]
fn every_draw_invites_distinct_households_as_allocated_with_unique_codes() {
    let text = recruitment::synthetic::address_csv(3000, 6, "draw properties");
    let list = parse_addresses(text.as_bytes(), &synthetic_config()).expect("parses");
    for (round, invitations) in [1usize, 17, 500, 2999, 3000].into_iter().enumerate() {
        let result = draw(
            &list,
            &DrawConfig {
                seed: format!("round {round}"),
                invitations,
                weights: Vec::new(),
            },
        )
        .expect("draws");
        assert_eq!(result.invitations().len(), invitations);
        let addresses: HashSet<usize> = result
            .invitations()
            .iter()
            .map(|invitation| invitation.address)
            .collect();
        assert_eq!(addresses.len(), invitations, "no household twice");
        let codes: HashSet<String> = result
            .invitations()
            .iter()
            .map(|invitation| invitation.code.to_string())
            .collect();
        assert_eq!(codes.len(), invitations, "no code twice");
        for (
            index,
            AreaReport {
                invited, addresses, ..
            },
        ) in result.areas().iter().enumerate()
        {
            let in_area = result
                .invitations()
                .iter()
                .filter(|invitation| list.addresses()[invitation.address].area() == index)
                .count();
            assert_eq!(in_area, *invited);
            assert!(invited <= addresses);
        }
    }
}

#[test]
fn bad_draw_requests_are_refused_with_the_reason() {
    let list = fixture();
    let config = |invitations: usize, weights: Vec<(&str, &str)>| DrawConfig {
        seed: "s".to_string(),
        invitations,
        weights: weights
            .into_iter()
            .map(|(area, weight)| (area.to_string(), Weight::parse(weight).expect("weight")))
            .collect(),
    };
    let error = |config: DrawConfig| draw(&list, &config).expect_err("refused").to_string();
    assert_eq!(
        error(config(14, vec![])),
        "cannot draw 14 invitations from 13 addresses (areas with weight 0 do not count)"
    );
    assert_eq!(
        error(config(10, vec![("North", "0")])),
        "cannot draw 10 invitations from 7 addresses (areas with weight 0 do not count)"
    );
    assert_eq!(
        error(config(3, vec![("West", "2")])),
        "weight given for area `West`, which is not in the address list"
    );
    assert_eq!(
        error(config(3, vec![("East", "2"), ("East", "3")])),
        "two weights given for area `East`"
    );
}
