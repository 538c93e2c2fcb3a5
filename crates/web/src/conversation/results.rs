//! `GET /assemblies/{assembly_id}/conversation/results`: the public results of the conversation, from the latest
//! stored analysis: the opinion map (accessible SVG), each group's representative statements, common ground, and
//! the figures computed with it (participation counts and by day, verified participants, each group's
//! demographics). Only statements shown now are printed.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use app::conversation::demographics::GroupDemographics;
use app::conversation::figures::VerifiedFigures;
use domain::conversation::VerificationMode;

use super::views::{
    DemographicsView, GroupView, ResultsPage, VerificationView, group_name, map_svg, share_sentence,
};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::conversation::ConversationMessages;
use crate::i18n::fill;
use crate::i18n::participation::ParticipationMessages;
use crate::views::{Chrome, render};

/// `GET /assemblies/{assembly_id}/conversation/results`: the public results, read from the stored analysis and the
/// figures the background job computed with it (one row and the statements' texts; no scan of the votes).
pub async fn results(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let results = app::conversation::results(&mut connection, assembly_id).await?;
    let mode = store::conversation_verify::mode(&mut connection, assembly_id).await?;
    drop(connection);
    let pt = viewer.lang.t::<ParticipationMessages>();
    let t = viewer.lang.t::<ConversationMessages>();
    let text_of = |id: i64| results.texts.get(&id).cloned();
    let (map, groups, consensus) = match &results.analysis {
        Some(analysis) => {
            let groups = analysis
                .groups
                .iter()
                .map(|group| GroupView {
                    name: group_name(t, group.id),
                    size: fill(t.group_size, &[("n", &group.size.to_string())]),
                    representative: group
                        .representative
                        .iter()
                        .filter_map(|share| {
                            text_of(share.statement).map(|text| (share_sentence(t, share), text))
                        })
                        .collect(),
                })
                .collect();
            let consensus = analysis
                .consensus
                .iter()
                .filter_map(|share| {
                    text_of(share.statement).map(|text| (share_sentence(t, share), text))
                })
                .collect();
            (map_svg(analysis, viewer.lang), groups, consensus)
        }
        None => (None, Vec::new(), Vec::new()),
    };
    let figures = results
        .analysis
        .as_ref()
        .and_then(|analysis| analysis.figures.as_ref());
    let verified_only = results
        .analysis
        .as_ref()
        .is_some_and(|analysis| analysis.verified_only);
    let scope_line = figures.and_then(|figures| {
        if verified_only {
            Some(fill(
                pt.scope_verified_only,
                &[
                    ("verified", &figures.verified.participants.to_string()),
                    ("votes", &figures.verified.votes.to_string()),
                ],
            ))
        } else {
            (mode != VerificationMode::None || figures.verified.participants > 0)
                .then(|| pt.scope_everyone.to_owned())
        }
    });
    let as_of = results.conversation.analysed_at.map(|at| {
        fill(
            pt.figures_as_of,
            &[
                ("date", &app::dates::utc_date(at)),
                (
                    "time",
                    &format!(
                        "{:02}:{:02}",
                        at.rem_euclid(86_400) / 3600,
                        at.rem_euclid(3600) / 60
                    ),
                ),
            ],
        )
    });
    let c = Chrome::new(&viewer, format!("{} · {}", t.results_title, record.title));
    render(
        StatusCode::OK,
        &ResultsPage {
            c,
            t,
            assembly_id,
            assembly_title: record.title,
            prompt: results.conversation.settings.prompt.clone(),
            as_of,
            counts: figures.map(|figures| (figures.voters, figures.votes, figures.statements)),
            map,
            groups,
            consensus,
            by_day: figures
                .map(|figures| {
                    figures
                        .by_day
                        .iter()
                        .map(|&(day, joined, votes)| {
                            (app::dates::utc_date(day * 86_400), joined, votes)
                        })
                        .collect()
                })
                .unwrap_or_default(),
            pt,
            verified_line: figures
                .filter(|figures| {
                    mode != VerificationMode::None || figures.verified.participants > 0
                })
                .map(|figures| verified_sentence(pt, &figures.verified)),
            scope_line,
            demographics: figures
                .map(|figures| {
                    figures
                        .demographics
                        .iter()
                        .map(|group| demographics_view(t, pt, group))
                        .collect()
                })
                .unwrap_or_default(),
        },
    )
}

/// "Confirmed participants: N (V votes). Not confirmed: ...".
fn verified_sentence(pt: &ParticipationMessages, counts: &VerifiedFigures) -> String {
    fill(
        pt.verified_line,
        &[
            ("verified", &counts.participants.to_string()),
            ("votes", &counts.votes.to_string()),
            ("unverified", &counts.unverified.to_string()),
            ("unverified_votes", &counts.unverified_votes.to_string()),
        ],
    )
}

/// One group's demographics in words and tables.
fn demographics_view(
    t: &ConversationMessages,
    pt: &ParticipationMessages,
    group: &GroupDemographics,
) -> DemographicsView {
    let name = match group.group {
        Some(id) => group_name(t, id),
        None => pt.everyone.to_owned(),
    };
    let mut tables = Vec::new();
    let mut too_few = Vec::new();
    for feature in &group.features {
        if feature.rows.is_empty() {
            too_few.push(fill(pt.too_few, &[("feature", &feature.feature)]));
            continue;
        }
        let caption = fill(
            pt.feature_caption,
            &[
                ("feature", &feature.feature),
                ("n", &feature.answered.to_string()),
            ],
        );
        let rows = feature
            .rows
            .iter()
            .map(|row| {
                (
                    row.value.clone(),
                    row.count,
                    row.percent,
                    row.population_percent,
                )
            })
            .collect();
        tables.push((caption, rows));
    }
    DemographicsView {
        name,
        tables,
        too_few,
    }
}

/// The organisers' verification section: the mode, the invitation codes and the counts.
pub(super) async fn verification_view(
    conn: &mut store::AnyConnection,
    viewer: &Viewer,
    assembly_id: i64,
) -> Result<VerificationView, AppError> {
    let pt = viewer.lang.t::<ParticipationMessages>();
    let mode = store::conversation_verify::mode(conn, assembly_id).await?;
    let verified_only = store::conversation_verify::verified_only(conn, assembly_id).await?;
    let counts = store::conversation_verify::verified_counts(conn, assembly_id).await?;
    let (issued, used) = store::conversation_verify::invitation_counts(conn, assembly_id).await?;
    Ok(VerificationView {
        t: pt,
        modes: super::profile::mode_choices(pt, mode),
        invitations: mode == VerificationMode::Invitation,
        invitation_counts: fill(
            pt.invitations_counts,
            &[("issued", &issued.to_string()), ("used", &used.to_string())],
        ),
        verified_line: verified_sentence(
            pt,
            &VerifiedFigures {
                participants: counts.participants,
                unverified: counts.unverified,
                votes: counts.votes,
                unverified_votes: counts.unverified_votes,
            },
        ),
        verified_only,
    })
}
