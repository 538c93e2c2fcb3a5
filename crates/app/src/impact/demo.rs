//! The demo's impact data: the demo Citizens' Convention for Climate gets 149 recommendations in its five themes,
//! the authority's responses, implementation milestones and fidelity judgements, shaped like the real outcome (about
//! one in ten fully taken up; recommendations already adopted on the platform count among the 149). The per-measure
//! data are made up, so the assembly is marked illustrative and its public pages say so. Generation is
//! deterministic: recommendation `i` gets its fate from `(i * 67) mod 149`, a permutation of 0..149, cut into fixed
//! bands (see [`fate`]).

use domain::impact::{Instrument, JudgedBy, Reply, Verdict};
use serde_json::json;
use store::impact::{FidelityRow, MilestoneRow, ResponseRow, Settings};
use store::recommendations::{NewRecommendation, Route};

use super::assembly_entity;
use crate::audit::{Entry, audited};
use crate::{Actor, Result};

/// The five themes of the convention with their reference prefix and number of recommendations (149 in all).
pub const THEMES: [(&str, &str, usize); 5] = [
    ("se déplacer", "SD", 45),
    ("consommer", "SC", 14),
    ("se loger", "SL", 20),
    ("produire et travailler", "PT", 39),
    ("se nourrir", "SN", 31),
];

const STEMS: [&[&str]; 5] = [
    &[
        "Lower the speed limit on motorways to 110 km/h",
        "Develop car-sharing and car-pooling",
        "Ban the most polluting new cars",
        "Invest in rail freight",
        "Make cycling safe in every town",
        "End domestic flights where a train takes under four hours",
        "Tax the most emitting air travel",
        "Help households swap old cars for clean ones",
    ],
    &[
        "Ban advertising for the most emitting products",
        "Show the carbon footprint on products",
        "Extend the legal guarantee of products",
        "Cut packaging and single-use plastics",
        "Teach climate in every school",
    ],
    &[
        "Make the full renovation of buildings compulsory by 2040",
        "Ban renting out thermal sieves",
        "Fund renovation for low-income households",
        "Stop building on natural and farm land",
        "Train builders in low-carbon renovation",
    ],
    &[
        "Require a carbon plan from large companies",
        "Tie public support for companies to their emissions",
        "Develop renewable energy with local citizens",
        "Make repair and reuse the rule",
        "Put climate criteria in public procurement",
        "Train workers for the low-carbon transition",
    ],
    &[
        "Halve the use of chemical fertilisers",
        "Serve a vegetarian option in public canteens",
        "Support organic and agro-ecological farming",
        "Protect hedges and wetlands",
        "Regulate fishing to protect stocks",
        "Label the origin and carbon cost of food",
    ],
];

/// What became of the recommendation with permuted index `p` (0..149): the reply and the fidelity verdict. Bands:
/// 0..15 accepted in full and enacted in full (the 15 fully taken up); 15..38 accepted in full but diluted; 38..88
/// accepted with modifications; 88..128 accepted in part; 128..134 rejected; 134..149 no response (overdue).
pub fn fate(p: usize) -> (Option<Reply>, Option<Verdict>) {
    let response = match p {
        0..=37 => Some(Reply::Full),
        38..=87 => Some(Reply::Modified),
        88..=127 => Some(Reply::Part),
        128..=133 => Some(Reply::Rejected),
        _ => None,
    };
    let fidelity = match p {
        0..=14 => Some(Verdict::Full),
        15..=62 => Some(Verdict::Diluted),
        63..=74 => Some(Verdict::Different),
        75..=79 => Some(Verdict::None),
        80..=87 => None,
        88..=102 => Some(Verdict::Diluted),
        103..=110 => Some(Verdict::Different),
        111..=120 => Some(Verdict::None),
        121..=127 => None,
        128..=133 => Some(Verdict::None),
        _ => None,
    };
    (response, fidelity)
}

/// Seeds the climate convention's impact data once (assembly `climate_id`, which the demo seeding found by its
/// marker, not by its title), as the system (skipped when its deadline is already set), and gives the demo
/// authority account its role there; returns whether it seeded.
/// One audit entry, `impact.demo`, covers the whole seed.
pub async fn seed_demo(
    tx: &mut store::Tx,
    climate_id: i64,
    authority_account_id: i64,
    now: i64,
) -> Result<bool> {
    if store::impact::settings(&mut *tx, climate_id)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let entity = assembly_entity(climate_id);
    let seeded = audited(
        tx,
        &Actor::SYSTEM,
        "impact.demo",
        &entity,
        now,
        async |tx| {
            let count = write_demo(tx, climate_id, authority_account_id, now).await?;
            Ok((
                true,
                Entry::after(
                    json!({ "assembly_id": climate_id, "recommendations": count, "demo": true }),
                ),
            ))
        },
    )
    .await?;
    // The convention reported years ago: its final report is published, as a real one would be by now.
    crate::publication::publish_report(tx, &Actor::SYSTEM, climate_id, now).await?;
    Ok(seeded)
}

/// The writes of [`seed_demo`]; returns how many recommendations the assembly has.
async fn write_demo(
    tx: &mut store::Tx,
    assembly_id: i64,
    authority_account_id: i64,
    now: i64,
) -> Result<usize> {
    store::accounts::set_role(
        &mut *tx,
        assembly_id,
        authority_account_id,
        domain::permission::Role::Authority,
    )
    .await?;
    store::impact::set_settings(
        &mut *tx,
        assembly_id,
        &Settings {
            final_report_on: "2020-06-21".to_owned(),
            response_weeks: 12,
            illustrative: true,
        },
        now,
    )
    .await?;
    // Recommendations already made on the platform (the demo deliberation adopts one) count among the 149: as many
    // generated ones are left out, and the fates below go to the whole list in order.
    let mut ids: Vec<i64> = store::recommendations::list(&mut *tx, assembly_id)
        .await?
        .into_iter()
        .map(|row| row.id)
        .take(149)
        .collect();
    let skip = ids.len();
    let mut index = 0usize;
    for (theme_index, (theme, prefix, count)) in THEMES.iter().enumerate() {
        let stems = STEMS[theme_index];
        for n in 0..*count {
            index += 1;
            if index <= skip {
                continue;
            }
            let stem = stems[n % stems.len()];
            let title = if n < stems.len() {
                stem.to_owned()
            } else {
                format!("{stem} (measure {})", n / stems.len() + 1)
            };
            // Support between 51% and 99.5%, spread deterministically.
            let support_bp = 5_100 + ((index * 3_571) % 4_851) as u16;
            let new = NewRecommendation {
                reference: format!("{prefix}-{:02}", n + 1),
                title,
                body: format!(
                    "{stem}. (Illustrative text: the demonstration stands in for measure {} of the convention's theme \"{theme}\".)",
                    n + 1
                ),
                theme: (*theme).to_owned(),
                route: if index.is_multiple_of(5) {
                    Route::Regulation
                } else {
                    Route::Law
                },
                support_bp: Some(support_bp),
                support_text: String::new(),
                minority_report: String::new(),
                proposal_id: None,
            };
            ids.push(store::recommendations::create(&mut *tx, assembly_id, &new, now).await?);
        }
    }
    for (index, id) in ids.iter().copied().enumerate() {
        let p = (index * 67) % 149;
        let (response, fidelity) = fate(p);
        if let Some(kind) = response {
            let late = p % 7 == 3;
            store::impact::set_response(
                &mut *tx,
                assembly_id,
                id,
                &ResponseRow {
                    kind,
                    justification: if kind == Reply::Full {
                        String::new()
                    } else {
                        "The government keeps the aim but changes the means (illustrative)."
                            .to_owned()
                    },
                    source_url: "https://www.ecologie.gouv.fr/convention-citoyenne-pour-climat"
                        .to_owned(),
                    responded_on: if late { "2021-02-10" } else { "2020-06-29" }.to_owned(),
                    recorded_by: None,
                    on_behalf: true,
                },
                now,
            )
            .await?;
        }
        if let Some(fidelity) = fidelity {
            store::impact::add_milestone(
                &mut *tx,
                assembly_id,
                id,
                &MilestoneRow {
                    happened_on: "2021-08-22".to_owned(),
                    kind: Instrument::Bill,
                    description: "Climate and Resilience Act promulgated".to_owned(),
                    evidence_url: "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000043956924"
                        .to_owned(),
                },
                None,
                now,
            )
            .await?;
            store::impact::set_fidelity(
                &mut *tx,
                assembly_id,
                id,
                &FidelityRow {
                    fidelity,
                    judge: if index % 2 == 0 {
                        JudgedBy::OversightGroup
                    } else {
                        JudgedBy::Members
                    },
                    reasons: match fidelity {
                        Verdict::Full => "Enacted as recommended (illustrative).",
                        Verdict::Diluted => {
                            "Enacted with a later date and exemptions (illustrative)."
                        }
                        Verdict::Different => {
                            "A different measure was enacted under its name (illustrative)."
                        }
                        Verdict::None => "Nothing was enacted (illustrative).",
                    }
                    .to_owned(),
                    enacted_text: String::new(),
                    judged_on: "2021-08-24".to_owned(),
                },
                None,
                now,
            )
            .await?;
        }
    }
    Ok(ids.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_has_149_recommendations_and_15_fully_taken_up() {
        assert_eq!(THEMES.iter().map(|(_, _, n)| n).sum::<usize>(), 149);
        let fates: Vec<_> = (0..149).map(|i| fate((i * 67) % 149)).collect();
        let full_full = fates
            .iter()
            .filter(|(r, f)| *r == Some(Reply::Full) && *f == Some(Verdict::Full))
            .count();
        assert_eq!(full_full, 15);
        assert_eq!(fates.iter().filter(|(r, _)| r.is_none()).count(), 15);
        // A fidelity "full" only ever follows an acceptance in full.
        assert!(
            fates
                .iter()
                .all(|(r, f)| *f != Some(Verdict::Full) || *r == Some(Reply::Full))
        );
        // The permutation visits every band.
        let mut seen: Vec<usize> = (0..149).map(|i| (i * 67) % 149).collect();
        seen.sort_unstable();
        assert_eq!(seen, (0..149).collect::<Vec<_>>());
    }
}
