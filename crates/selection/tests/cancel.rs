//! The cancellable run and the quick feasibility check used by the web app's selection pages.

use selection::model::{Instance, parse_features, parse_people};
use selection::{Algorithm, SelectionError, Settings, check_feasible, run, run_cancellable};
use std::ops::ControlFlow;

fn instance(features: &str, k: usize) -> Instance {
    let mut people = String::from("id,gender,age\n");
    for i in 0..40 {
        let gender = if i % 2 == 0 { "woman" } else { "man" };
        let age = ["young", "middle", "old"][i % 3];
        people.push_str(&format!("p{i},{gender},{age}\n"));
    }
    let features = parse_features("features.csv", features, k).unwrap();
    let table = parse_people("people.csv", &people, &features, "id", &[]).unwrap();
    Instance::new(features, table.people, k, Vec::new()).unwrap()
}

const FEASIBLE: &str = "feature,value,min,max\ngender,woman,4,6\ngender,man,4,6\nage,young,2,4\nage,middle,2,4\nage,old,2,4\n";

#[test]
fn a_callback_that_breaks_cancels_the_run_and_one_that_continues_does_not() {
    let instance = instance(FEASIBLE, 10);
    let settings = Settings {
        algorithm: Algorithm::Leximin,
        lottery_panels: None,
    };
    let mut calls = 0;
    let error = run_cancellable(&instance, &settings, "seed", &mut |_| {
        calls += 1;
        ControlFlow::Break(())
    })
    .unwrap_err();
    assert!(matches!(error, SelectionError::Cancelled), "{error}");
    assert_eq!(
        calls, 1,
        "the run stops at the first report that asks it to"
    );
    let continued = run_cancellable(&instance, &settings, "seed", &mut |_| {
        ControlFlow::Continue(())
    })
    .unwrap();
    let plain = run(&instance, &settings, "seed", &mut |_| {}).unwrap();
    assert_eq!(
        continued.panel, plain.panel,
        "the cancellable path draws the same panel"
    );
    assert_eq!(continued.panel.len(), 10);
}

#[test]
fn the_feasibility_check_names_the_smallest_relaxation() {
    assert!(check_feasible(&instance(FEASIBLE, 10)).is_ok());
    // Three minimums of 5 on a panel of 10 cannot all be met: the relaxation lowers age minimums.
    let impossible = "feature,value,min,max\ngender,woman,4,6\ngender,man,4,6\nage,young,5,10\nage,middle,5,10\nage,old,5,10\n";
    match check_feasible(&instance(impossible, 10)) {
        Err(SelectionError::InfeasibleQuotas { changes }) => {
            assert!(!changes.is_empty());
            let text: Vec<String> = changes.iter().map(ToString::to_string).collect();
            assert!(
                text.iter()
                    .all(|t| t.starts_with("age=") && t.contains("minimum 5 -> ")),
                "{text:?}"
            );
        }
        other => panic!("expected a relaxation, got {other:?}"),
    }
}

/// A pool like a national lottery's replies, made up (seeded): eight features, nearly every respondent with a
/// combination of their own, a fifth of them in households of two.
fn large_instance() -> Instance {
    use rand_chacha::ChaCha20Rng;
    use rand_core::{Rng, SeedableRng};
    let mut rng = ChaCha20Rng::from_seed([5; 32]);
    let values = [3usize, 5, 4, 5, 4, 3, 3, 3];
    let k = 100usize;
    let mut features = String::from("feature,value,min,max\n");
    for (f, &count) in values.iter().enumerate() {
        for v in 0..count {
            let share = k as f64 / count as f64;
            features.push_str(&format!(
                "f{f},v{v},{},{}\n",
                (share * 0.8).floor(),
                (share * 1.2).ceil()
            ));
        }
    }
    let mut people = String::from("id,f0,f1,f2,f3,f4,f5,f6,f7,home\n");
    for i in 0..2000 {
        people.push_str(&format!("p{i}"));
        for &count in &values {
            // Skewed: low values are more common, as in a pool that over-represents some groups.
            let a = rng.next_u64() as usize % count;
            let b = rng.next_u64() as usize % count;
            people.push_str(&format!(",v{}", a.min(b)));
        }
        let home = if i % 10 < 2 { i / 2 } else { 10_000 + i };
        people.push_str(&format!(",h{home}\n"));
    }
    let features = parse_features("features.csv", &features, k).unwrap();
    let table = parse_people(
        "people.csv",
        &people,
        &features,
        "id",
        &["home".to_string()],
    )
    .unwrap();
    Instance::new(features, table.people, k, Vec::new()).unwrap()
}

/// The web app's cancel button and a server stop both answer `Break` from the callback; the engine asks the
/// callback during long solves too (every 0.1 s inside HiGHS), so the run ends within a second wherever it is.
/// (`watch.rs` has the same check on a MIP alone.)
#[test]
fn a_cancel_ends_a_large_run_within_a_second_and_the_progress_fraction_advances_until_then() {
    let instance = large_instance();
    let settings = Settings {
        algorithm: Algorithm::Leximin,
        lottery_panels: None,
    };
    let started = std::time::Instant::now();
    let mut asked_at = None;
    let mut fractions = Vec::new();
    let result = run_cancellable(&instance, &settings, "seed", &mut |progress| {
        fractions.push(progress.fraction);
        // The cancel comes 1.5 s in, or later on a loaded machine: once the fraction has advanced, so that the
        // test checks both the advance and the cancel whatever the load.
        let advanced = fractions.last() > fractions.first();
        if asked_at.is_some()
            || (started.elapsed() >= std::time::Duration::from_millis(1500) && advanced)
        {
            asked_at.get_or_insert_with(std::time::Instant::now);
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    let ended = std::time::Instant::now();
    match result {
        Err(SelectionError::Cancelled) => {
            let asked_at = asked_at.expect("the callback asked to stop");
            assert!(
                ended - asked_at < std::time::Duration::from_secs(1),
                "the run ended {:?} after the cancel",
                ended - asked_at
            );
        }
        // A machine fast enough to finish in 1.5 s has nothing to cancel; a run asked to stop must not finish.
        Ok(selection) => assert!(
            asked_at.is_none(),
            "the run finished after the cancel: {:?}",
            selection.panel.len()
        ),
        Err(error) => panic!("{error}"),
    }
    assert!(
        fractions.windows(2).all(|pair| pair[0] <= pair[1]),
        "the fraction went back: {fractions:?}"
    );
    assert!(
        fractions.last() > fractions.first(),
        "no progress before the end: {:?}",
        fractions.last()
    );
}
