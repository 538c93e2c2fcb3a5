//! `GET /assemblies/{assembly_id}/conversation/results`: the public results of the conversation, from the latest
//! stored analysis: the opinion map (accessible SVG), each group's representative statements, common ground,
//! participation counts and participation by day. Only statements shown now are printed.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::views::{GroupView, ResultsPage, group_name, map_svg, share_sentence};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::conversation::ConversationMessages;
use crate::i18n::fill;
use crate::views::{Chrome, render};

/// `GET /assemblies/{assembly_id}/conversation/results`: the public results.
pub async fn results(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let results = app::conversation::results(&mut connection, assembly_id).await?;
    drop(connection);
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
    let c = Chrome::new(&viewer, format!("{} · {}", t.results_title, record.title));
    render(
        StatusCode::OK,
        &ResultsPage {
            c,
            t,
            assembly_id,
            assembly_title: record.title,
            prompt: results.conversation.settings.prompt.clone(),
            as_of: results
                .conversation
                .analysed_at
                .map(|at| fill(t.as_of, &[("date", &app::dates::utc_date(at))])),
            counts: (
                results.participation.voters,
                results.participation.votes,
                results.participation.statements,
            ),
            map,
            groups,
            consensus,
            by_day: results
                .by_day
                .iter()
                .map(|&(day, joined, votes)| (app::dates::utc_date(day * 86_400), joined, votes))
                .collect(),
        },
    )
}
