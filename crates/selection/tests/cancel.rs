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
