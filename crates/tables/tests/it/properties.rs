//! Property tests over random instances drawn from our own ChaCha20-seeded generator:
//! whatever the instance, every member sits at exactly one table per session, table sizes are
//! balanced, pins and kept-apart pairs are honoured, facilitators cover every table, the measures
//! add up, and the same seed gives the same allocation.

use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use tables::{Allocation, KeptApart, Member, Pin, Request, Rotation, TableLayout};

/// How many random instances each property test draws.
const CASES: u64 = 60;

fn below(rng: &mut ChaCha20Rng, bound: usize) -> usize {
    (rng.next_u64() % bound as u64) as usize
}

/// A random instance: 4–60 members, 0–4 features, 1–5 sessions, some pins (taken from a random
/// seating so that they fit), some kept-apart pairs (never pinned together), maybe facilitators.
fn random_request(case: u64) -> Request {
    let mut rng = ChaCha20Rng::seed_from_u64(case);
    let n = 4 + below(&mut rng, 57);
    let n_features = below(&mut rng, 5);
    let features: Vec<String> = (0..n_features).map(|f| format!("feature{f}")).collect();
    let value_counts: Vec<usize> = (0..n_features).map(|_| 1 + below(&mut rng, 6)).collect();
    let members: Vec<Member> = (0..n)
        .map(|i| Member {
            id: format!("id{i}"),
            values: value_counts
                .iter()
                .map(|&count| format!("v{}", below(&mut rng, count)))
                .collect(),
        })
        .collect();
    let sessions = 1 + below(&mut rng, 5);
    let layout = if below(&mut rng, 2) == 0 {
        TableLayout::SeatsPerTable(2 + below(&mut rng, 7))
    } else {
        TableLayout::Tables(1 + below(&mut rng, n / 2))
    };
    let n_tables = match layout {
        TableLayout::SeatsPerTable(seats) => n.div_ceil(seats),
        TableLayout::Tables(tables) => tables,
    };
    let mut request = Request::new(features, members, sessions, layout);
    request.effort = 200;

    // Kept-apart pairs only where there is room to separate them (3+ tables, few pairs).
    if n_tables >= 3 {
        for _ in 0..below(&mut rng, 4) {
            let (a, b) = (below(&mut rng, n), below(&mut rng, n));
            if a != b {
                request.kept_apart.push(KeptApart {
                    first: format!("id{a}"),
                    second: format!("id{b}"),
                });
            }
        }
    }
    // Pins: a few members keep their seat of a random balanced seating, in one or all sessions.
    let base: Vec<usize> = {
        let mut seats: Vec<usize> = (0..n).map(|i| i % n_tables).collect();
        for i in (1..n).rev() {
            seats.swap(i, below(&mut rng, i + 1));
        }
        seats
    };
    let apart_with = |i: usize, request: &Request| -> Vec<usize> {
        request
            .kept_apart
            .iter()
            .filter_map(|pair| {
                let (a, b) = (
                    pair.first[2..].parse::<usize>().unwrap(),
                    pair.second[2..].parse::<usize>().unwrap(),
                );
                if a == i {
                    Some(b)
                } else if b == i {
                    Some(a)
                } else {
                    None
                }
            })
            .collect()
    };
    let mut pinned: Vec<usize> = Vec::new();
    for _ in 0..below(&mut rng, n / 4 + 1) {
        let member = below(&mut rng, n);
        let clashes = apart_with(member, &request)
            .iter()
            .any(|other| pinned.contains(other) && base[*other] == base[member]);
        if pinned.contains(&member) || clashes {
            continue;
        }
        pinned.push(member);
        let session = if below(&mut rng, 2) == 0 {
            None
        } else {
            Some(below(&mut rng, sessions))
        };
        request.pins.push(Pin {
            member: format!("id{member}"),
            session,
            table: base[member],
        });
    }
    if below(&mut rng, 2) == 0 {
        request.facilitators = (0..n_tables + below(&mut rng, 3))
            .map(|f| format!("fac{f}"))
            .collect();
        request.rotation = if below(&mut rng, 2) == 0 {
            Rotation::Fixed
        } else {
            Rotation::Rotate
        };
    }
    request
}

fn seating(allocation: &Allocation, request: &Request) -> Vec<Vec<usize>> {
    (0..allocation.sessions())
        .map(|session| {
            request
                .members
                .iter()
                .map(|member| {
                    allocation
                        .table_of(session, &member.id)
                        .expect("every member is seated")
                })
                .collect()
        })
        .collect()
}

#[test]
fn every_member_sits_at_exactly_one_table_per_session_and_tables_are_balanced() {
    for case in 0..CASES {
        let request = random_request(case);
        let allocation =
            tables::allocate(&request, case).unwrap_or_else(|error| panic!("case {case}: {error}"));
        let n = request.members.len();
        for session in 0..request.sessions {
            let mut seen = vec![0; n];
            let mut sizes = Vec::new();
            for table in 0..allocation.tables() {
                let members = allocation.members_at(session, table);
                sizes.push(members.len());
                for id in members {
                    let index = request
                        .members
                        .iter()
                        .position(|member| member.id == id)
                        .unwrap();
                    seen[index] += 1;
                    assert_eq!(allocation.table_of(session, id), Some(table), "case {case}");
                }
            }
            assert!(
                seen.iter().all(|&count| count == 1),
                "case {case} session {session}: {seen:?}"
            );
            let (smallest, largest) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(
                largest - smallest <= 1,
                "case {case} session {session}: sizes {sizes:?}"
            );
            if let TableLayout::SeatsPerTable(seats) = request.layout {
                assert!(
                    *largest <= seats,
                    "case {case}: a table of {largest} for {seats} seats"
                );
            }
        }
    }
}

#[test]
fn pins_and_kept_apart_pairs_are_always_honoured() {
    let mut pins_checked = 0;
    let mut pairs_checked = 0;
    for case in 0..CASES {
        let request = random_request(case);
        let allocation =
            tables::allocate(&request, case).unwrap_or_else(|error| panic!("case {case}: {error}"));
        for pin in &request.pins {
            let sessions = match pin.session {
                Some(session) => session..session + 1,
                None => 0..request.sessions,
            };
            for session in sessions {
                assert_eq!(
                    allocation.table_of(session, &pin.member),
                    Some(pin.table),
                    "case {case}: {pin:?}"
                );
                pins_checked += 1;
            }
        }
        for pair in &request.kept_apart {
            for session in 0..request.sessions {
                assert_ne!(
                    allocation.table_of(session, &pair.first),
                    allocation.table_of(session, &pair.second),
                    "case {case} session {session}: {pair:?}"
                );
                pairs_checked += 1;
            }
        }
        assert_eq!(
            allocation.measures().kept_apart_violations,
            0,
            "case {case}"
        );
    }
    assert!(
        pins_checked > 50 && pairs_checked > 50,
        "the generator made too few constraints to test"
    );
}

#[test]
fn facilitators_sit_one_per_table_and_fixed_ones_stay() {
    let mut checked = 0;
    for case in 0..CASES {
        let request = random_request(case);
        if request.facilitators.is_empty() {
            continue;
        }
        let allocation = tables::allocate(&request, case).unwrap();
        for session in 0..request.sessions {
            let mut present: Vec<&str> = (0..allocation.tables())
                .map(|table| {
                    allocation
                        .facilitator_at(session, table)
                        .expect("a facilitator")
                })
                .collect();
            if request.rotation == Rotation::Fixed {
                assert_eq!(
                    present,
                    request.facilitators[..allocation.tables()]
                        .iter()
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                );
            }
            present.sort_unstable();
            present.dedup();
            assert_eq!(
                present.len(),
                allocation.tables(),
                "case {case}: a facilitator at two tables"
            );
            checked += 1;
        }
    }
    assert!(checked > 20);
}

#[test]
fn measures_add_up() {
    for case in 0..CASES {
        let request = random_request(case);
        let allocation = tables::allocate(&request, case).unwrap();
        let measures = allocation.measures();
        let seat_pairs: usize = (0..request.sessions)
            .flat_map(|session| (0..allocation.tables()).map(move |table| (session, table)))
            .map(|(session, table)| {
                let size = allocation.members_at(session, table).len();
                size * size.saturating_sub(1) / 2
            })
            .sum();
        assert_eq!(
            measures.distinct_pairs + measures.repeated_meetings,
            seat_pairs,
            "case {case}"
        );
        assert!(
            measures.distinct_pairs <= measures.max_distinct_pairs,
            "case {case}"
        );
        assert!(measures.distinct_pairs <= request.members.len() * (request.members.len() - 1) / 2);
        assert!(
            0.0 <= measures.diversity_min && measures.diversity_min <= measures.diversity_mean,
            "case {case}"
        );
        assert!(measures.diversity_mean <= 1.0 + 1e-12, "case {case}");
        assert_eq!(measures.sessions.len(), request.sessions);
        let session_pairs: usize = measures
            .sessions
            .iter()
            .map(|session| session.new_pairs)
            .sum();
        assert_eq!(session_pairs, measures.distinct_pairs, "case {case}");
    }
}

#[test]
fn the_same_seed_gives_the_same_allocation_and_another_seed_usually_does_not() {
    let mut differing = 0;
    for case in 0..CASES / 3 {
        let request = random_request(case);
        let first = seating(&tables::allocate(&request, 7).unwrap(), &request);
        let again = seating(&tables::allocate(&request, 7).unwrap(), &request);
        assert_eq!(first, again, "case {case}: same seed, different allocation");
        let other = seating(&tables::allocate(&request, 8).unwrap(), &request);
        differing += usize::from(first != other);
    }
    assert!(
        differing > 5,
        "different seeds almost always gave the same allocation ({differing})"
    );
}
