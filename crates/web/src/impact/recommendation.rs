//! The page of one recommendation (`/staff/assemblies/{id}/impact/recommendations/{rid}`): the recommended and
//! enacted texts side by side, the response, milestones, fidelity, the change strategy, material and members'
//! actions, with the forms each role may use. The handlers that post to it re-render it through [`refused`].

use app::impact::RecommendationPage;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use domain::impact::{
    ActorRole, AllyKind, Arena, Instrument, JudgedBy, MaterialKind, Reply, TacticKind,
    TacticStatus, Verdict, Visibility,
};
use domain::permission::{Action, allowed};

use super::forms::{STANCE_CODES, Worded, describe};
use super::power_map::power_map_svg;
use super::views::{
    DetailForms, DetailPage, Item, choices, code_choices, stance_label, timeliness_index,
};
use super::{SavedQuery, today};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::AppError;
use crate::form::Invalid;
use crate::i18n::impact::ImpactMessages;
use crate::i18n::impact_edits::ImpactEditMessages;
use crate::views::{Chrome, render};

/// `GET /staff/assemblies/{id}/impact/recommendations/{rid}`.
pub async fn detail(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, recommendation_id)): Path<(i64, i64)>,
    Query(query): Query<SavedQuery>,
) -> Result<Response, AppError> {
    let shown = Shown {
        status: StatusCode::OK,
        saved: query.saved.is_some(),
        errors: Vec::new(),
        failed: "",
        failed_record: 0,
        f: DetailForms::default(),
    };
    detail_page(&state, &viewer, (assembly_id, recommendation_id), shown).await
}

/// Back to the page after a change, at the section that changed.
pub fn saved_detail(assembly_id: i64, recommendation_id: i64, anchor: &str) -> Response {
    Redirect::to(&format!(
        "/staff/assemblies/{assembly_id}/impact/recommendations/{recommendation_id}?saved=1#{anchor}"
    ))
    .into_response()
}

/// The page again with the errors of the form `failed` (422) and what was typed in it.
pub async fn refused(
    state: &AppState,
    viewer: &Viewer,
    ids: (i64, i64),
    errors: Vec<String>,
    failed: &'static str,
    f: DetailForms,
) -> Result<Response, AppError> {
    let shown = Shown {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        saved: false,
        errors,
        failed,
        failed_record: 0,
        f,
    };
    detail_page(state, viewer, ids, shown).await
}

/// The page again after `invalid` failed to validate: its errors worded, its fields put back by `place`.
pub async fn invalid_form<F: Worded>(
    state: &AppState,
    viewer: &Viewer,
    ids: (i64, i64),
    invalid: Invalid<F>,
    failed: &'static str,
    place: fn(F) -> DetailForms,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let errors = describe::<F>(t, &invalid.errors);
    refused(state, viewer, ids, errors, failed, place(invalid.fields)).await
}

/// How the page is shown: after a visit, a saved change or a refused form.
pub(super) struct Shown {
    /// The status of the answer.
    pub status: StatusCode,
    /// Whether a change was just saved.
    pub saved: bool,
    /// The errors of the form that failed.
    pub errors: Vec<String>,
    /// Which form failed (its anchor's name).
    pub failed: &'static str,
    /// The milestone or tactic whose form failed (0 if none).
    pub failed_record: i64,
    /// The forms as typed.
    pub f: DetailForms,
}

pub(super) async fn detail_page(
    state: &AppState,
    viewer: &Viewer,
    (assembly_id, recommendation_id): (i64, i64),
    shown: Shown,
) -> Result<Response, AppError> {
    let t = viewer.lang.t::<ImpactMessages>();
    let mut connection = state.store.connection().await?;
    let page = app::impact::recommendation(
        &mut connection,
        &viewer.actor(),
        assembly_id,
        recommendation_id,
        today(),
    )
    .await?;
    drop(connection);
    let texts = Texts::of(&page, t);
    let item = page.item();
    let fields = &item.recommendation.fields;
    let mut f = shown.f;
    let e = viewer.lang.t::<ImpactEditMessages>();
    let (milestones, tactics) = super::edits::editable(
        &page,
        texts.milestones,
        texts.tactics,
        t,
        &mut f,
        shown.failed,
        shown.failed_record,
    );
    let history = super::edits::history_items(&page, t, e, viewer);
    // The response and judgement forms edit the current ones, unless they come back as typed.
    let typed_response = [
        &f.response.kind,
        &f.response.justification,
        &f.response.source_url,
        &f.response.responded_on,
    ];
    if typed_response.iter().all(|field| field.is_empty())
        && let Some(response) = &item.response
    {
        f.response = super::edits::response_form(response);
    }
    let typed_judgement = [
        &f.fidelity.fidelity,
        &f.fidelity.reasons,
        &f.fidelity.enacted_text,
        &f.fidelity.judged_on,
    ];
    if typed_judgement.iter().all(|field| field.is_empty())
        && let Some(judgement) = &item.fidelity
    {
        f.fidelity = super::edits::fidelity_form(judgement);
    }
    let stance = if f.actor.stance.is_empty() {
        "0".to_owned()
    } else {
        f.actor.stance.clone()
    };
    let detail = DetailPage {
        c: Chrome::new(viewer, format!("{} {}", fields.reference, fields.title)),
        t,
        assembly_id,
        id: recommendation_id,
        assembly_title: page.tracking.record.title.clone(),
        reference: fields.reference.clone(),
        title: fields.title.clone(),
        facts: texts.facts,
        overdue: page.row().status == ::impact::Timeliness::Overdue,
        body: fields.body.clone(),
        enacted: item
            .fidelity
            .as_ref()
            .map(|j| j.enacted_text.clone())
            .unwrap_or_default(),
        response: texts.response,
        justification: item
            .response
            .as_ref()
            .map(|r| r.justification.clone())
            .unwrap_or_default(),
        milestones,
        fidelity: texts.fidelity,
        tactics,
        allies: texts.allies,
        actors: texts.actors,
        power_svg: texts.power_svg,
        material: texts.material,
        actions: texts.actions,
        can_respond: allowed(viewer.role, Action::RespondToRecommendations),
        can_judge: allowed(viewer.role, Action::JudgeFidelity),
        can_view_strategy: allowed(viewer.role, Action::ViewStrategy),
        can_plan: allowed(viewer.role, Action::PlanStrategy),
        can_manage: allowed(viewer.role, Action::ManageImpact),
        can_advocate: allowed(viewer.role, Action::Advocate),
        saved: shown.saved,
        errors: shown.errors,
        failed: shown.failed,
        failed_record: shown.failed_record,
        e,
        response_version: item.response_version.unwrap_or(0),
        fidelity_version: item.fidelity_version.unwrap_or(0),
        history,
        response_kinds: code_choices(Reply::ALL, Reply::as_str, &t.responses, &f.response.kind),
        milestone_kinds: code_choices(
            Instrument::ALL,
            Instrument::as_str,
            &t.milestone_kinds,
            &f.milestone.kind,
        ),
        fidelities: code_choices(
            Verdict::ALL,
            Verdict::as_str,
            &t.fidelities,
            &f.fidelity.fidelity,
        ),
        arenas: code_choices(Arena::ALL, Arena::as_str, &t.arenas, &f.tactic.arena),
        tactic_kinds: code_choices(
            TacticKind::ALL,
            TacticKind::as_str,
            &t.tactic_kinds,
            &f.tactic.kind,
        ),
        tactic_statuses: code_choices(
            TacticStatus::ALL,
            TacticStatus::as_str,
            &t.tactic_statuses,
            &f.tactic.status,
        ),
        ally_kinds: code_choices(AllyKind::ALL, AllyKind::as_str, &t.ally_kinds, &f.ally.kind),
        actor_roles: code_choices(
            ActorRole::ALL,
            ActorRole::as_str,
            &t.actor_roles,
            &f.actor.actor_role,
        ),
        visibilities: code_choices(
            Visibility::ALL,
            Visibility::as_str,
            &t.visibilities,
            &f.actor.visibility,
        ),
        stances: choices(&STANCE_CODES, &t.stances, &stance),
        material_kinds: code_choices(
            MaterialKind::ALL,
            MaterialKind::as_str,
            &t.material_kinds,
            &f.material.kind,
        ),
        f,
    };
    render(shown.status, &detail)
}

/// What the page says of the recommendation and its follow-up, in the visitor's language.
struct Texts {
    facts: String,
    response: Option<Item>,
    milestones: Vec<Item>,
    fidelity: Option<Item>,
    tactics: Vec<Item>,
    allies: Vec<Item>,
    actors: Vec<Item>,
    power_svg: String,
    material: Vec<Item>,
    actions: Vec<Item>,
}

impl Texts {
    fn of(page: &RecommendationPage, t: &'static ImpactMessages) -> Texts {
        let item = page.item();
        let row = page.row();
        let strategy = &page.strategy;
        let support = match item.recommendation.fields.support_bp {
            Some(_) => row.support.to_string(),
            None => "–".to_owned(),
        };
        let facts = format!(
            "{}: {} · {}: {} · {}: {}{}",
            t.theme_col,
            item.recommendation.fields.theme,
            t.support_col,
            support,
            t.status_col,
            t.timeliness[timeliness_index(row.status)],
            page.tracking
                .due
                .map(|d| format!(" · {}: {d}", t.due_col))
                .unwrap_or_default(),
        );
        let plain = |text: String, meta: String| Item {
            text,
            meta,
            link: String::new(),
        };
        Texts {
            facts,
            response: item.response.as_ref().map(|r| Item {
                text: t.responses[r.kind.index()].to_owned(),
                meta: format!(
                    "{} {} · {}",
                    t.responded_on,
                    r.responded_on,
                    if r.on_behalf {
                        t.on_behalf
                    } else {
                        t.by_authority
                    }
                ),
                link: r.source_url.clone(),
            }),
            milestones: item
                .milestones
                .iter()
                .map(|m| Item {
                    text: m.description.clone(),
                    meta: format!("{} · {}", m.happened_on, t.milestone_kinds[m.kind.index()]),
                    link: m.evidence_url.clone(),
                })
                .collect(),
            fidelity: item.fidelity.as_ref().map(|j| {
                let judges = match j.judge {
                    JudgedBy::Members => t.judges[1],
                    JudgedBy::OversightGroup => t.judges[0],
                };
                plain(
                    format!("{} — {}", t.fidelities[j.fidelity.index()], j.reasons),
                    format!("{} {} · {}", t.judged_by, judges, j.judged_on),
                )
            }),
            tactics: strategy
                .tactics
                .iter()
                .map(|x| {
                    let outcome = if x.outcome.is_empty() {
                        String::new()
                    } else {
                        format!(" · {}: {}", t.outcome_label, x.outcome)
                    };
                    let meta = format!(
                        "{} · {} · {} · {}: {}{outcome}",
                        t.arenas[x.arena.index()],
                        t.tactic_kinds[x.kind.index()],
                        t.tactic_statuses[x.status.index()],
                        t.lead_label,
                        x.lead,
                    );
                    plain(x.description.clone(), meta)
                })
                .collect(),
            allies: strategy
                .allies
                .iter()
                .map(|a| {
                    let meta = format!("{} · {}", t.ally_kinds[a.kind.index()], a.note);
                    plain(a.name.clone(), meta)
                })
                .collect(),
            actors: strategy
                .actors
                .iter()
                .map(|a| {
                    let meta = format!(
                        "{} · {} · {}: {} · {}: {}",
                        t.actor_roles[a.actor_role.index()],
                        t.visibilities[a.visibility.index()],
                        t.stance_label,
                        stance_label(t, a.stance),
                        t.influence_label,
                        a.influence
                    );
                    plain(a.name.clone(), meta)
                })
                .collect(),
            power_svg: if strategy.actors.is_empty() {
                String::new()
            } else {
                power_map_svg(&strategy.actors, t)
            },
            material: page
                .material
                .iter()
                .map(|m| Item {
                    text: m.body.clone(),
                    meta: t.material_kinds[m.kind.index()].to_owned(),
                    link: m.link.clone(),
                })
                .collect(),
            actions: page
                .actions
                .iter()
                .map(|a| {
                    plain(
                        a.description.clone(),
                        format!("{} · {}", a.happened_on, a.display_name),
                    )
                })
                .collect(),
        }
    }
}
