//! The accountability model's constructors: what they refuse and what they keep.

use impact::{
    Commitment, Date, Fidelity, FidelityJudgement, ImpactError, Judge, Link, Milestone,
    MilestoneKind, Recommendation, Response, ResponseKind, Support, Timeliness,
};

fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

fn link() -> Link {
    Link::parse("https://www.example.org/response.pdf").unwrap()
}

#[test]
fn a_response_needs_a_real_kind_and_a_justification_unless_accepted_in_full() {
    assert_eq!(
        Response::new(ResponseKind::NoResponseYet, "x", link(), date("2020-06-29")),
        Err(ImpactError::NoResponseIsNotAResponse)
    );
    assert_eq!(
        Response::new(ResponseKind::Rejected, "  ", link(), date("2020-06-29")),
        Err(ImpactError::EmptyField {
            field: "justification"
        })
    );
    let full = Response::new(ResponseKind::AcceptedInFull, "", link(), date("2020-06-29")).unwrap();
    assert_eq!(full.kind(), ResponseKind::AcceptedInFull);
    assert_eq!(
        full.source().as_str(),
        "https://www.example.org/response.pdf"
    );
    for kind in ResponseKind::ALL {
        assert_eq!(ResponseKind::parse(kind.label()), Ok(kind));
    }
    assert_eq!(
        ResponseKind::parse("modified"),
        Ok(ResponseKind::AcceptedWithModifications)
    );
    assert_eq!(
        ResponseKind::parse("maybe"),
        Err(ImpactError::UnknownResponseKind {
            text: "maybe".into()
        })
    );
}

#[test]
fn a_fidelity_judgement_names_its_judge_and_gives_reasons() {
    assert_eq!(
        FidelityJudgement::new(
            Fidelity::NotYetJudged,
            Judge::Members,
            "r",
            date("2021-01-01")
        ),
        Err(ImpactError::NotYetJudgedIsNotAJudgement)
    );
    assert_eq!(
        FidelityJudgement::new(Fidelity::Diluted, Judge::Members, "", date("2021-01-01")),
        Err(ImpactError::EmptyField { field: "reasons" })
    );
    let judgement = FidelityJudgement::new(
        Fidelity::Diluted,
        Judge::OversightGroup,
        " Threshold raised from 3 to 5 ha ",
        date("2021-01-01"),
    )
    .unwrap();
    assert_eq!(
        (judgement.judged_by(), judgement.reasons()),
        (Judge::OversightGroup, "Threshold raised from 3 to 5 ha")
    );
    let side_by_side = judgement
        .clone()
        .with_enacted_text(" Ban on new oil boilers from 2022 ");
    assert_eq!(
        (judgement.enacted_text(), side_by_side.enacted_text()),
        ("", "Ban on new oil boilers from 2022")
    );
    let recommendation = Recommendation::new(
        "SL-01",
        "Ban oil boilers",
        "se loger",
        Support::parse("94").unwrap(),
        date("2020-08-16"),
    )
    .unwrap()
    .with_text("Ban new oil and coal boilers from 2021")
    .with_fidelity(side_by_side);
    assert_eq!(
        recommendation.text(),
        "Ban new oil and coal boilers from 2021"
    );
    assert_eq!(
        recommendation.fidelity(date("2020-12-31")),
        Fidelity::NotYetJudged,
        "judged only on 2021-01-01"
    );
    assert_eq!(
        recommendation.fidelity(date("2021-01-01")),
        Fidelity::Diluted
    );
    for fidelity in Fidelity::ALL {
        assert_eq!(Fidelity::parse(fidelity.label()), Ok(fidelity));
    }
}

#[test]
fn links_must_be_http_urls_without_spaces() {
    for bad in [
        "javascript:alert(1)",
        "https://",
        "https://a b",
        "ftp://example.org",
        "example.org",
        "https://x/\"><script>",
    ] {
        assert_eq!(
            Link::parse(bad),
            Err(ImpactError::InvalidLink {
                text: bad.to_owned()
            }),
            "{bad}"
        );
    }
    assert_eq!(
        Link::parse("http://legifrance.gouv.fr/jorf/id/X?a=1#b")
            .unwrap()
            .as_str(),
        "http://legifrance.gouv.fr/jorf/id/X?a=1#b"
    );
}

#[test]
fn support_is_a_percentage_with_at_most_two_decimals() {
    assert_eq!(Support::parse("96.5").unwrap().basis_points(), 9_650);
    assert_eq!(Support::parse("96.45%").unwrap().basis_points(), 9_645);
    assert_eq!(Support::parse("100").unwrap().basis_points(), 10_000);
    assert_eq!(Support::parse("0").unwrap().basis_points(), 0);
    for bad in ["100.01", "96.555", "-1", "abc", "", "1e2", ".5", "1000"] {
        assert_eq!(
            Support::parse(bad),
            Err(ImpactError::InvalidSupport {
                text: bad.to_owned()
            }),
            "{bad:?}"
        );
    }
    assert_eq!(Support::parse("96.5").unwrap().to_string(), "96.5%");
    assert_eq!(Support::parse("96.05").unwrap().to_string(), "96.05%");
    assert_eq!(Support::parse("90").unwrap().to_string(), "90%");
    assert_eq!(
        Support::from_votes(143, 150).unwrap().basis_points(),
        9_533,
        "95.333…% rounds to 95.33%"
    );
    assert_eq!(Support::from_votes(1, 8).unwrap().basis_points(), 1_250);
    assert!(Support::from_votes(3, 2).is_err());
    assert!(Support::from_votes(0, 0).is_err());
}

#[test]
fn a_commitment_gives_the_due_date_weeks_after_the_final_report() {
    let commitment = Commitment::respond_within_weeks(8).unwrap();
    assert_eq!(
        commitment.due_date(date("2020-06-21")).unwrap(),
        date("2020-08-16")
    );
    assert_eq!(
        Commitment::respond_within_weeks(26)
            .unwrap()
            .due_date(date("2023-12-31"))
            .unwrap(),
        date("2024-06-30")
    );
    assert_eq!(
        Commitment::respond_within_weeks(0),
        Err(ImpactError::InvalidCommitment { weeks: 0 })
    );
    assert_eq!(
        Commitment::respond_within_weeks(261),
        Err(ImpactError::InvalidCommitment { weeks: 261 })
    );
}

#[test]
fn the_due_date_itself_is_on_time_and_the_day_after_is_overdue_or_late() {
    let due = date("2020-08-16");
    let recommendation = Recommendation::new(
        "SN-03",
        "Reduce fertiliser",
        "se nourrir",
        Support::parse("91").unwrap(),
        due,
    )
    .unwrap();
    assert_eq!(
        recommendation.timeliness(date("2020-08-15")),
        Timeliness::NotYetDue
    );
    assert_eq!(
        recommendation.timeliness(due),
        Timeliness::NotYetDue,
        "not overdue on the due date"
    );
    assert_eq!(
        recommendation.timeliness(date("2020-08-17")),
        Timeliness::Overdue
    );
    let respond = |on: &str| {
        recommendation.clone().with_response(
            Response::new(ResponseKind::AcceptedInPart, "Partly", link(), date(on)).unwrap(),
        )
    };
    assert_eq!(
        respond("2020-08-16").timeliness(date("2021-01-01")),
        Timeliness::OnTime,
        "answered on the due date"
    );
    assert_eq!(
        respond("2020-08-17").timeliness(date("2021-01-01")),
        Timeliness::Late,
        "answered the day after"
    );
    let answered_later = respond("2020-08-20");
    assert_eq!(
        answered_later.timeliness(date("2020-08-18")),
        Timeliness::Overdue,
        "a response dated later is not known yet"
    );
    assert_eq!(
        answered_later.response_kind(date("2020-08-18")),
        ResponseKind::NoResponseYet
    );
    assert_eq!(
        answered_later.timeliness(date("2020-08-20")),
        Timeliness::Late
    );
    assert_eq!(
        answered_later.response_kind(date("2020-08-20")),
        ResponseKind::AcceptedInPart
    );
}

#[test]
fn recommendations_need_a_reference_title_and_theme_and_keep_milestones_in_date_order() {
    let support = Support::parse("90").unwrap();
    assert_eq!(
        Recommendation::new("", "t", "x", support, date("2020-08-16")),
        Err(ImpactError::EmptyField { field: "reference" })
    );
    assert_eq!(
        Recommendation::new("R1", "t", " ", support, date("2020-08-16")),
        Err(ImpactError::EmptyField { field: "theme" })
    );
    assert_eq!(
        Milestone::new(date("2021-01-01"), "", link(), MilestoneKind::Bill),
        Err(ImpactError::EmptyField {
            field: "description"
        })
    );
    let recommendation = Recommendation::new("R1", "t", "x", support, date("2020-08-16"))
        .unwrap()
        .with_milestone(
            Milestone::new(
                date("2021-08-24"),
                "Climate and Resilience law promulgated",
                link(),
                MilestoneKind::Bill,
            )
            .unwrap(),
        )
        .with_milestone(
            Milestone::new(
                date("2021-02-10"),
                "Bill tabled",
                link(),
                MilestoneKind::Bill,
            )
            .unwrap(),
        )
        .with_milestone(
            Milestone::new(
                date("2021-12-30"),
                "Budget line for renovation",
                link(),
                MilestoneKind::BudgetLine,
            )
            .unwrap(),
        );
    let dates: Vec<String> = recommendation
        .milestones()
        .iter()
        .map(|milestone| milestone.date().to_string())
        .collect();
    assert_eq!(dates, ["2021-02-10", "2021-08-24", "2021-12-30"]);
}
