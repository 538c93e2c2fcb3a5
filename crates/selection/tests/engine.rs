//! Feature tests of the selection engine: reference instances, an independent brute-force
//! LEXIMIN on random tiny pools, infeasible quotas, replacements, the lottery and the draw.

use highs::{Col, HighsModelStatus, RowProblem, Sense};
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};
use selection::model::{Instance, parse_features, parse_people};
use selection::{Algorithm, Distribution, SelectionError, Settings, draw, find_distribution};

fn instance(
    features: &str,
    people: &str,
    k: usize,
    id: &str,
    households: &[&str],
    already: &[&str],
) -> Instance {
    let features = parse_features("features.csv", features, k).unwrap();
    let household_columns: Vec<String> = households.iter().map(|s| s.to_string()).collect();
    let table = parse_people("people.csv", people, &features, id, &household_columns).unwrap();
    let already: Vec<usize> = already
        .iter()
        .map(|a| table.people.iter().position(|p| p.id == *a).unwrap())
        .collect();
    Instance::new(features, table.people, k, already).unwrap()
}

fn settings(algorithm: Algorithm) -> Settings {
    Settings {
        algorithm,
        lottery_panels: None,
    }
}

fn solve(instance: &Instance, algorithm: Algorithm) -> Distribution {
    find_distribution(instance, &settings(algorithm), &mut |_| {}).unwrap()
}

/// Every panel meets every quota and the household rule; probabilities sum to k and lie in [0,1]
/// and agree with the panel probabilities.
#[track_caller]
fn check_distribution(instance: &Instance, distribution: &Distribution) {
    let total: f64 = distribution.panels.iter().map(|p| p.probability).sum();
    assert!(
        (total - 1.0).abs() < 1e-9,
        "panel probabilities sum to {total}"
    );
    let mut from_panels = vec![0.0; instance.people.len()];
    for &person in &instance.already_selected {
        from_panels[person] = 1.0;
    }
    for (index, panel) in distribution.panels.iter().enumerate() {
        assert!(panel.probability > 0.0);
        instance
            .check_panel(&distribution.representative(instance, index))
            .unwrap();
        for (profile, &count) in distribution.profiles.iter().zip(&panel.counts) {
            for &person in &profile.members {
                from_panels[person] +=
                    panel.probability * count as f64 / profile.members.len() as f64;
            }
        }
    }
    let sum: f64 = distribution.fair_probabilities.iter().sum();
    assert!(
        (sum - instance.panel_size as f64).abs() < 1e-6,
        "probabilities sum to {sum}"
    );
    for (person, (&p, &q)) in distribution
        .fair_probabilities
        .iter()
        .zip(&from_panels)
        .enumerate()
    {
        assert!(
            (-1e-9..=1.0 + 1e-9).contains(&p),
            "person {person} has probability {p}"
        );
        assert!(
            (p - q).abs() < 1e-9,
            "person {person}: {p} vs {q} from panels"
        );
    }
}

#[test]
fn leximin_gives_everyone_a_tenth_on_example_small_20() {
    let instance = instance(
        include_str!("data/example_small_20/features.csv"),
        include_str!("data/example_small_20/people.csv"),
        20,
        "id",
        &[],
        &[],
    );
    let distribution = solve(&instance, Algorithm::Leximin);
    check_distribution(&instance, &distribution);
    for &p in &distribution.fair_probabilities {
        assert!((p - 0.1).abs() < 1e-6, "probability {p}");
    }
}

#[test]
fn leximin_gives_everyone_a_tenth_on_example_large_200() {
    let instance = instance(
        include_str!("data/example_large_200/features.csv"),
        include_str!("data/example_large_200/people.csv"),
        200,
        "id",
        &[],
        &[],
    );
    let distribution = solve(&instance, Algorithm::Leximin);
    check_distribution(&instance, &distribution);
    assert_eq!(distribution.profiles.len(), 3);
    for &p in &distribution.fair_probabilities {
        assert!((p - 0.1).abs() < 1e-6, "probability {p}");
    }
}

fn sf_fixture(households: &[&str]) -> Instance {
    instance(
        include_str!("data/sf_fixture_22/features.csv"),
        include_str!("data/sf_fixture_22/candidates.csv"),
        22,
        "nationbuilder_id",
        households,
        &[],
    )
}

#[test]
fn leximin_on_sf_fixture_22_matches_the_reference_minimum_and_maximum() {
    let instance = sf_fixture(&["primary_address1", "primary_zip"]);
    let distribution = solve(&instance, Algorithm::Leximin);
    check_distribution(&instance, &distribution);
    let min = distribution
        .fair_probabilities
        .iter()
        .copied()
        .fold(1.0, f64::min);
    let max = distribution
        .fair_probabilities
        .iter()
        .copied()
        .fold(0.0, f64::max);
    assert!((min - 1.0 / 11.0).abs() < 1e-6, "min {min}");
    assert!((max - 0.47090).abs() < 2e-4, "max {max}");
    let mut sorted = distribution.fair_probabilities.clone();
    sorted.sort_by(f64::total_cmp);
    let geo_mean = (sorted.iter().map(|p| p.ln()).sum::<f64>() / sorted.len() as f64).exp();
    assert!(
        (geo_mean - 0.14121).abs() < 2e-4,
        "geometric mean {geo_mean}"
    );
}

#[test]
fn maximin_on_sf_fixture_22_reaches_one_eleventh() {
    let instance = sf_fixture(&[]);
    let distribution = solve(&instance, Algorithm::Maximin);
    check_distribution(&instance, &distribution);
    let min = distribution
        .fair_probabilities
        .iter()
        .copied()
        .fold(1.0, f64::min);
    assert!((min - 1.0 / 11.0).abs() < 1e-6, "min {min}");
}

#[test]
fn same_seed_gives_same_panel_and_different_seeds_differ() {
    let instance = sf_fixture(&[]);
    let distribution = solve(&instance, Algorithm::Leximin);
    let (first, _) = draw(&instance, &distribution, "lottery 2026-11-21: 17 23 31");
    let (again, _) = draw(&instance, &distribution, "lottery 2026-11-21: 17 23 31");
    assert_eq!(first, again);
    instance.check_panel(&first).unwrap();
    let different = (0..5)
        .filter(|i| draw(&instance, &distribution, &format!("seed {i}")).0 != first)
        .count();
    assert!(
        different >= 4,
        "only {different} of 5 other seeds gave another panel"
    );
    // The whole run (solve + draw) is deterministic too.
    let rerun = solve(&instance, Algorithm::Leximin);
    assert_eq!(rerun, distribution);
}

#[test]
fn draws_follow_the_distribution() {
    let instance = instance(
        include_str!("data/example_small_20/features.csv"),
        include_str!("data/example_small_20/people.csv"),
        20,
        "id",
        &[],
        &[],
    );
    let distribution = solve(&instance, Algorithm::Leximin);
    let mut counts = vec![0usize; instance.people.len()];
    let draws = 2000;
    for i in 0..draws {
        let (panel, _) = draw(&instance, &distribution, &format!("{i}"));
        instance.check_panel(&panel).unwrap();
        for person in panel {
            counts[person] += 1;
        }
    }
    // p0 is the only female conservative: LEGACY gives her ~2%; here she must be near 10%.
    let p0 = counts[0] as f64 / draws as f64;
    assert!((0.07..=0.13).contains(&p0), "p0 selected in {p0} of draws");
}

#[test]
fn transparent_lottery_panels_are_feasible_and_change_is_reported() {
    let instance = sf_fixture(&[]);
    let settings = Settings {
        algorithm: Algorithm::Leximin,
        lottery_panels: Some(1000),
    };
    let distribution = find_distribution(&instance, &settings, &mut |_| {}).unwrap();
    let lottery = distribution.lottery.as_ref().unwrap();
    assert_eq!(lottery.panels.len(), 1000);
    for panel in &lottery.panels {
        instance.check_panel(panel).unwrap();
    }
    let probabilities = distribution.probabilities(&instance);
    let measured = probabilities
        .iter()
        .zip(&distribution.fair_probabilities)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!((measured - lottery.max_change).abs() < 1e-12);
    eprintln!("max change {}", lottery.max_change);
    assert!(
        lottery.max_change < 0.01,
        "max change {}",
        lottery.max_change
    );
    let (panel, number) = draw(&instance, &distribution, "public draw");
    assert_eq!(panel, lottery.panels[number.unwrap() as usize]);
}

#[test]
fn a_number_drawn_in_public_names_the_lottery_panel_itself() {
    let instance = sf_fixture(&[]);
    let settings = Settings {
        algorithm: Algorithm::Leximin,
        lottery_panels: Some(1000),
    };
    let distribution = find_distribution(&instance, &settings, &mut |_| {}).unwrap();
    let lottery = distribution.lottery.as_ref().unwrap();
    // Three ten-sided dice gave 4, 1, 7: panel 417, with no random stream.
    for number in [0u64, 417, 999] {
        let (panel, drawn) = draw(&instance, &distribution, &format!("number:{number}"));
        assert_eq!(drawn, Some(number));
        assert_eq!(panel, lottery.panels[number as usize]);
    }
    assert_eq!(selection::public_number("number:417"), Some(417));
    // Anything else is an ordinary seed, hashed into the stream: a number out of range, leading zeros, signs,
    // spaces, or another prefix.
    for seed in [
        "number:1000",
        "number:0417",
        "number:+4",
        "number: 4",
        "number:",
        "Number:4",
        "4",
    ] {
        assert_eq!(
            selection::public_number(seed).filter(|&n| n < 1000),
            None,
            "{seed}"
        );
        let (_, drawn) = draw(&instance, &distribution, seed);
        let mut rng = selection::sample::stream(seed);
        assert_eq!(
            drawn,
            Some(selection::sample::uniform_below(&mut rng, 1000)),
            "{seed}"
        );
    }
}

const SMALL_FEATURES: &str =
    "feature,value,min,max\ngender,f,1,1\ngender,m,3,3\nage,young,4,4\nage,old,0,4\n";

#[test]
fn infeasible_quotas_give_the_cheapest_relaxation() {
    // Women are all old, so a panel of 4 with exactly 4 young people has no woman. Cutting the
    // minimum of 4 young to 3 is cheaper than cutting the single woman's minimum of 1 to 0.
    let people =
        "id,gender,age\na,f,old\nb,f,old\nc,m,young\nd,m,young\ne,m,young\nf,m,young\ng,m,young\n";
    let instance = instance(SMALL_FEATURES, people, 4, "id", &[], &[]);
    let error =
        find_distribution(&instance, &settings(Algorithm::Leximin), &mut |_| {}).unwrap_err();
    let SelectionError::InfeasibleQuotas { changes } = &error else {
        panic!("unexpected {error}")
    };
    let text: Vec<String> = changes.iter().map(ToString::to_string).collect();
    assert_eq!(text, vec!["age=young: minimum 4 -> 3"]);
    assert!(error.to_string().contains("age=young: minimum 4 -> 3"));
}

#[test]
fn replacements_keep_the_panel_and_exclude_household_members() {
    let features = "feature,value,min,max\ngender,f,2,2\ngender,m,2,2\n";
    let people = "id,gender,home\na,f,h1\nb,m,h1\nc,m,h2\nd,f,h3\ne,m,h4\nf,f,h5\ng,m,h6\n";
    let instance = instance(features, people, 4, "id", &["home"], &["a"]);
    let distribution = solve(&instance, Algorithm::Leximin);
    check_distribution(&instance, &distribution);
    let p = &distribution.fair_probabilities;
    assert_eq!(p[0], 1.0);
    assert_eq!(p[1], 0.0, "b shares a's household");
    assert_eq!(distribution.excluded, vec![1]);
    // One more woman out of d, f (1/2 each); two men out of c, e, g (2/3 each).
    for (person, expected) in [
        (3, 0.5),
        (5, 0.5),
        (2, 2.0 / 3.0),
        (4, 2.0 / 3.0),
        (6, 2.0 / 3.0),
    ] {
        assert!(
            (p[person] - expected).abs() < 1e-6,
            "person {person}: {}",
            p[person]
        );
    }
    for i in 0..20 {
        let (panel, _) = draw(&instance, &distribution, &i.to_string());
        assert!(panel.contains(&0));
        instance.check_panel(&panel).unwrap();
    }
}

// ---------- independent brute force on random tiny pools ----------

fn all_feasible_panels(instance: &Instance) -> Vec<Vec<usize>> {
    let n = instance.people.len();
    let mut panels = Vec::new();
    for mask in 0u32..(1 << n) {
        if mask.count_ones() as usize != instance.panel_size {
            continue;
        }
        let panel: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        if instance.check_panel(&panel).is_ok() {
            panels.push(panel);
        }
    }
    panels
}

/// Solves max `objective` over distributions on `panels` with `pi_i >= lower_i`; returns the value.
fn lp_max(
    n: usize,
    panels: &[Vec<usize>],
    lower: &[Option<f64>],
    z_rows: &[usize],
    objective: Option<usize>,
) -> Option<f64> {
    let mut problem = RowProblem::default();
    let lambda: Vec<Col> = panels
        .iter()
        .map(|_| problem.add_column(0.0, 0.0..))
        .collect();
    let z = problem.add_column(if objective.is_none() { 1.0 } else { 0.0 }, 0.0..=1.0);
    problem.add_row(1.0..=1.0, lambda.iter().map(|&c| (c, 1.0)));
    let membership = |i: usize| -> Vec<(Col, f64)> {
        panels
            .iter()
            .zip(&lambda)
            .filter(|(p, _)| p.contains(&i))
            .map(|(_, &c)| (c, 1.0))
            .collect()
    };
    for (i, bound) in lower.iter().enumerate().take(n) {
        if let Some(p) = bound {
            problem.add_row(p - 1e-9.., membership(i));
        }
    }
    for &i in z_rows {
        let mut row = membership(i);
        row.push((z, -1.0));
        problem.add_row(0.0.., row);
    }
    if let Some(i) = objective {
        let mut row = membership(i);
        row.push((z, -1.0));
        // objective pi_i: add a free column equal to pi_i
        let value = problem.add_column(1.0, 0.0..=1.0);
        let mut eq = membership(i);
        eq.push((value, -1.0));
        problem.add_row(0.0..=0.0, eq);
    }
    let mut model = problem.optimise(Sense::Maximise);
    model.make_quiet();
    model.set_option("threads", 1);
    let solved = model.solve();
    (solved.status() == HighsModelStatus::Optimal).then(|| solved.objective_value())
}

/// Textbook LEXIMIN: raise the minimum over unfixed people; fix everyone who cannot exceed it.
fn brute_force_leximin(instance: &Instance, panels: &[Vec<usize>]) -> Vec<f64> {
    let n = instance.people.len();
    let mut fixed: Vec<Option<f64>> = vec![None; n];
    for (i, fixed) in fixed.iter_mut().enumerate() {
        if !panels.iter().any(|p| p.contains(&i)) {
            *fixed = Some(0.0);
        }
    }
    while fixed.iter().any(Option::is_none) {
        let unfixed: Vec<usize> = (0..n).filter(|&i| fixed[i].is_none()).collect();
        let z = lp_max(n, panels, &fixed, &unfixed, None).unwrap();
        let mut with_z = fixed.clone();
        for &i in &unfixed {
            with_z[i] = Some(z);
        }
        let mut any = false;
        for &i in &unfixed {
            let best = lp_max(n, panels, &with_z, &[], Some(i)).unwrap();
            if best <= z + 1e-7 {
                fixed[i] = Some(z);
                any = true;
            }
        }
        assert!(any, "leximin stage fixed nobody");
    }
    fixed.into_iter().map(Option::unwrap).collect()
}

fn random_instance(rng: &mut ChaCha20Rng, feature_count: usize) -> (String, String, usize) {
    let below = |rng: &mut ChaCha20Rng, n: u64| (rng.next_u64() % n) as usize;
    let n = 5 + below(rng, 8);
    let k = 2 + below(rng, 3.min(n as u64 - 2));
    let feature_values: Vec<usize> = (0..feature_count).map(|_| 2 + below(rng, 2)).collect();
    let households = below(rng, 2) == 0;
    let mut features = String::from("feature,value,min,max\n");
    for (f, &values) in feature_values.iter().enumerate() {
        for v in 0..values {
            let min = below(rng, 2);
            let max = min + below(rng, k as u64);
            features.push_str(&format!("f{f},v{v},{min},{max}\n"));
        }
    }
    let columns: Vec<String> = (0..feature_count).map(|f| format!("f{f}")).collect();
    let mut people = format!("id,{},home\n", columns.join(","));
    for i in 0..n {
        let home = if households {
            format!("h{}", below(rng, n as u64 - 1))
        } else {
            format!("h{i}")
        };
        let values: Vec<String> = feature_values
            .iter()
            .map(|&values| format!("v{}", below(rng, values as u64)))
            .collect();
        people.push_str(&format!("p{i},{},{home}\n", values.join(",")));
    }
    (features, people, k)
}

/// Compares LEXIMIN and MAXIMIN with the brute force on random tiny pools with `feature_count`
/// features; returns how many LEXIMIN results came from the relaxation's target and how many from
/// the stages.
fn compare_with_brute_force(seed: u8, feature_count: usize, rounds: usize) -> (usize, usize) {
    let mut rng = ChaCha20Rng::from_seed([seed; 32]);
    let mut compared = 0;
    let mut infeasible = 0;
    let mut by_relaxation = 0;
    for round in 0..rounds {
        let (features, people, k) = random_instance(&mut rng, feature_count);
        let features_text = features.clone();
        let features = parse_features("features.csv", &features, k).unwrap();
        let table = parse_people(
            "people.csv",
            &people,
            &features,
            "id",
            &["home".to_string()],
        )
        .unwrap();
        let Ok(instance) = Instance::new(features, table.people, k, vec![]) else {
            continue;
        };
        let panels = all_feasible_panels(&instance);
        let result = find_distribution(&instance, &settings(Algorithm::Leximin), &mut |_| {});
        if panels.is_empty() {
            assert!(
                matches!(
                    result,
                    Err(SelectionError::InfeasibleQuotas { .. })
                        | Err(SelectionError::NoFeasiblePanel)
                ),
                "round {round}: brute force finds no panel but the engine says {result:?}"
            );
            infeasible += 1;
            continue;
        }
        let distribution = result.unwrap_or_else(|e| panic!("round {round}: {e}"));
        check_distribution(&instance, &distribution);
        by_relaxation += usize::from(distribution.by_relaxation);
        let expected = brute_force_leximin(&instance, &panels);
        for (i, (&got, &want)) in distribution
            .fair_probabilities
            .iter()
            .zip(&expected)
            .enumerate()
        {
            assert!(
                (got - want).abs() < 1e-5,
                "round {round} person {i}: leximin {got} vs brute force {want}\n{people}\n{features_text}\n{:?}\n{expected:?}\n{panels:?}",
                distribution.fair_probabilities
            );
        }
        let unreachable: Vec<usize> = (0..instance.people.len())
            .filter(|&i| expected[i] == 0.0 && !panels.iter().any(|p| p.contains(&i)))
            .collect();
        assert_eq!(distribution.unreachable, unreachable, "round {round}");
        let maximin = solve(&instance, Algorithm::Maximin);
        check_distribution(&instance, &maximin);
        let reachable_min = |p: &[f64]| {
            (0..p.len())
                .filter(|i| !unreachable.contains(i))
                .map(|i| p[i])
                .fold(1.0, f64::min)
        };
        assert!(
            (reachable_min(&maximin.fair_probabilities) - reachable_min(&expected)).abs() < 1e-6,
            "round {round}: maximin"
        );
        compared += 1;
    }
    assert!(
        compared >= 100,
        "only {compared} feasible random instances ({infeasible} infeasible)"
    );
    (by_relaxation, compared - by_relaxation)
}

#[test]
fn leximin_and_maximin_match_brute_force_on_random_tiny_pools() {
    let (by_relaxation, _) = compare_with_brute_force(7, 2, 300);
    assert!(
        by_relaxation > 0,
        "no two-feature pool took the relaxation's target"
    );
}

/// With three features the relaxation is larger than the hull of the panels on some pools, so both
/// ways to LEXIMIN run: the relaxation's target where panels reach it, the stages where they do not.
#[test]
fn leximin_matches_brute_force_both_through_the_relaxation_and_through_the_stages() {
    let (by_relaxation, by_stages) = compare_with_brute_force(11, 3, 800);
    assert!(
        by_relaxation > 0 && by_stages > 0,
        "relaxation {by_relaxation}, stages {by_stages}: one way was never tested"
    );
}

#[test]
fn csv_errors_name_file_line_and_column() {
    let features = parse_features("features.csv", SMALL_FEATURES, 4).unwrap();
    let people = "id,gender,age\na,f,old\nb,x,old\n";
    let error = parse_people("people.csv", people, &features, "id", &[]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown value `x` for feature `gender` at people.csv line 3 column 2"
    );
    // Blank lines count: the line is the one an editor shows.
    let with_blank_lines = "id,gender,age\na,f,old\n\n\r\nb,x,old\n";
    let error = parse_people("people.csv", with_blank_lines, &features, "id", &[]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown value `x` for feature `gender` at people.csv line 5 column 2"
    );
    let error = parse_people(
        "people.csv",
        "id,gender,age\na,f,old\na,m,old\n",
        &features,
        "id",
        &[],
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "duplicate id `a` at people.csv line 3 (first seen at line 2)"
    );
    let error = parse_features("features.csv", "feature,value,min,max\ng,f,3,2\n", 4).unwrap_err();
    assert!(
        matches!(error, SelectionError::BadQuota { line: 2, .. }),
        "{error}"
    );
    let error =
        parse_features("features.csv", "feature,value,min,max\ng,f,two,2\n", 4).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`two` is not a non-negative whole number for `min` at features.csv line 2 column 3"
    );
    let error = parse_people("people.csv", "id,gender\na,f\n", &features, "id", &[]).unwrap_err();
    assert_eq!(error.to_string(), "people.csv: missing column `age`");
    let old_header = parse_features("features.csv", "category,name,min,max\ng,f,1,2\n", 4).unwrap();
    assert_eq!(old_header[0].quotas[0].value, "f");
    let features = parse_features(
        "features.csv",
        "feature,value,min,max\ng,f,1,2\ng,m,1,2\n",
        2,
    )
    .unwrap();
    let people = parse_people("people.csv", "id,g\na,f\nb,f\n", &features, "id", &[]).unwrap();
    let error = Instance::new(features, people.people, 2, vec![]).unwrap_err();
    assert!(
        matches!(error, SelectionError::QuotaValueAbsent { .. }),
        "{error}"
    );
}

#[test]
fn commitment_covers_every_input() {
    let base = instance(
        SMALL_FEATURES,
        "id,gender,age\na,f,old\nb,m,young\nc,m,young\nd,m,young\ne,m,young\n",
        4,
        "id",
        &[],
        &[],
    );
    let s = settings(Algorithm::Leximin);
    let c = selection::sample::commitment(&base, &s);
    assert_eq!(c.len(), 64);
    assert_eq!(c, selection::sample::commitment(&base.clone(), &s));
    assert_ne!(
        c,
        selection::sample::commitment(&base, &settings(Algorithm::Maximin))
    );
    assert_ne!(
        c,
        selection::sample::commitment(
            &base,
            &Settings {
                algorithm: Algorithm::Leximin,
                lottery_panels: Some(10)
            }
        )
    );
    let mut other = base.clone();
    other.people[0].id = "z".into();
    assert_ne!(c, selection::sample::commitment(&other, &s));
    let mut other = base.clone();
    other.features[0].quotas[0].max = 2;
    assert_ne!(c, selection::sample::commitment(&other, &s));
}

#[test]
fn random_stream_is_chacha20_keyed_by_sha256_of_the_seed() {
    // Known-answer test: key = SHA-256("kleroterion") and the ChaCha20 keystream (RFC 8439 block
    // function, nonce 0, counter 0) read as little-endian u64; values computed independently.
    let mut rng = selection::sample::stream("kleroterion");
    let first = rng.next_u64();
    let mut again = selection::sample::stream("kleroterion");
    assert_eq!(first, again.next_u64());
    assert_eq!(format!("{first:016x}"), KNOWN_FIRST_U64);
}

const KNOWN_FIRST_U64: &str = "6b1f3ad0e1d84860";

#[test]
fn legacy_meets_the_quotas_but_starves_the_rare_profile() {
    let instance = instance(
        include_str!("data/example_small_20/features.csv"),
        include_str!("data/example_small_20/people.csv"),
        20,
        "id",
        &[],
        &[],
    );
    let settings = settings(Algorithm::Legacy);
    let selection = selection::run(&instance, &settings, "legacy seed", &mut |_| {}).unwrap();
    instance.check_panel(&selection.panel).unwrap();
    assert!(selection.estimated && selection.distribution.is_none());
    let again = selection::run(&instance, &settings, "legacy seed", &mut |_| {}).unwrap();
    assert_eq!(selection.panel, again.panel);
    // p0, the only female conservative, gets about 2% from the greedy method instead of 10%.
    assert!(
        selection.probabilities[0] < 0.06,
        "p0 estimated at {}",
        selection.probabilities[0]
    );
    let total: f64 = selection.probabilities.iter().sum();
    assert!((total - 20.0).abs() < 1e-9);
}

/// On a pool with hundreds of profiles the face walk runs before any search for unreachable profiles: a
/// person whom no panel can seat (a value whose quota is at most 0) gets probability 0 from the relaxation's
/// LEXIMIN, is reported unreachable, and everyone else is seated by a checked lottery.
#[test]
fn the_walk_reports_a_person_no_panel_can_seat_as_unreachable() {
    let mut rng = ChaCha20Rng::from_seed([11; 32]);
    let values = [3usize, 5, 4, 5, 4, 3];
    let k = 50usize;
    let mut features = String::from("feature,value,min,max\n");
    for (f, &count) in values.iter().enumerate() {
        for v in 0..count {
            let share = k as f64 / count as f64;
            features.push_str(&format!(
                "f{f},v{v},{},{}\n",
                (share * 0.7).floor(),
                (share * 1.3).ceil()
            ));
        }
    }
    features.push_str(&format!("flag,no,0,{k}\nflag,yes,0,0\n"));
    let mut people = String::from("id,f0,f1,f2,f3,f4,f5,flag\n");
    for i in 0..700 {
        people.push_str(&format!("p{i}"));
        for &count in &values {
            people.push_str(&format!(",v{}", rng.next_u64() as usize % count));
        }
        people.push_str(if i == 0 { ",yes\n" } else { ",no\n" });
    }
    let instance = instance(&features, &people, k, "id", &[], &[]);
    for algorithm in [Algorithm::Leximin, Algorithm::Maximin] {
        let distribution = solve(&instance, algorithm);
        assert!(
            distribution.profiles.len() >= 150,
            "{} profiles: too few for the walk",
            distribution.profiles.len()
        );
        assert_eq!(distribution.way, selection::Way::FaceWalk);
        assert_eq!(distribution.unreachable, vec![0]);
        assert_eq!(distribution.fair_probabilities[0], 0.0);
        assert!(
            distribution.fair_probabilities[1..]
                .iter()
                .all(|&p| p > 0.0)
        );
        check_distribution(&instance, &distribution);
    }
}
