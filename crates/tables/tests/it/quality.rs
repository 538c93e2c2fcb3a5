//! Quality: the optimiser against random seating on realistic assemblies, the weights, facilitator
//! rotation, and organisers' swaps with the measures recomputed.

use tables::{KeptApart, Request, Rotation, TableLayout, TablesError};

use crate::parse_fixture;

fn realistic(members: usize, seats: usize, sessions: usize, seed: u64) -> Request {
    let (features, people) = tables::synthetic::assembly(members, seed);
    Request::new(
        features,
        people,
        sessions,
        TableLayout::SeatsPerTable(seats),
    )
}

#[test]
fn the_optimiser_beats_random_seating_on_both_objectives() {
    for seed in 1..=3 {
        let request = realistic(150, 7, 7, seed);
        let ours = tables::allocate(&request, seed).unwrap().measures();
        let random = tables::random_allocation(&request, seed)
            .unwrap()
            .measures();
        assert!(
            ours.distinct_pairs > random.distinct_pairs,
            "seed {seed}: {} vs {}",
            ours.distinct_pairs,
            random.distinct_pairs
        );
        assert!(
            ours.repeated_meetings < random.repeated_meetings,
            "seed {seed}"
        );
        assert!(
            ours.diversity_mean > random.diversity_mean,
            "seed {seed}: {} vs {}",
            ours.diversity_mean,
            random.diversity_mean
        );
        assert!(
            ours.diversity_min > random.diversity_min,
            "seed {seed}: {} vs {}",
            ours.diversity_min,
            random.diversity_min
        );
        // Not just better: close to the bound on pairs (within 1%).
        assert!(
            ours.distinct_pairs * 100 >= ours.max_distinct_pairs * 99,
            "seed {seed}: {}",
            ours.distinct_pairs
        );
    }
}

#[test]
fn the_search_improves_on_its_greedy_start() {
    let mut request = realistic(90, 6, 5, 4);
    request.effort = 0;
    let greedy = tables::allocate(&request, 4).unwrap().measures();
    request.effort = tables::DEFAULT_EFFORT;
    let searched = tables::allocate(&request, 4).unwrap().measures();
    assert!(
        searched.repeated_meetings < greedy.repeated_meetings,
        "{} vs {}",
        searched.repeated_meetings,
        greedy.repeated_meetings
    );
    assert!(
        searched.diversity_mean >= greedy.diversity_mean - 0.01,
        "{} vs {}",
        searched.diversity_mean,
        greedy.diversity_mean
    );
}

#[test]
fn weights_trade_diversity_against_new_meetings() {
    let mut request = realistic(60, 6, 5, 9);
    request.weights.meetings = 0;
    let diversity_only = tables::allocate(&request, 9).unwrap().measures();
    request.weights.meetings = 50;
    let meetings_first = tables::allocate(&request, 9).unwrap().measures();
    assert!(diversity_only.diversity_mean > meetings_first.diversity_mean);
    assert!(meetings_first.repeated_meetings < diversity_only.repeated_meetings);
    // A feature with weight 0 is ignored: the other features then mirror the assembly better.
    request.weights.meetings = 4;
    request.weights.features = vec![1; request.features.len()];
    let all = tables::allocate(&request, 9).unwrap();
    request.weights.features[2] = 0;
    let without_region = tables::allocate(&request, 9).unwrap();
    let region = |allocation: &tables::Allocation| allocation.measures().feature_diversity[2];
    assert!(
        region(&all) > region(&without_region),
        "{} vs {}",
        region(&all),
        region(&without_region)
    );
}

#[test]
fn rotating_facilitators_meet_more_members_than_fixed_ones() {
    let mut request = realistic(48, 8, 4, 5);
    request.facilitators = (1..=6).map(|f| format!("facilitator{f}")).collect();
    request.rotation = Rotation::Fixed;
    let fixed = tables::allocate(&request, 5).unwrap().measures();
    request.rotation = Rotation::Rotate;
    let rotating = tables::allocate(&request, 5).unwrap().measures();
    assert!(
        rotating.facilitator_repeats < fixed.facilitator_repeats,
        "{} vs {}",
        rotating.facilitator_repeats,
        fixed.facilitator_repeats
    );
    // Rotation only moves facilitators: the members' seating is the same.
    assert_eq!(rotating.distinct_pairs, fixed.distinct_pairs);
}

#[test]
fn an_organisers_swap_is_applied_and_the_measures_recomputed() {
    let request = parse_fixture("members 9\nseats 3\nsessions 4\npin p9 * 2");
    let allocation = tables::allocate(&request, 1).unwrap();
    assert_eq!(allocation.measures().distinct_pairs, 36);

    // In a perfect schedule p1 has met everyone once, so any swap creates repeated meetings.
    let table_of_p1 = allocation.table_of(3, "p1").unwrap();
    let other = (3..=8)
        .map(|index| format!("p{index}"))
        .find(|id| {
            allocation.table_of(3, id) != Some(table_of_p1)
                && allocation.table_of(3, id) != allocation.table_of(3, "p2")
        })
        .expect("someone at the third table");
    let swapped = allocation.swap(3, "p1", &other).unwrap();
    assert_eq!(swapped.table_of(3, "p1"), allocation.table_of(3, &other));
    assert_eq!(swapped.table_of(3, &other), Some(table_of_p1));
    let measures = swapped.measures();
    assert!(measures.distinct_pairs < 36, "{}", measures.distinct_pairs);
    assert_eq!(measures.distinct_pairs + measures.repeated_meetings, 36);
    assert_eq!(
        measures.sessions[3].repeated_pairs,
        measures.repeated_meetings
    );
    // The original is unchanged, and swapping back restores it.
    assert_eq!(allocation.measures().distinct_pairs, 36);
    assert_eq!(
        swapped.swap(3, &other, "p1").unwrap().measures(),
        allocation.measures()
    );
}

#[test]
fn swaps_that_break_a_pin_or_a_kept_apart_pair_are_refused() {
    let mut request = parse_fixture("members 9\nseats 3\nsessions 2\npin p9 * 2");
    request.kept_apart.push(KeptApart {
        first: "p1".into(),
        second: "p2".into(),
    });
    let allocation = tables::allocate(&request, 1).unwrap();
    let at = |id: &str| allocation.table_of(0, id).unwrap();
    let mate_of_p2 = (3..=8)
        .map(|index| format!("p{index}"))
        .find(|id| at(id) == at("p2") && at(id) != at("p1"))
        .unwrap();
    let mate_of_p1 = (3..=8)
        .map(|index| format!("p{index}"))
        .find(|id| at(id) == at("p1"))
        .unwrap();
    let someone_elsewhere = (3..=8)
        .map(|index| format!("p{index}"))
        .find(|id| at(id) != at("p9"))
        .unwrap();

    assert_eq!(
        allocation.swap(0, "p1", &mate_of_p2).unwrap_err(),
        TablesError::SwapBreaksKeptApart {
            first: "p1".into(),
            second: "p2".into()
        }
    );
    assert_eq!(
        allocation.swap(0, "p9", &someone_elsewhere).unwrap_err(),
        TablesError::SwapMovesPinned {
            member: "p9".into(),
            session: 0,
            table: 2
        }
    );
    assert_eq!(
        allocation.swap(0, "p1", &mate_of_p1).unwrap_err(),
        TablesError::SwapAtSameTable {
            first: "p1".into(),
            second: mate_of_p1.clone(),
            session: 0
        }
    );
    assert_eq!(
        allocation.swap(0, "p1", "nobody").unwrap_err(),
        TablesError::UnknownMember {
            id: "nobody".into(),
            context: "a swap"
        }
    );
    assert_eq!(
        allocation.swap(2, "p1", "p3").unwrap_err(),
        TablesError::SessionOutOfRange {
            session: 2,
            sessions: 2
        }
    );
}

#[test]
fn a_stored_seating_is_restored_with_the_same_measures_and_swaps() {
    let mut request = realistic(30, 5, 3, 12);
    request.facilitators = (1..=7).map(|f| format!("facilitator{f}")).collect();
    request.rotation = Rotation::Rotate;
    request.pins.push(tables::Pin {
        member: "m3".into(),
        session: None,
        table: 4,
    });
    request.kept_apart.push(KeptApart {
        first: "m1".into(),
        second: "m2".into(),
    });
    let allocation = tables::allocate(&request, 12).unwrap();
    let seating = allocation.seating();
    assert_eq!(seating.tables.len(), 3);
    assert_eq!(seating.facilitators[0].len(), 6);

    let restored = tables::restore(&request, &seating).unwrap();
    assert_eq!(restored.seating(), seating);
    assert_eq!(restored.measures(), allocation.measures());
    let (first, second) = (
        "m4",
        (5..=30)
            .map(|i| format!("m{i}"))
            .find(|id| {
                allocation.table_of(1, id) != allocation.table_of(1, "m4")
                    && allocation.swap(1, "m4", id).is_ok()
            })
            .unwrap(),
    );
    assert_eq!(
        restored.swap(1, first, &second).unwrap().seating(),
        allocation.swap(1, first, &second).unwrap().seating()
    );
}

#[test]
fn a_stored_seating_that_does_not_fit_the_request_is_refused() {
    let mut request = parse_fixture(
        "members 6\ntables 2\nsessions 2\npin p1 * 0\napart p2 p3\nfacilitators fixed f1 f2",
    );
    request.effort = 100;
    let good = tables::allocate(&request, 3).unwrap().seating();
    let refuse = |seating: &tables::Seating| match tables::restore(&request, seating) {
        Err(TablesError::SeatingMismatch { problem }) => problem,
        other => panic!("expected a mismatch, got {other:?}"),
    };

    let mut fewer_sessions = good.clone();
    fewer_sessions.tables.pop();
    assert_eq!(refuse(&fewer_sessions), "it has 1 sessions, the request 2");

    let mut pin_broken = good.clone();
    pin_broken.tables[1][0] = 1;
    assert_eq!(
        refuse(&pin_broken),
        "member \"p1\" sits at table 1 in session 1 but is pinned to table 0"
    );

    let mut unbalanced = good.clone();
    let moved = (1..6)
        .find(|&member| unbalanced.tables[0][member] == 0)
        .unwrap();
    unbalanced.tables[0][moved] = 1;
    assert_eq!(
        refuse(&unbalanced),
        "table 0 seats 2 members in session 0 instead of 3"
    );

    let mut together = good.clone();
    let p3_table = together.tables[0][2];
    let p2_table = together.tables[0][1];
    let mate = (3..6)
        .find(|&member| together.tables[0][member] == p3_table)
        .unwrap();
    together.tables[0][1] = p3_table;
    together.tables[0][mate] = p2_table;
    assert_eq!(
        refuse(&together),
        "members \"p2\" and \"p3\" share a table in session 0 but are to be kept apart"
    );

    let mut doubled = good.clone();
    doubled.facilitators[1] = vec![1, 1];
    assert_eq!(
        refuse(&doubled),
        "facilitator 1 at table 1 in session 1 is unknown or at two tables"
    );
}
