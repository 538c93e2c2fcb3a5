//! `GET /assemblies/{assembly_id}`: an assembly's public page, with its timeline, commitments, approved comments,
//! the count of people registered, and the form to comment on the design of the process.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use domain::assembly::CommentStatus;
use serde::Deserialize;

use super::views::AssemblyPage;
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::views::{AssemblyView, Chrome, CommentView, render};

/// Query of the public assembly page.
#[derive(Debug, Deserialize)]
pub struct AssemblyQuery {
    /// Set after a comment was sent, to thank the visitor.
    #[serde(default)]
    pub commented: Option<String>,
    /// The page of the published comments, from 1 (issue 18, item 5).
    #[serde(default)]
    pub page: String,
}

/// What the comment form shows besides the stored page: a thank-you, or the errors and the text as typed.
#[derive(Debug, Default)]
pub(super) struct CommentForm {
    /// Whether to thank the visitor for a comment just sent.
    pub thanks: bool,
    /// What is wrong with the comment, in the visitor's language.
    pub errors: Vec<String>,
    /// The comment as typed.
    pub body: String,
    /// The page of published comments shown, from 0.
    pub page: i64,
}

/// Renders the page of assembly `assembly_id` with `status` and the comment form in state `form`.
pub(super) async fn page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    form: CommentForm,
) -> Result<Response, AppError> {
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let approved = app::page_of!(form.page, app::paging::PAGE_SIZE, |limit, offset| {
        store::comments::comments_page(
            &mut connection,
            assembly_id,
            CommentStatus::Approved,
            limit,
            offset,
        )
        .await?
    });
    let registered = store::recruitment::respondent_count(&mut connection, assembly_id).await?;
    let took_part = app::community::participation(&mut connection, assembly_id).await?;
    drop(connection);
    let t = viewer.lang.t::<crate::i18n::community::CommunityMessages>();
    let mut participation = vec![
        crate::i18n::fill(
            t.panel_members,
            &[("n", &took_part.panel_members.to_string())],
        ),
        crate::i18n::fill(
            t.community_line,
            &[
                ("assemblies", &took_part.community_assemblies.to_string()),
                (
                    "participants",
                    &took_part.community_participants.to_string(),
                ),
            ],
        ),
    ];
    // The public conversation's line, once it has anyone or anything in it.
    if took_part.conversation_participants > 0 || took_part.conversation_statements > 0 {
        participation.push(crate::i18n::fill(
            viewer
                .lang
                .t::<crate::i18n::participation::ParticipationMessages>()
                .conversation_line,
            &[
                (
                    "participants",
                    &took_part.conversation_participants.to_string(),
                ),
                ("votes", &took_part.conversation_votes.to_string()),
                ("statements", &took_part.conversation_statements.to_string()),
            ],
        ));
    }
    let c = Chrome::new(viewer, record.title.clone());
    let a = AssemblyView::new(&record, c.m);
    render(
        status,
        &AssemblyPage {
            c,
            a,
            comments: CommentView::list(&approved.items),
            paging: crate::paging::Paging::links(
                viewer.lang,
                &format!("/assemblies/{assembly_id}?"),
                approved.page,
                app::paging::PAGE_SIZE,
                approved.total,
            ),
            thanks: form.thanks,
            errors: form.errors,
            body: form.body,
            registered,
            took_part_heading: t.took_part_heading,
            participation,
            community_link: t.public_title,
        },
    )
}

/// `GET /assemblies/{assembly_id}`: the public page of an assembly.
pub async fn assembly_page(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    Query(query): Query<AssemblyQuery>,
) -> Result<Response, AppError> {
    let form = CommentForm {
        thanks: query.commented.is_some(),
        page: crate::paging::page_from_field(&query.page),
        ..CommentForm::default()
    };
    page(&state, &viewer, assembly_id, StatusCode::OK, form).await
}
