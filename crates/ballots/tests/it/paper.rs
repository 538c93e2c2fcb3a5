//! Paper ballots entered twice: mismatches are found and named by sheet, only a reconciled set
//! can be counted, and an invalid sheet is reported by its number.

use ballots::{
    BallotError, Counted, Entry, Method, Mismatch, Options, PaperVote, Vote, YesNoChoice,
    reconcile, tally_paper,
};

use crate::ballot;

fn yes_no(sheet: u32, choice: YesNoChoice) -> PaperVote {
    PaperVote {
        sheet,
        vote: Vote::YesNo(choice),
    }
}

fn ranked(sheet: u32, order: &[&str]) -> PaperVote {
    PaperVote {
        sheet,
        vote: Vote::ranking_in_order(order),
    }
}

#[test]
fn mismatches_are_named_by_sheet_and_block_the_count_until_fixed() {
    use YesNoChoice::{Abstain, No, Yes};
    let first = vec![
        yes_no(1, Yes),
        yes_no(2, No),
        yes_no(3, Yes),
        yes_no(4, Abstain),
        yes_no(5, Yes),
    ];
    // The second clerk misread sheet 3, typed sheet 2 twice, skipped sheet 5 and typed a sheet 6.
    let second = vec![
        yes_no(4, Abstain),
        yes_no(2, No),
        yes_no(1, Yes),
        yes_no(3, No),
        yes_no(2, No),
        yes_no(6, No),
    ];
    let reconciliation = reconcile(&first, &second);
    assert_eq!(
        reconciliation.mismatches(),
        [
            Mismatch::Duplicate {
                sheet: 2,
                entry: Entry::Second
            },
            Mismatch::Different {
                sheet: 3,
                first: Vote::YesNo(Yes),
                second: Vote::YesNo(No)
            },
            Mismatch::Missing {
                sheet: 5,
                missing_from: Entry::Second
            },
            Mismatch::Missing {
                sheet: 6,
                missing_from: Entry::First
            },
        ]
    );
    let texts: Vec<String> = reconciliation
        .mismatches()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        texts,
        [
            "sheet 2: typed more than once in the second entry",
            "sheet 3: the two entries differ",
            "sheet 5: missing from the second entry",
            "sheet 6: missing from the first entry",
        ]
    );
    assert_eq!(
        reconciliation
            .matched()
            .iter()
            .map(|paper| paper.sheet)
            .collect::<Vec<u32>>(),
        [1, 4]
    );
    assert_eq!(reconciliation.sheets_to_recheck(), [2, 3, 5, 6]);
    let error = reconciliation
        .into_reconciled()
        .expect_err("mismatches must block the count");
    assert_eq!(
        error,
        BallotError::UnreconciledSheets {
            sheets: vec![2, 3, 5, 6]
        }
    );
    assert_eq!(
        error.to_string(),
        "the two paper entries disagree on sheets 2, 3, 5, 6: re-check them before counting"
    );

    // Staff re-check sheets 2, 3, 5 and 6 and correct the entries.
    let first = vec![
        yes_no(1, Yes),
        yes_no(2, No),
        yes_no(3, No),
        yes_no(4, Abstain),
        yes_no(5, Yes),
        yes_no(6, No),
    ];
    let second = vec![
        yes_no(6, No),
        yes_no(5, Yes),
        yes_no(4, Abstain),
        yes_no(3, No),
        yes_no(2, No),
        yes_no(1, Yes),
    ];
    let reconciled = reconcile(&first, &second)
        .into_reconciled()
        .expect("reconciled");
    let question = ballot(
        "b1",
        Method::YesNo(ballots::YesNoRule::new(
            ballots::Threshold::simple_majority(),
            ballots::Abstention::Excluded,
        )),
        10,
    );
    let outcome = tally_paper(&question, &reconciled).expect("valid sheets");
    let Counted::YesNo(count) = outcome.counted() else {
        panic!("expected a yes/no count")
    };
    assert_eq!((count.yes(), count.no(), count.abstain()), (2, 3, 1));
    assert_eq!(outcome.passed(), Some(false));
}

#[test]
fn the_order_in_which_options_were_typed_does_not_matter_but_the_ranks_do() {
    let first = vec![ranked(10, &["A", "B", "C"]), ranked(11, &["B", "A"])];
    let second = vec![
        PaperVote {
            sheet: 10,
            vote: Vote::Ranking(vec![
                ("C".to_owned(), 3),
                ("A".to_owned(), 1),
                ("B".to_owned(), 2),
            ]),
        },
        ranked(11, &["A", "B"]),
    ];
    let reconciliation = reconcile(&first, &second);
    assert_eq!(
        reconciliation
            .matched()
            .iter()
            .map(|paper| paper.sheet)
            .collect::<Vec<u32>>(),
        [10]
    );
    assert_eq!(reconciliation.sheets_to_recheck(), [11]);
}

#[test]
fn an_invalid_reconciled_sheet_is_reported_by_its_number() {
    let ranking = ballot(
        "r",
        Method::Ranking(Options::new(&["A", "B", "C"]).expect("options")),
        20,
    );
    let entry = vec![
        ranked(3, &["A", "B"]),
        ranked(7, &["A", "Z"]),
        ranked(9, &["C"]),
    ];
    let reconciled = reconcile(&entry, &entry)
        .into_reconciled()
        .expect("both entries agree");
    let error = tally_paper(&ranking, &reconciled).expect_err("sheet 7 names an unknown option");
    assert_eq!(
        error,
        BallotError::InvalidSheet {
            sheet: 7,
            source: Box::new(BallotError::UnknownOption {
                vote: 2,
                option: "Z".to_owned()
            })
        }
    );
    assert!(error.to_string().starts_with("paper sheet 7: "), "{error}");
}
