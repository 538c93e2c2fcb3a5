//! Sequential ballots: a ballot waits for an earlier one, is held or skipped by its result, and
//! takes its wording from it.

use ballots::{
    Abstention, AgreementAnswer, AgreementScale, Ballot, BallotError, BallotSpec, HeldWhen, Method,
    Options, Outcome, Precondition, Sequence, Stage, Threshold, Vote, Wording, YesNoChoice,
    YesNoRule, tally,
};

fn yes_no() -> Method {
    Method::YesNo(YesNoRule::new(
        Threshold::simple_majority(),
        Abstention::Excluded,
    ))
}

fn spec(
    id: &str,
    wording: Wording,
    method: Method,
    opens_after: Option<(&str, HeldWhen)>,
) -> BallotSpec {
    BallotSpec {
        id: id.to_owned(),
        wording,
        method,
        eligible_members: 99,
        quorum: None,
        opens_after: opens_after.map(|(ballot, held_when)| Precondition {
            ballot: ballot.to_owned(),
            held_when,
        }),
    }
}

fn fixed(text: &str) -> Wording {
    Wording::Fixed(text.to_owned())
}

/// The Irish assembly's pattern: ballot 1 decides the wording of ballot 2; ballot 3 is held
/// only if ballot 2 passed; ballot 4 (an agreement scale) follows ballot 3.
fn assembly() -> Sequence {
    let ballots = vec![
        spec(
            "b1",
            fixed("Should the article be retained in full?"),
            yes_no(),
            None,
        ),
        spec(
            "b2",
            Wording::Conditional {
                on: "b1".to_owned(),
                if_passed: "Should the article be clarified?".to_owned(),
                otherwise: "Should the article be replaced?".to_owned(),
            },
            yes_no(),
            Some(("b1", HeldWhen::Always)),
        ),
        spec(
            "b3",
            fixed("Should the change go to a referendum?"),
            yes_no(),
            Some(("b2", HeldWhen::Passed)),
        ),
        spec(
            "b4",
            fixed("How far do you agree with the package?"),
            Method::Agreement(AgreementScale::new(false, None)),
            Some(("b3", HeldWhen::Always)),
        ),
    ];
    Sequence::new(
        ballots
            .into_iter()
            .map(|spec| Ballot::new(spec).expect("valid ballot"))
            .collect(),
    )
    .expect("valid sequence")
}

fn close(sequence: &Sequence, id: &str, yes: u32, no: u32) -> Outcome {
    let ballot = sequence
        .ballots()
        .iter()
        .find(|ballot| ballot.id() == id)
        .expect("ballot");
    let mut votes: Vec<Vote> = (0..yes).map(|_| Vote::YesNo(YesNoChoice::Yes)).collect();
    votes.extend((0..no).map(|_| Vote::YesNo(YesNoChoice::No)));
    tally(ballot, &votes).expect("valid votes")
}

fn stages<'a>(sequence: &'a Sequence, outcomes: &'a [Outcome]) -> Vec<Stage<'a>> {
    ["b1", "b2", "b3", "b4"]
        .iter()
        .map(|id| sequence.stage(id, outcomes).expect("known ballot"))
        .collect()
}

#[test]
fn ballots_open_in_turn_with_the_wording_chosen_by_the_previous_result() {
    let sequence = assembly();
    assert_eq!(
        stages(&sequence, &[]),
        [
            Stage::Ready {
                wording: "Should the article be retained in full?"
            },
            Stage::Waiting { for_ballot: "b1" },
            Stage::Waiting { for_ballot: "b2" },
            Stage::Waiting { for_ballot: "b3" },
        ]
    );
    // Ballot 1 fails (12 yes, 79 no): ballot 2 asks the "otherwise" question.
    let first = close(&sequence, "b1", 12, 79);
    assert_eq!(
        sequence.stage("b2", std::slice::from_ref(&first)),
        Ok(Stage::Ready {
            wording: "Should the article be replaced?"
        })
    );
    // Had it passed, ballot 2 would ask the other question.
    let passed = close(&sequence, "b1", 79, 12);
    assert_eq!(
        sequence.ballots()[1].resolve_wording(&passed),
        Ok("Should the article be clarified?")
    );
    // Ballot 2 passes: ballot 3 is held; then ballot 4 waits for it.
    let outcomes = vec![first.clone(), close(&sequence, "b2", 60, 30)];
    assert_eq!(
        stages(&sequence, &outcomes),
        [
            Stage::Closed,
            Stage::Closed,
            Stage::Ready {
                wording: "Should the change go to a referendum?"
            },
            Stage::Waiting { for_ballot: "b3" },
        ]
    );
    // Ballot 2 fails instead: ballot 3 is skipped, and so is ballot 4 which follows it.
    let outcomes = vec![first, close(&sequence, "b2", 30, 60)];
    assert_eq!(
        stages(&sequence, &outcomes)[2..],
        [
            Stage::Skipped { because_of: "b2" },
            Stage::Skipped { because_of: "b3" }
        ]
    );
}

#[test]
fn wording_cannot_be_resolved_from_the_wrong_outcome() {
    let sequence = assembly();
    let other = close(&sequence, "b2", 5, 1);
    assert_eq!(
        sequence.ballots()[1].resolve_wording(&other),
        Err(BallotError::OutcomeOfAnotherBallot {
            expected: "b1".to_owned(),
            found: "b2".to_owned()
        })
    );
    let agreement = tally(
        &sequence.ballots()[3],
        &[Vote::Agreement(AgreementAnswer::Level(4))],
    )
    .expect("valid");
    assert_eq!(
        sequence.ballots()[3].resolve_wording(&agreement),
        Ok("How far do you agree with the package?")
    );
    assert_eq!(
        sequence.stage("b9", &[]),
        Err(BallotError::UnknownBallot {
            ballot: "b9".to_owned()
        })
    );
}

#[test]
fn invalid_sequences_are_refused() {
    let conditional = || Wording::Conditional {
        on: "b1".to_owned(),
        if_passed: "A?".to_owned(),
        otherwise: "B?".to_owned(),
    };
    assert_eq!(
        Ballot::new(spec("b2", conditional(), yes_no(), None)),
        Err(BallotError::WordingWithoutPrecondition {
            ballot: "b2".to_owned(),
            on: "b1".to_owned()
        })
    );
    assert_eq!(
        Ballot::new(spec(
            "b2",
            fixed("?"),
            yes_no(),
            Some(("b2", HeldWhen::Always))
        )),
        Err(BallotError::OpensAfterItself {
            ballot: "b2".to_owned()
        })
    );
    assert_eq!(
        Ballot::new(spec(" ", fixed("?"), yes_no(), None)),
        Err(BallotError::EmptyBallotId)
    );
    assert_eq!(
        Ballot::new(spec("b1", fixed(" "), yes_no(), None)),
        Err(BallotError::EmptyWording {
            ballot: "b1".to_owned()
        })
    );
    let ranking = Method::Ranking(Options::new(&["A", "B"]).expect("options"));
    let build = |specs: Vec<BallotSpec>| {
        Sequence::new(
            specs
                .into_iter()
                .map(|spec| Ballot::new(spec).expect("ballot"))
                .collect(),
        )
    };
    assert_eq!(
        build(vec![
            spec("b1", fixed("Rank?"), ranking.clone(), None),
            spec(
                "b2",
                conditional(),
                yes_no(),
                Some(("b1", HeldWhen::Always))
            )
        ]),
        Err(BallotError::PrecedingBallotHasNoDecision {
            ballot: "b2".to_owned(),
            after: "b1".to_owned()
        })
    );
    // A ranking can still come first when the next ballot only waits for it.
    assert!(
        build(vec![
            spec("b1", fixed("Rank?"), ranking, None),
            spec("b2", fixed("?"), yes_no(), Some(("b1", HeldWhen::Always)))
        ])
        .is_ok()
    );
    assert_eq!(
        build(vec![
            spec("b2", fixed("?"), yes_no(), Some(("b1", HeldWhen::Passed))),
            spec("b1", fixed("?"), yes_no(), None)
        ]),
        Err(BallotError::UnknownPrecedingBallot {
            ballot: "b2".to_owned(),
            after: "b1".to_owned()
        })
    );
    assert_eq!(
        build(vec![
            spec("b1", fixed("?"), yes_no(), None),
            spec("b1", fixed("?"), yes_no(), None)
        ]),
        Err(BallotError::DuplicateBallotId {
            ballot: "b1".to_owned()
        })
    );
}
