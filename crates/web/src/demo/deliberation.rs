//! The demo's deliberation: proposals, an amendment, paper ballots counted and closed, and a recommendation.

use app::Actor;
use app::audit::{Entry, audited};
use store::Store;

use crate::error::AppError;
use crate::now;

/// Two demo clerks' identical entries of `counts` paper sheets: `(choice, how many)` in sheet order.
fn demo_sheets(counts: &[(&str, usize)]) -> String {
    let mut lines = Vec::new();
    for (choice, how_many) in counts {
        for _ in 0..*how_many {
            lines.push(format!("{}: {choice}", lines.len() + 1));
        }
    }
    lines.join("\n")
}

/// Seeds the climate convention's deliberation once: three proposals (one amended), a closed secret yes/no ballot
/// followed by a closed agreement ballot whose question depended on it (both counted from reconciled paper
/// entries typed by the facilitator and the organiser), a draft ranking ballot, and the recommendation made from
/// the passed proposal with its support distribution and a minority report.
pub(super) async fn seed_deliberation(store: &Store, account_ids: &[i64]) -> Result<(), AppError> {
    use store::ballot_box::{self, NewBallot};
    use store::proposals::{self, NewProposal};
    let (organiser, facilitator, member) = (account_ids[1], account_ids[2], account_ids[3]);
    let Some(climate_id) = super::climate_id(store).await? else {
        return Ok(());
    };
    let mut connection = store.connection().await?;
    if !proposals::list(&mut connection, climate_id)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    drop(connection);
    let now = now();
    let mut tx = store.begin().await?;
    // The demo's sessions and tables are seeded after its deliberation, so its proposals name none.
    let draft = |title: &str, body: &str| NewProposal {
        title: title.to_owned(),
        body: body.to_owned(),
        session_id: None,
        table_no: None,
    };
    let renovation = proposals::create(
        &mut tx,
        climate_id,
        member,
        &draft(
            "Make the energy renovation of buildings compulsory",
            "Make the complete energy renovation of buildings compulsory by 2040, with public support for the poorest households.",
        ),
        now,
    )
    .await?;
    let amendment = proposals::propose_amendment(
        &mut tx,
        climate_id,
        renovation,
        facilitator,
        "Make the complete energy renovation of buildings compulsory by 2040, with public support for the poorest households and a one-stop advice service in every département.",
        "People need advice in one place, not only money.",
        now,
    )
    .await?;
    proposals::decide_amendment(
        &mut tx, climate_id, renovation, amendment, true, member, now,
    )
    .await?
    .map_err(|refusal| AppError::Internal(format!("demo amendment: {refusal:?}").into()))?;
    proposals::set_minority_report(
        &mut tx,
        climate_id,
        renovation,
        "A minority of members think 2040 is too early for rural owners with low incomes, and asked for 2045 outside towns.",
        now,
    )
    .await?;
    proposals::create(
        &mut tx,
        climate_id,
        member,
        &draft(
            "Limit speed on motorways to 110 km/h",
            "Lower the speed limit on motorways from 130 km/h to 110 km/h.",
        ),
        now,
    )
    .await?;
    proposals::create(
        &mut tx,
        climate_id,
        member,
        &draft(
            "Add a crime of ecocide to the law",
            "Create a crime of ecocide for serious harm to ecosystems.",
        ),
        now,
    )
    .await?;
    let yes_no = ballot_box::create(
        &mut tx,
        climate_id,
        &NewBallot {
            proposal_id: Some(renovation),
            method: ballots::MethodKind::YesNo,
            wording: "Do you adopt proposal 1: compulsory energy renovation of buildings?"
                .to_owned(),
            wording_otherwise: String::new(),
            options: String::new(),
            pass_rule: Some(ballots::Threshold::simple_majority()),
            max_approvals: None,
            eligible_members: 150,
            opens_after: None,
            held_when: ballots::HeldWhen::Always,
        },
        now,
    )
    .await?;
    let agreement = ballot_box::create(
        &mut tx,
        climate_id,
        &NewBallot {
            proposal_id: Some(renovation),
            method: ballots::MethodKind::Agreement,
            wording: "How far do you agree that compulsory renovation should be submitted to Parliament as adopted?".to_owned(),
            wording_otherwise: "How far do you agree that compulsory renovation should be redrafted?".to_owned(),
            options: String::new(),
            pass_rule: None,
            max_approvals: None,
            eligible_members: 150,
            opens_after: Some(yes_no),
            held_when: ballots::HeldWhen::Always,
        },
        now,
    )
    .await?;
    let stages: [(i64, &str, String); 2] = [
        (
            yes_no,
            "Do you adopt proposal 1: compulsory energy renovation of buildings?",
            demo_sheets(&[("yes", 112), ("no", 27), ("abstain", 6)]),
        ),
        (
            agreement,
            "How far do you agree that compulsory renovation should be submitted to Parliament as adopted?",
            demo_sheets(&[("5", 70), ("4", 52), ("3", 11), ("2", 9), ("1", 3)]),
        ),
    ];
    for (ballot_id, wording, sheets) in stages {
        ballot_box::open(&mut tx, climate_id, ballot_id, wording, now).await?;
        for (entry, clerk) in [(1, facilitator), (2, organiser)] {
            ballot_box::save_paper_entry(&mut tx, ballot_id, entry, clerk, &sheets, now)
                .await?
                .map_err(|refusal| {
                    AppError::Internal(format!("demo paper entry: {refusal:?}").into())
                })?;
        }
        let row = ballot_box::get(&mut tx, climate_id, ballot_id).await?;
        let outcome = app::deliberation::count(&mut tx, &row)
            .await?
            .map_err(|problem| AppError::Internal(format!("demo count: {problem:?}").into()))?;
        let result = ballot_box::ClosingResult {
            text: outcome.to_string(),
            passed: outcome.passed(),
            support_bp: app::deliberation::support_bp(&outcome),
        };
        ballot_box::close(&mut tx, climate_id, ballot_id, &result, now).await?;
    }
    ballot_box::create(
        &mut tx,
        climate_id,
        &NewBallot {
            proposal_id: None,
            method: ballots::MethodKind::Ranking,
            wording: "Rank the three travel measures in order of priority".to_owned(),
            wording_otherwise: String::new(),
            options: "Speed limit of 110 km/h\nBan on short domestic flights\nCheaper rail fares"
                .to_owned(),
            pass_rule: None,
            max_approvals: None,
            eligible_members: 150,
            opens_after: None,
            held_when: ballots::HeldWhen::Always,
        },
        now,
    )
    .await?;
    let support = ballot_box::get(&mut tx, climate_id, agreement).await?;
    let adopted = proposals::get(&mut tx, climate_id, renovation).await?;
    let recommendation = store::recommendations::create(
        &mut tx,
        climate_id,
        &store::recommendations::NewRecommendation {
            reference: "SL1.1".to_owned(),
            title: "Make the energy renovation of buildings compulsory".to_owned(),
            body: adopted.fields.body,
            theme: "Housing".to_owned(),
            route: store::recommendations::Route::Law,
            support_bp: support.support_bp.and_then(|bp| u16::try_from(bp).ok()),
            support_text: support.result_text.clone(),
            minority_report: adopted.minority_report,
            proposal_id: Some(renovation),
        },
        now,
    )
    .await?;
    let after = serde_json::json!({ "assembly_id": climate_id, "proposals": 3, "ballots": [yes_no, agreement], "recommendation": recommendation, "demo": true });
    let entity = format!("assembly:{}", climate_id);
    // The demo's own writes above are recorded as one entry, as the system.
    audited(
        &mut tx,
        &Actor::SYSTEM,
        "deliberation.demo_seed",
        &entity,
        now,
        async |_| Ok(((), Entry::after(after))),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
