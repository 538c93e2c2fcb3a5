//! Quotas and selection runs (issue 4): the quota editor with population shares and a live feasibility check,
//! selection runs as jobs off the request path (progress page, cancel button), and the public verifiability page.
//!
//! A run works on an anonymised copy of the pool: every person gets a random public id and only their feature values
//! go into `pool.csv`; the quotas go into `features.csv`. The engine reads these texts exactly as `klero verify`
//! reads the published files, so the commitment shown before the draw and the panel published after it can be
//! checked by anyone with `klero verify --people pool.csv --features features.csv --panel-size K --seed S
//! --selected selected.csv`.
//!
//! A *test* run changes no one's status. A *final* run is first committed (its inputs frozen and published with the
//! engine's commitment and the announced seed source), then drawn with the seed; it marks the selected respondents
//! `selected`. The database allows one running run per assembly (see `store::selection`).

use std::collections::{BTreeMap, HashSet};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use domain::error::{Problem, ValidationError};
use recruitment::quotas::{FeatureShares, Tolerance, ValueShare, propose_quotas};
use selection::model::{Instance, parse_already_selected, parse_features, parse_people};
use selection::{Algorithm, SelectionError, Settings};
use serde::Deserialize;
use store::selection::{NewRun, QuotaRow, RunEnd, RunPerson, RunRow, SettingsRow};

use crate::auth::Viewer;
use crate::error::AppError;
use crate::i18n::Messages;
use crate::views::{Chrome, render, utc_minute};
use crate::{AppState, now};

/// The statuses of respondents who are in the pool of a selection.
pub const POOL_STATUSES: [&str; 2] = ["registered", "eligible"];
/// The feature whose value comes from the invitation (the household's area), not from a question.
pub const AREA_FEATURE: &str = "area";
/// A running run whose heartbeat is older than this is taken for interrupted (its server stopped).
pub const STALE_SECONDS: i64 = 60;
/// At startup no run of this server is alive: runs with a heartbeat older than this are failed.
pub const STARTUP_STALE_SECONDS: i64 = 10;
/// The most features (questions) and values an editor may define.
pub const MAX_QUOTA_LINES: usize = 200;
/// The column of the published pool holding a random key per household (the same for the people registered with
/// one invitation, never the code or the address), so that anyone verifying can check one person per household.
pub const HOUSEHOLD_COLUMN: &str = "household_key";

// ---------------------------------------------------------------------------------------------
// Features and quotas.

/// A feature with its values, in the organisers' order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureDef {
    /// The feature (`age_band`).
    pub name: String,
    /// Its values.
    pub values: Vec<String>,
}

/// Groups quota rows into features, keeping the first-seen order.
pub fn features_of(quotas: &[QuotaRow]) -> Vec<FeatureDef> {
    let mut features: Vec<FeatureDef> = Vec::new();
    for quota in quotas {
        match features.iter_mut().find(|f| f.name == quota.feature) {
            Some(feature) => feature.values.push(quota.value.clone()),
            None => features.push(FeatureDef {
                name: quota.feature.clone(),
                values: vec![quota.value.clone()],
            }),
        }
    }
    features
}

/// The questions of the registration form of an assembly: its features except the area (taken from the invitation).
pub async fn registration_questions(
    state: &AppState,
    assembly_id: i64,
) -> Result<Vec<FeatureDef>, AppError> {
    let mut connection = state.store.connection().await?;
    let quotas = store::selection::quotas(&mut connection, assembly_id).await?;
    Ok(features_of(&quotas)
        .into_iter()
        .filter(|f| f.name != AREA_FEATURE)
        .collect())
}

/// One line of the quota editor: `feature,value,share[,min,max]`.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaLine {
    /// The feature.
    pub feature: String,
    /// The value.
    pub value: String,
    /// The share in parts per million.
    pub share_ppm: i64,
    /// The minimum, if given.
    pub min: Option<i64>,
    /// The maximum, if given.
    pub max: Option<i64>,
}

fn line_error(m: &Messages, line: usize, column: usize, problem: &str) -> String {
    m.s.err_line
        .replace("{line}", &line.to_string())
        .replace("{column}", &column.to_string())
        .replace("{problem}", problem)
}

/// Parses the quota editor's text; errors name the line and column.
pub fn parse_quota_text(m: &Messages, text: &str) -> Result<Vec<QuotaLine>, Vec<String>> {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
            continue;
        }
        let cells: Vec<String> = match csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(raw.as_bytes())
            .records()
            .next()
        {
            Some(Ok(record)) => record.iter().map(|cell| cell.trim().to_owned()).collect(),
            _ => {
                errors.push(line_error(m, number, 1, m.s.err_csv));
                continue;
            }
        };
        if cells
            .first()
            .is_some_and(|c| c.eq_ignore_ascii_case("feature"))
        {
            continue;
        }
        if cells.len() != 3 && cells.len() != 5 {
            errors.push(line_error(m, number, 1, m.s.err_cells));
            continue;
        }
        let mut ok = true;
        for (column, cell) in cells.iter().enumerate().take(2) {
            if cell.is_empty() || cell.chars().count() > 60 {
                errors.push(line_error(m, number, column + 1, m.s.err_name));
                ok = false;
            }
        }
        let share = cells[2]
            .trim_end_matches('%')
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && (0.0..=100.0).contains(s));
        if share.is_none() {
            errors.push(line_error(m, number, 3, m.s.err_share));
            ok = false;
        }
        let mut bound = |column: usize| -> Option<i64> {
            let cell = cells.get(column)?;
            if cell.is_empty() {
                return None;
            }
            match cell.parse::<i64>() {
                Ok(value) if (0..=100_000).contains(&value) => Some(value),
                _ => {
                    errors.push(line_error(m, number, column + 1, m.s.err_count));
                    ok = false;
                    None
                }
            }
        };
        let (min, max) = (bound(3), bound(4));
        if let (Some(min), Some(max)) = (min, max)
            && min > max
        {
            errors.push(line_error(m, number, 4, m.s.err_min_max));
            ok = false;
        }
        if ok && !seen.insert((cells[0].clone(), cells[1].clone())) {
            errors.push(line_error(m, number, 2, m.s.err_duplicate));
            ok = false;
        }
        if ok {
            lines.push(QuotaLine {
                feature: cells[0].clone(),
                value: cells[1].clone(),
                share_ppm: (share.unwrap_or(0.0) * 10_000.0).round() as i64,
                min,
                max,
            });
        }
    }
    if lines.len() > MAX_QUOTA_LINES {
        errors.push(m.describe(&ValidationError::new(
            "quotas",
            Problem::TooMany {
                max: MAX_QUOTA_LINES,
            },
        )));
    }
    if lines.is_empty() && errors.is_empty() {
        errors.push(m.describe(&ValidationError::new("quotas", Problem::Required)));
    }
    if errors.is_empty() {
        Ok(lines)
    } else {
        Err(errors)
    }
}

/// Fills min and max from the population shares for the panel size (the `recruitment` crate's proposal).
pub fn propose(
    m: &Messages,
    lines: &mut [QuotaLine],
    panel_size: u32,
    overwrite: bool,
) -> Result<(), String> {
    let defs = features_of(
        &lines
            .iter()
            .map(|l| QuotaRow {
                feature: l.feature.clone(),
                value: l.value.clone(),
                share_ppm: l.share_ppm,
                min_seats: 0,
                max_seats: 0,
            })
            .collect::<Vec<_>>(),
    );
    let shares: Vec<FeatureShares> = defs
        .iter()
        .map(|def| FeatureShares {
            feature: def.name.clone(),
            values: def
                .values
                .iter()
                .map(|value| {
                    let line = lines
                        .iter()
                        .find(|l| l.feature == def.name && &l.value == value)
                        .expect("grouped from lines");
                    ValueShare {
                        value: value.clone(),
                        share: line.share_ppm as f64 / 1_000_000.0,
                    }
                })
                .collect(),
        })
        .collect();
    let proposal = propose_quotas(&shares, panel_size, Tolerance::default())
        .map_err(|error| format!("{}: {error}", m.s.err_propose))?;
    for quota in proposal.quotas() {
        if let Some(line) = lines
            .iter_mut()
            .find(|l| l.feature == quota.feature && l.value == quota.value)
        {
            if overwrite || line.min.is_none() {
                line.min = Some(i64::from(quota.min));
            }
            if overwrite || line.max.is_none() {
                line.max = Some(i64::from(quota.max));
            }
        }
    }
    Ok(())
}

fn share_text(share_ppm: i64) -> String {
    let text = format!("{:.4}", share_ppm as f64 / 10_000.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

fn quota_text(lines: &[QuotaLine]) -> String {
    let mut text = csv_line(&["feature", "value", "share", "min", "max"]);
    for line in lines {
        let bound = |b: Option<i64>| b.map(|b| b.to_string()).unwrap_or_default();
        text.push_str(&csv_line(&[
            &line.feature,
            &line.value,
            &share_text(line.share_ppm),
            &bound(line.min),
            &bound(line.max),
        ]));
    }
    text
}

fn rows_text(quotas: &[QuotaRow]) -> String {
    quota_text(
        &quotas
            .iter()
            .map(|q| QuotaLine {
                feature: q.feature.clone(),
                value: q.value.clone(),
                share_ppm: q.share_ppm,
                min: Some(q.min_seats),
                max: Some(q.max_seats),
            })
            .collect::<Vec<_>>(),
    )
}

// ---------------------------------------------------------------------------------------------
// The anonymised pool.

pub(crate) fn csv_line(cells: &[&str]) -> String {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let _ = writer.write_record(cells);
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The `features.csv` text of quotas, as `klero verify` reads it.
pub fn features_csv(quotas: &[QuotaRow]) -> String {
    let mut text = csv_line(&["feature", "value", "min", "max"]);
    for quota in quotas {
        text.push_str(&csv_line(&[
            &quota.feature,
            &quota.value,
            &quota.min_seats.to_string(),
            &quota.max_seats.to_string(),
        ]));
    }
    text
}

/// An anonymised pool: the published text, the people behind the public ids, and how many were left out.
#[derive(Debug, Clone)]
pub struct Pool {
    /// `id` plus one column per feature; rows in public-id order.
    pub pool_csv: String,
    /// The people, in the order of the rows.
    pub people: Vec<RunPerson>,
    /// Respondents of the pool statuses without a valid answer for every feature (not in the pool).
    pub left_out: usize,
}

/// A fresh random public id.
fn public_id() -> Result<String, AppError> {
    Ok(format!("P{}", &crate::security::random_token(6)?[..10]))
}

/// Builds the anonymised pool of `members` for `features`: a random public id and feature values only.
pub fn build_pool(
    features: &[FeatureDef],
    members: &[store::selection::PoolMember],
    already: &HashSet<i64>,
) -> Result<Pool, AppError> {
    let mut rows: Vec<(String, i64, Vec<String>)> = Vec::new();
    let mut left_out = 0;
    let mut ids = HashSet::new();
    let mut households: BTreeMap<i64, String> = BTreeMap::new();
    let mut keys = HashSet::new();
    let mut fresh_key = || -> Result<String, AppError> {
        loop {
            let key = format!("H{}", &crate::security::random_token(6)?[..10]);
            if keys.insert(key.clone()) {
                return Ok(key);
            }
        }
    };
    for member in members {
        let answers: serde_json::Value =
            serde_json::from_str(&member.features_json).unwrap_or(serde_json::Value::Null);
        let values: Option<Vec<String>> = features
            .iter()
            .map(|feature| {
                answers
                    .get(&feature.name)
                    .and_then(|v| v.as_str())
                    .filter(|v| feature.values.iter().any(|x| x == v))
                    .map(str::to_owned)
            })
            .collect();
        let Some(values) = values else {
            left_out += 1;
            continue;
        };
        let mut values = values;
        let household = match member.household {
            Some(invitation) => match households.get(&invitation) {
                Some(key) => key.clone(),
                None => {
                    let key = fresh_key()?;
                    households.insert(invitation, key.clone());
                    key
                }
            },
            None => fresh_key()?,
        };
        values.push(household);
        let mut id = public_id()?;
        while !ids.insert(id.clone()) {
            id = public_id()?;
        }
        rows.push((id, member.respondent_id, values));
    }
    rows.sort();
    let mut header = vec!["id"];
    header.extend(features.iter().map(|f| f.name.as_str()));
    header.push(HOUSEHOLD_COLUMN);
    let mut pool_csv = csv_line(&header);
    let mut people = Vec::new();
    for (position, (id, respondent_id, values)) in rows.into_iter().enumerate() {
        let mut cells = vec![id.as_str()];
        cells.extend(values.iter().map(String::as_str));
        pool_csv.push_str(&csv_line(&cells));
        people.push(RunPerson {
            public_id: id,
            respondent_id,
            position: position as i64,
            selected: false,
            already: already.contains(&respondent_id),
        });
    }
    Ok(Pool {
        pool_csv,
        people,
        left_out,
    })
}

/// The engine's instance from the published texts, read exactly as `klero verify` reads the files.
pub fn instance_of(
    pool_csv: &str,
    features_csv: &str,
    already_csv: &str,
    panel_size: usize,
) -> Result<Instance, SelectionError> {
    let features = parse_features("features.csv", features_csv, panel_size)?;
    let table = parse_people(
        "pool.csv",
        pool_csv,
        &features,
        "id",
        &household_columns(pool_csv),
    )?;
    let already = if already_csv.trim().is_empty() {
        Vec::new()
    } else {
        parse_already_selected("already-selected.csv", already_csv, &table.people, "id")?
    };
    Instance::new(features, table.people, panel_size, already)
}

/// The household columns of a published pool: [`HOUSEHOLD_COLUMN`] if its header has it (pools published before it
/// existed have none).
pub fn household_columns(pool_csv: &str) -> Vec<String> {
    let header = pool_csv.lines().next().unwrap_or("");
    if header
        .split(',')
        .any(|cell| cell.trim() == HOUSEHOLD_COLUMN)
    {
        vec![HOUSEHOLD_COLUMN.to_owned()]
    } else {
        Vec::new()
    }
}

fn algorithm_of(name: &str) -> Algorithm {
    match name {
        "maximin" => Algorithm::Maximin,
        "legacy" => Algorithm::Legacy,
        _ => Algorithm::Leximin,
    }
}

/// The settings a run uses: its algorithm and, for a final run drawn as a transparent lottery, the number of numbered
/// panels (`klero verify --lottery-panels M`; without it, no lottery).
pub fn settings_of(algorithm: &str, lottery_panels: Option<u32>) -> Settings {
    Settings {
        algorithm: algorithm_of(algorithm),
        lottery_panels,
    }
}

/// The lottery size stored with a run, as the engine takes it.
fn lottery_of(run: &RunRow) -> Option<u32> {
    run.lottery_panels
        .and_then(|panels| u32::try_from(panels).ok())
}

/// A feasibility verdict in words for the organisers.
pub(crate) fn feasibility_text(
    m: &Messages,
    result: &Result<(), SelectionError>,
) -> (bool, Vec<String>) {
    match result {
        Ok(()) => (true, vec![m.s.feasible.to_owned()]),
        Err(SelectionError::InfeasibleQuotas { changes }) => {
            let mut lines = vec![m.s.infeasible.to_owned()];
            lines.extend(changes.iter().map(|change| change.to_string()));
            (false, lines)
        }
        Err(other) => (false, vec![m.s.infeasible.to_owned(), other.to_string()]),
    }
}

// ---------------------------------------------------------------------------------------------
// The quota editor.

/// The quota editor's form.
#[derive(Debug, Default, Deserialize)]
pub struct QuotaForm {
    /// Seats on the panel.
    #[serde(default)]
    pub panel_size: String,
    /// The announced seed source.
    #[serde(default)]
    pub seed_source: String,
    /// `feature,value,share[,min,max]` lines.
    #[serde(default)]
    pub quotas: String,
    /// `propose` (fill min/max from the shares) or `save`.
    #[serde(default)]
    pub action: String,
}

/// One row of the quota table as shown, with the pool's count.
pub struct QuotaView {
    /// Feature.
    pub feature: String,
    /// Value.
    pub value: String,
    /// Share, in percent.
    pub share: String,
    /// Min.
    pub min: i64,
    /// Max.
    pub max: i64,
    /// People of the pool with this value.
    pub pool: usize,
}

/// The quota editor page.
#[derive(Template)]
#[template(path = "quotas.html")]
pub struct QuotasPage {
    /// Chrome.
    pub c: Chrome,
    /// Assembly id.
    pub assembly_id: i64,
    /// Assembly title.
    pub title: String,
    /// The form (as typed, or from the database).
    pub form: QuotaForm,
    /// Errors.
    pub errors: Vec<String>,
    /// A notice (saved, proposed).
    pub notice: String,
    /// The stored quotas with pool counts.
    pub rows: Vec<QuotaView>,
    /// People in the pool.
    pub pool_size: usize,
    /// Respondents left out for missing answers.
    pub left_out: usize,
    /// Whether the check found a panel.
    pub feasible: bool,
    /// The feasibility verdict, line by line.
    pub verdict: Vec<String>,
}

/// The feasibility of the stored quotas against the current pool: (rows with pool counts, pool size, left out,
/// verdict).
async fn current_feasibility(
    state: &AppState,
    m: &'static Messages,
    assembly_id: i64,
) -> Result<(Vec<QuotaView>, usize, usize, bool, Vec<String>), AppError> {
    let mut connection = state.store.connection().await?;
    let quotas = store::selection::quotas(&mut connection, assembly_id).await?;
    let settings = store::selection::settings(&mut connection, assembly_id).await?;
    let members = store::selection::pool(&mut connection, assembly_id, &POOL_STATUSES).await?;
    drop(connection);
    let features = features_of(&quotas);
    let pool = build_pool(&features, &members, &HashSet::new())?;
    let (Some(settings), false) = (settings, quotas.is_empty()) else {
        return Ok((
            Vec::new(),
            pool.people.len(),
            pool.left_out,
            false,
            vec![m.s.no_quotas.to_owned()],
        ));
    };
    let features_text = features_csv(&quotas);
    let panel_size = settings.panel_size as usize;
    let pool_text = pool.pool_csv.clone();
    let checked = tokio::task::spawn_blocking(move || {
        let instance = instance_of(&pool_text, &features_text, "", panel_size)?;
        let counts = instance.pool_counts();
        Ok::<_, SelectionError>((counts, selection::check_feasible(&instance)))
    })
    .await
    .map_err(|error| AppError::Internal(Box::new(error)))?;
    let (counts, verdict) = match checked {
        Ok((counts, result)) => (Some(counts), feasibility_text(m, &result)),
        Err(error) => (None, feasibility_text(m, &Err(error))),
    };
    let mut rows = Vec::new();
    let mut value_index = BTreeMap::new();
    for (f, feature) in features.iter().enumerate() {
        for (v, value) in feature.values.iter().enumerate() {
            value_index.insert((feature.name.clone(), value.clone()), (f, v));
        }
    }
    for quota in &quotas {
        let pool_count = value_index
            .get(&(quota.feature.clone(), quota.value.clone()))
            .and_then(|&(f, v)| counts.as_ref().map(|c| c[f][v]))
            .unwrap_or(0);
        rows.push(QuotaView {
            feature: quota.feature.clone(),
            value: quota.value.clone(),
            share: share_text(quota.share_ppm),
            min: quota.min_seats,
            max: quota.max_seats,
            pool: pool_count,
        });
    }
    Ok((rows, pool.people.len(), pool.left_out, verdict.0, verdict.1))
}

async fn quotas_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    form: Option<QuotaForm>,
    errors: Vec<String>,
    notice: String,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let stored = store::selection::quotas(&mut connection, assembly_id).await?;
    let settings = store::selection::settings(&mut connection, assembly_id).await?;
    drop(connection);
    let form = form.unwrap_or_else(|| QuotaForm {
        panel_size: settings
            .as_ref()
            .map(|s| s.panel_size.to_string())
            .unwrap_or_default(),
        seed_source: settings.map(|s| s.seed_source).unwrap_or_default(),
        quotas: if stored.is_empty() {
            String::new()
        } else {
            rows_text(&stored)
        },
        action: String::new(),
    });
    let (rows, pool_size, left_out, feasible, verdict) =
        current_feasibility(state, m, assembly_id).await?;
    let c = Chrome::new(viewer, m.s.quotas_title);
    render(
        status,
        &QuotasPage {
            c,
            assembly_id,
            title: record.title,
            form,
            errors,
            notice,
            rows,
            pool_size,
            left_out,
            feasible,
            verdict,
        },
    )
}

/// `GET /staff/assemblies/{assembly_id}/quotas`: the quota editor and the live feasibility check.
pub async fn quotas(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    quotas_page(
        &state,
        &viewer,
        assembly_id,
        StatusCode::OK,
        None,
        Vec::new(),
        String::new(),
    )
    .await
}

/// `POST /staff/assemblies/{assembly_id}/quotas`: proposes min/max from the shares, or saves (audited).
pub async fn save_quotas(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<QuotaForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(mut form) = form?;
    let m = viewer.lang.messages();
    let mut errors = Vec::new();
    let panel_size = match form.panel_size.trim().parse::<u32>() {
        Ok(size) if (1..=10_000).contains(&size) => Some(size),
        _ if form.panel_size.trim().is_empty() => {
            errors.push(m.describe(&ValidationError::new("panel_size", Problem::Required)));
            None
        }
        _ => {
            errors.push(m.describe(&ValidationError::new("panel_size", Problem::Malformed)));
            None
        }
    };
    let seed_source = form.seed_source.trim().to_owned();
    if seed_source.chars().count() > 500 {
        errors.push(m.describe(&ValidationError::new(
            "seed_source",
            Problem::TooLong { max: 500 },
        )));
    }
    let mut lines = match parse_quota_text(m, &form.quotas) {
        Ok(lines) => lines,
        Err(mut found) => {
            errors.append(&mut found);
            Vec::new()
        }
    };
    if let (Some(panel_size), false) = (panel_size, lines.is_empty()) {
        let overwrite = form.action == "propose";
        if (overwrite || lines.iter().any(|l| l.min.is_none() || l.max.is_none()))
            && let Err(error) = propose(m, &mut lines, panel_size, overwrite)
        {
            errors.push(error);
        }
    }
    if !errors.is_empty() {
        return quotas_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(form),
            errors,
            String::new(),
        )
        .await;
    }
    let panel_size = panel_size.unwrap_or(1);
    if form.action == "propose" {
        form.quotas = quota_text(&lines);
        let notice = m.s.proposed.to_owned();
        return quotas_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::OK,
            Some(form),
            Vec::new(),
            notice,
        )
        .await;
    }
    let rows: Vec<QuotaRow> = lines
        .iter()
        .map(|l| QuotaRow {
            feature: l.feature.clone(),
            value: l.value.clone(),
            share_ppm: l.share_ppm,
            min_seats: l.min.unwrap_or(0),
            max_seats: l.max.unwrap_or(0),
        })
        .collect();
    let now = now();
    let mut tx = state.store.begin().await?;
    store::selection::save_quotas(
        &mut tx,
        assembly_id,
        &SettingsRow {
            panel_size: i64::from(panel_size),
            seed_source,
        },
        &rows,
        now,
    )
    .await?;
    let after = serde_json::json!({ "assembly_id": assembly_id, "panel_size": panel_size, "values": rows.len() });
    audit(
        &mut tx,
        actor(&viewer),
        "quotas.save",
        &format!("assembly:{assembly_id}/quotas"),
        &after,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/staff/assemblies/{assembly_id}/quotas")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Runs.

/// A run as listed.
pub struct RunView {
    /// Id.
    pub id: i64,
    /// Kind, in words.
    pub kind: String,
    /// Status, in words.
    pub status: String,
    /// Raw status.
    pub status_id: String,
    /// Algorithm.
    pub algorithm: String,
    /// Seed.
    pub seed: String,
    /// Created, UTC.
    pub created: String,
    /// Whether it is a final run waiting for its seed.
    pub committed: bool,
    /// Whether it is a drawn run that was interrupted and must be resumed with its own seed.
    pub resumable: bool,
}

fn kind_name(m: &Messages, kind: &str) -> String {
    match kind {
        "test" => m.s.kind_test,
        "final" => m.s.kind_final,
        _ => m.s.kind_replacement,
    }
    .to_owned()
}

fn status_name(m: &Messages, status: &str) -> String {
    match status {
        "committed" => m.s.status_committed,
        "running" => m.s.status_running,
        "done" => m.s.status_done,
        "failed" => m.s.status_failed,
        _ => m.s.status_cancelled,
    }
    .to_owned()
}

impl RunView {
    fn of(m: &Messages, run: &RunRow) -> RunView {
        RunView {
            id: run.id,
            kind: kind_name(m, &run.kind),
            status: status_name(m, &run.status),
            status_id: run.status.clone(),
            algorithm: run.algorithm.to_uppercase(),
            seed: run.seed.clone(),
            created: utc_minute(run.created_at),
            committed: run.status == "committed",
            resumable: interrupted(run),
        }
    }
}

/// The selection page of an assembly.
#[derive(Template)]
#[template(path = "selection.html")]
pub struct SelectionPage {
    /// Chrome.
    pub c: Chrome,
    /// Assembly id.
    pub assembly_id: i64,
    /// Title.
    pub title: String,
    /// Errors.
    pub errors: Vec<String>,
    /// Runs, newest first.
    pub runs: Vec<RunView>,
    /// Whether a final run exists that is committed or done.
    pub has_final: bool,
    /// Panel size, if set.
    pub panel_size: i64,
    /// People in the pool.
    pub pool_size: usize,
    /// The feasibility verdict.
    pub verdict: Vec<String>,
    /// Whether feasible.
    pub feasible: bool,
}

async fn selection_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    status: StatusCode,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    fail_stale(state).await?;
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    let runs = store::selection::runs(&mut connection, assembly_id).await?;
    let settings = store::selection::settings(&mut connection, assembly_id).await?;
    drop(connection);
    let (_, pool_size, _, feasible, verdict) = current_feasibility(state, m, assembly_id).await?;
    let has_final = runs.iter().any(|r| {
        r.kind == "final"
            && (matches!(r.status.as_str(), "committed" | "running" | "done") || interrupted(r))
    });
    let c = Chrome::new(viewer, m.s.selection_title);
    render(
        status,
        &SelectionPage {
            c,
            assembly_id,
            title: record.title,
            errors,
            runs: runs.iter().map(|r| RunView::of(m, r)).collect(),
            has_final,
            panel_size: settings.map(|s| s.panel_size).unwrap_or(0),
            pool_size,
            verdict,
            feasible,
        },
    )
}

/// `GET /staff/assemblies/{assembly_id}/selection`: runs, and the forms to start them.
pub async fn selection(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    selection_page(&state, &viewer, assembly_id, StatusCode::OK, Vec::new()).await
}

/// The form that starts a test run or commits a final one.
#[derive(Debug, Default, Deserialize)]
pub struct RunForm {
    /// `leximin`, `maximin` or `legacy`.
    #[serde(default)]
    pub algorithm: String,
    /// The seed (test runs, draws).
    #[serde(default)]
    pub seed: String,
    /// M for a final run drawn as a transparent lottery of M numbered panels; empty for none.
    #[serde(default)]
    pub lottery_panels: String,
}

/// The largest transparent lottery the web app offers (each numbered panel is stored in the distribution file).
pub const MAX_LOTTERY_PANELS: u32 = 10_000;

/// `lottery_panels`: empty for none, else a whole number from 2 to [`MAX_LOTTERY_PANELS`].
fn parse_lottery_panels(raw: &str) -> Result<Option<u32>, ValidationError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<u32>() {
        Ok(panels) if (2..=MAX_LOTTERY_PANELS).contains(&panels) => Ok(Some(panels)),
        _ => Err(ValidationError::new("lottery_panels", Problem::Malformed)),
    }
}

fn parse_algorithm(raw: &str) -> Result<&'static str, ValidationError> {
    match raw.trim() {
        "" | "leximin" => Ok("leximin"),
        "maximin" => Ok("maximin"),
        "legacy" => Ok("legacy"),
        _ => Err(ValidationError::new("algorithm", Problem::Malformed)),
    }
}

fn parse_seed(raw: &str) -> Result<String, ValidationError> {
    let seed = raw.trim();
    if seed.is_empty() {
        return Err(ValidationError::new("seed", Problem::Required));
    }
    if seed.chars().count() > 200 {
        return Err(ValidationError::new("seed", Problem::TooLong { max: 200 }));
    }
    Ok(seed.to_owned())
}

/// The frozen inputs of a new run, from the stored quotas and the current pool.
struct Inputs {
    settings: SettingsRow,
    features_csv: String,
    pool: Pool,
    commitment: String,
}

async fn inputs(
    state: &AppState,
    m: &Messages,
    assembly_id: i64,
    algorithm: &str,
    lottery_panels: Option<u32>,
) -> Result<Result<Inputs, Vec<String>>, AppError> {
    let mut connection = state.store.connection().await?;
    let quotas = store::selection::quotas(&mut connection, assembly_id).await?;
    let settings = store::selection::settings(&mut connection, assembly_id).await?;
    let members = store::selection::pool(&mut connection, assembly_id, &POOL_STATUSES).await?;
    drop(connection);
    let (Some(settings), false) = (settings, quotas.is_empty()) else {
        return Ok(Err(vec![m.s.no_quotas.to_owned()]));
    };
    let pool = build_pool(&features_of(&quotas), &members, &HashSet::new())?;
    let features_csv = features_csv(&quotas);
    match instance_of(
        &pool.pool_csv,
        &features_csv,
        "",
        settings.panel_size as usize,
    ) {
        Ok(instance) => {
            let commitment =
                selection::sample::commitment(&instance, &settings_of(algorithm, lottery_panels));
            Ok(Ok(Inputs {
                settings,
                features_csv,
                pool,
                commitment,
            }))
        }
        Err(error) => Ok(Err(vec![error.to_string()])),
    }
}

pub(crate) fn actor(viewer: &Viewer) -> Option<i64> {
    viewer.account.as_ref().map(|account| account.id)
}

/// Appends an audit entry (ids, kinds and counts only) in the caller's transaction; `None` is the server itself.
pub(crate) async fn audit(
    tx: &mut store::Tx,
    actor: Option<i64>,
    action: &str,
    entity: &str,
    after: &serde_json::Value,
    now: i64,
) -> Result<(), AppError> {
    let after = after.to_string();
    store::audit::append(
        tx,
        &store::audit::Change {
            actor_account_id: actor,
            action,
            entity,
            before_json: None,
            after_json: Some(&after),
        },
        now,
    )
    .await?;
    Ok(())
}

pub(crate) fn run_url(assembly_id: i64, run_id: i64) -> String {
    format!("/staff/assemblies/{assembly_id}/selection/runs/{run_id}")
}

/// `POST /staff/assemblies/{assembly_id}/selection/test-runs`: starts a test run (changes no one's status).
pub async fn start_test_run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<RunForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let m = viewer.lang.messages();
    let algorithm = match parse_algorithm(&form.algorithm) {
        Ok(algorithm) => algorithm,
        Err(error) => {
            return selection_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![m.describe(&error)],
            )
            .await;
        }
    };
    let seed = if form.seed.trim().is_empty() {
        crate::security::random_token(8)?
    } else {
        form.seed.trim().chars().take(200).collect()
    };
    let inputs = match inputs(&state, m, assembly_id, algorithm, None).await? {
        Ok(inputs) => inputs,
        Err(errors) => {
            return selection_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
            )
            .await;
        }
    };
    let run = NewRun {
        assembly_id,
        kind: "test",
        status: "running",
        algorithm,
        engine_version: selection::ENGINE_VERSION,
        panel_size: inputs.settings.panel_size,
        seed: &seed,
        seed_source: "",
        commitment: &inputs.commitment,
        pool_csv: &inputs.pool.pool_csv,
        features_csv: &inputs.features_csv,
        already_csv: "",
        parent_run_id: None,
        created_by: viewer.account.as_ref().map(|a| a.id),
        lottery_panels: None,
    };
    create_and_spawn(&state, &viewer, &run, &inputs.pool.people).await
}

async fn create_and_spawn(
    state: &AppState,
    viewer: &Viewer,
    run: &NewRun<'_>,
    people: &[RunPerson],
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let now = now();
    fail_stale(state).await?;
    let mut tx = state.store.begin().await?;
    let run_id = match store::selection::create_run(&mut tx, run, people, now).await? {
        Ok(run_id) => run_id,
        Err(store::selection::RunBusy) => {
            drop(tx);
            return selection_page(
                state,
                viewer,
                run.assembly_id,
                StatusCode::CONFLICT,
                vec![m.s.err_busy.to_owned()],
            )
            .await;
        }
    };
    let after = serde_json::json!({
        "id": run_id, "assembly_id": run.assembly_id, "kind": run.kind, "status": run.status, "algorithm": run.algorithm,
        "commitment": run.commitment, "pool": people.len(), "panel_size": run.panel_size, "lottery_panels": run.lottery_panels,
    });
    audit(
        &mut tx,
        actor(viewer),
        "selection_run.create",
        &format!("selection_run:{run_id}"),
        &after,
        now,
    )
    .await?;
    tx.commit().await?;
    if run.status == "running" {
        spawn_run(state.clone(), run.assembly_id, run_id);
    }
    Ok(Redirect::to(&run_url(run.assembly_id, run_id)).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/selection/commitments`: freezes and publishes the final run's inputs and
/// commitment, before the seed is known.
pub async fn commit_final_run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
    form: Result<Form<RunForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let m = viewer.lang.messages();
    let Ok(lottery_panels) = parse_lottery_panels(&form.lottery_panels) else {
        return selection_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![m.s.err_lottery_panels.to_owned()],
        )
        .await;
    };
    let mut connection = state.store.connection().await?;
    let runs = store::selection::runs(&mut connection, assembly_id).await?;
    drop(connection);
    if runs.iter().any(|r| r.kind == "final" && interrupted(r)) {
        return selection_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::CONFLICT,
            vec![m.s.err_resume_first.to_owned()],
        )
        .await;
    }
    if runs
        .iter()
        .any(|r| r.kind == "final" && matches!(r.status.as_str(), "committed" | "running" | "done"))
    {
        return selection_page(
            &state,
            &viewer,
            assembly_id,
            StatusCode::CONFLICT,
            vec![m.s.err_final_exists.to_owned()],
        )
        .await;
    }
    // The final draw uses LEXIMIN, optionally rounded to numbered panels: what `klero verify` does by default, with
    // `--lottery-panels M` for a lottery (M is part of the commitment).
    let algorithm = "leximin";
    let inputs = match inputs(&state, m, assembly_id, algorithm, lottery_panels).await? {
        Ok(inputs) => inputs,
        Err(errors) => {
            return selection_page(
                &state,
                &viewer,
                assembly_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                errors,
            )
            .await;
        }
    };
    let run = NewRun {
        assembly_id,
        kind: "final",
        status: "committed",
        algorithm,
        engine_version: selection::ENGINE_VERSION,
        panel_size: inputs.settings.panel_size,
        seed: "",
        seed_source: &inputs.settings.seed_source,
        commitment: &inputs.commitment,
        pool_csv: &inputs.pool.pool_csv,
        features_csv: &inputs.features_csv,
        already_csv: "",
        parent_run_id: None,
        created_by: viewer.account.as_ref().map(|a| a.id),
        lottery_panels: lottery_panels.map(i64::from),
    };
    create_and_spawn(&state, &viewer, &run, &inputs.pool.people).await
}

/// `POST /staff/assemblies/{assembly_id}/selection/runs/{run_id}/draw`: draws a committed run with the seed.
pub async fn draw_committed_run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, run_id)): Path<(i64, i64)>,
    form: Result<Form<RunForm>, axum::extract::rejection::FormRejection>,
) -> Result<Response, AppError> {
    let Form(form) = form?;
    let m = viewer.lang.messages();
    let seed = match parse_seed(&form.seed) {
        Ok(seed) => seed,
        Err(error) => {
            return run_page(
                &state,
                &viewer,
                assembly_id,
                run_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![m.describe(&error)],
            )
            .await;
        }
    };
    fail_stale(&state).await?;
    let now = now();
    let mut tx = state.store.begin().await?;
    match store::selection::start_committed_run(&mut tx, assembly_id, run_id, &seed, now).await? {
        Ok(true) => {}
        Ok(false) => {
            drop(tx);
            return run_page(
                &state,
                &viewer,
                assembly_id,
                run_id,
                StatusCode::CONFLICT,
                vec![m.s.err_not_committed.to_owned()],
            )
            .await;
        }
        Err(store::selection::RunBusy) => {
            drop(tx);
            return run_page(
                &state,
                &viewer,
                assembly_id,
                run_id,
                StatusCode::CONFLICT,
                vec![m.s.err_busy.to_owned()],
            )
            .await;
        }
    }
    let after = serde_json::json!({ "id": run_id, "status": "running", "seed": seed });
    audit(
        &mut tx,
        actor(&viewer),
        "selection_run.draw",
        &format!("selection_run:{run_id}"),
        &after,
        now,
    )
    .await?;
    tx.commit().await?;
    spawn_run(state.clone(), assembly_id, run_id);
    Ok(Redirect::to(&run_url(assembly_id, run_id)).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/selection/runs/{run_id}/resume`: runs an interrupted drawn run again with
/// its own stored inputs and seed (audited); the engine is deterministic, so the panel is the one the seed gave.
pub async fn resume_run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, run_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    fail_stale(&state).await?;
    let now = now();
    let mut tx = state.store.begin().await?;
    let run = store::selection::run(&mut tx, assembly_id, run_id).await?;
    // Another engine revision may draw another panel from the same seed: resume only with the one it was drawn by.
    let refusal = if run.engine_version != selection::ENGINE_VERSION {
        Some(m.s.err_engine_changed)
    } else if interrupted(&run) {
        match store::selection::resume_drawn_run(&mut tx, assembly_id, run_id, now).await? {
            Ok(true) => None,
            Ok(false) => Some(m.s.err_not_resumable),
            Err(store::selection::RunBusy) => Some(m.s.err_busy),
        }
    } else {
        Some(m.s.err_not_resumable)
    };
    if let Some(refusal) = refusal {
        drop(tx);
        return run_page(
            &state,
            &viewer,
            assembly_id,
            run_id,
            StatusCode::CONFLICT,
            vec![refusal.to_owned()],
        )
        .await;
    }
    let after = serde_json::json!({ "id": run_id, "status": "running", "resumed": true });
    audit(
        &mut tx,
        actor(&viewer),
        "selection_run.resume",
        &format!("selection_run:{run_id}"),
        &after,
        now,
    )
    .await?;
    tx.commit().await?;
    spawn_run(state.clone(), assembly_id, run_id);
    Ok(Redirect::to(&run_url(assembly_id, run_id)).into_response())
}

/// `POST /staff/assemblies/{assembly_id}/selection/runs/{run_id}/cancel`: asks a running run to stop (audited).
pub async fn cancel_run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, run_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let now = now();
    let mut tx = state.store.begin().await?;
    if store::selection::request_cancel(&mut tx, assembly_id, run_id).await? {
        let after = serde_json::json!({ "id": run_id, "cancel_requested": true });
        audit(
            &mut tx,
            actor(&viewer),
            "selection_run.cancel",
            &format!("selection_run:{run_id}"),
            &after,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Redirect::to(&run_url(assembly_id, run_id)).into_response())
}

/// One value's line of a composition: pool and panel counts against the quota.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CompositionRow {
    /// Feature.
    pub feature: String,
    /// Value.
    pub value: String,
    /// People with this value in the pool.
    pub pool: usize,
    /// On the panel.
    pub panel: usize,
    /// Quota minimum.
    pub min: u32,
    /// Quota maximum.
    pub max: u32,
}

/// The summary of a finished run, stored as JSON (aggregates only).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct RunSummary {
    /// Per value.
    pub composition: Vec<CompositionRow>,
    /// People selected.
    pub selected: usize,
    /// People in the pool.
    pub pool: usize,
    /// Lowest selection probability.
    pub min_probability: f64,
    /// Highest selection probability.
    pub max_probability: f64,
    /// The number of the panel drawn, for a transparent lottery.
    #[serde(default)]
    pub lottery_number: Option<u64>,
    /// The largest change of anyone's probability caused by rounding to numbered panels.
    #[serde(default)]
    pub lottery_max_change: Option<f64>,
}

/// The run page.
#[derive(Template)]
#[template(path = "run.html")]
pub struct RunPage {
    /// Chrome.
    pub c: Chrome,
    /// Assembly id.
    pub assembly_id: i64,
    /// Errors.
    pub errors: Vec<String>,
    /// The run.
    pub run: RunView,
    /// The commitment.
    pub commitment: String,
    /// The seed source.
    pub seed_source: String,
    /// Engine version.
    pub engine_version: String,
    /// Panel size.
    pub panel_size: i64,
    /// Last progress report.
    pub progress: String,
    /// Message (error, relaxation) in lines.
    pub message: Vec<String>,
    /// Whether cancelling was asked.
    pub cancel_requested: bool,
    /// The result, when done.
    pub summary: Option<RunSummary>,
    /// Whether the run is public (final or replacement).
    pub public: bool,
    /// M, for a transparent lottery of M numbered panels.
    pub lottery_panels: Option<i64>,
}

async fn run_page(
    state: &AppState,
    viewer: &Viewer,
    assembly_id: i64,
    run_id: i64,
    status: StatusCode,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    fail_stale(state).await?;
    let m = viewer.lang.messages();
    let mut connection = state.store.connection().await?;
    let run = store::selection::run(&mut connection, assembly_id, run_id).await?;
    drop(connection);
    let summary = (run.status == "done")
        .then(|| serde_json::from_str::<RunSummary>(&run.result_json).unwrap_or_default());
    let c = Chrome::new(viewer, format!("{} #{run_id}", m.s.run_title));
    let mut response = render(
        status,
        &RunPage {
            c,
            assembly_id,
            errors,
            run: RunView::of(m, &run),
            commitment: run.commitment.clone(),
            seed_source: run.seed_source.clone(),
            engine_version: run.engine_version.clone(),
            panel_size: run.panel_size,
            progress: run.progress.clone(),
            message: run.message.lines().map(str::to_owned).collect(),
            cancel_requested: run.cancel_requested,
            summary,
            public: run.kind != "test",
            lottery_panels: run.lottery_panels,
        },
    )?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// `GET /staff/assemblies/{assembly_id}/selection/runs/{run_id}`: the progress page (refreshes itself while running).
pub async fn run(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, run_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    run_page(
        &state,
        &viewer,
        assembly_id,
        run_id,
        StatusCode::OK,
        Vec::new(),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// The job.

pub(crate) async fn fail_stale(state: &AppState) -> Result<(), AppError> {
    let now = now();
    let mut tx = state.store.begin().await?;
    let failed = store::selection::fail_stale_runs(&mut tx, now - STALE_SECONDS, now).await?;
    tx.commit().await?;
    for run_id in failed {
        tracing::warn!(
            run_id,
            "selection run interrupted (no heartbeat); marked failed"
        );
    }
    Ok(())
}

/// Marks failed the runs left `running` by a server that stopped; called once at startup.
pub async fn recover_interrupted_runs(store: &store::Store) -> Result<Vec<i64>, store::StoreError> {
    let now = now();
    let mut tx = store.begin().await?;
    let failed =
        store::selection::fail_stale_runs(&mut tx, now - STARTUP_STALE_SECONDS, now).await?;
    tx.commit().await?;
    Ok(failed)
}

/// The engine's own words for where a run is: the step, its work done, and the share of the run done (which
/// advances during long steps such as the face walk).
fn progress_words(progress: &selection::Progress) -> String {
    progress.to_string()
}

/// Runs a `running` run in the background: the engine on a blocking thread, a heartbeat with the progress every
/// second (which also reads the cancel request), then the result in one transaction.
pub fn spawn_run(state: AppState, assembly_id: i64, run_id: i64) {
    let job = state.stopping.job();
    tokio::spawn(async move {
        let _job = job;
        if let Err(error) = drive(&state, assembly_id, run_id).await {
            tracing::error!(run_id, error = %error, "selection run failed to complete");
            let now = now();
            if let Ok(mut tx) = state.store.begin().await {
                let end = RunEnd {
                    status: "failed",
                    selected_csv: "",
                    result_json: "{}",
                    message: "internal error",
                    selected: &[],
                    distribution_csv: "",
                };
                if store::selection::finish_run(&mut tx, run_id, &end, now)
                    .await
                    .is_ok()
                {
                    let _ = tx.commit().await;
                }
            }
        }
    });
}

type Outcome = Result<(Instance, selection::Selection), SelectionError>;

/// The message of a run ended because the server stopped.
pub const STOPPED_MESSAGE: &str = "interrupted: the server stopped during the run";

async fn drive(state: &AppState, assembly_id: i64, run_id: i64) -> Result<(), AppError> {
    let mut connection = state.store.connection().await?;
    let run = store::selection::run(&mut connection, assembly_id, run_id).await?;
    drop(connection);
    if run.status != "running" {
        return Ok(());
    }
    let cancel = Arc::new(AtomicBool::new(false));
    let latest: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let (job_cancel, job_latest, stopping) =
        (cancel.clone(), latest.clone(), state.stopping.clone());
    let (pool_csv, features_csv, already_csv, seed, algorithm, panel_size, lottery_panels) = (
        run.pool_csv.clone(),
        run.features_csv.clone(),
        run.already_csv.clone(),
        run.seed.clone(),
        run.algorithm.clone(),
        run.panel_size as usize,
        lottery_of(&run),
    );
    let started = Instant::now();
    let mut job = tokio::task::spawn_blocking(move || -> Outcome {
        let instance = instance_of(&pool_csv, &features_csv, &already_csv, panel_size)?;
        let mut last = Instant::now() - Duration::from_secs(1);
        let selection = selection::run_cancellable(
            &instance,
            &settings_of(&algorithm, lottery_panels),
            &seed,
            &mut |progress| {
                if last.elapsed() >= Duration::from_millis(250) {
                    last = Instant::now();
                    if let Ok(mut slot) = job_latest.lock() {
                        *slot = Some(progress_words(progress));
                    }
                }
                if job_cancel.load(Ordering::Relaxed) || stopping.is_set() {
                    ControlFlow::Break(())
                } else {
                    ControlFlow::Continue(())
                }
            },
        )?;
        Ok((instance, selection))
    });
    let outcome = loop {
        tokio::select! {
            joined = &mut job => break joined,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {
                let text = latest.lock().ok().and_then(|mut slot| slot.take());
                let mut tx = state.store.begin().await?;
                let asked = store::selection::report_progress(&mut tx, run_id, text.as_deref(), now()).await?;
                tx.commit().await?;
                if asked {
                    cancel.store(true, Ordering::Relaxed);
                }
            }
        }
    };
    let outcome = outcome.map_err(|error| AppError::Internal(Box::new(error)))?;
    tracing::info!(
        run_id,
        seconds = started.elapsed().as_secs_f64(),
        "selection run computed"
    );
    finish(state, &run, outcome).await
}

async fn finish(state: &AppState, run: &RunRow, outcome: Outcome) -> Result<(), AppError> {
    let now = now();
    let (instance, selection) = match outcome {
        Ok(done) => done,
        Err(error) => {
            // A run ended by the server stopping was not cancelled by anyone: it failed, and says why.
            let stopped = matches!(error, SelectionError::Cancelled) && state.stopping.is_set();
            let status = if matches!(error, SelectionError::Cancelled) && !stopped {
                "cancelled"
            } else {
                "failed"
            };
            let message = match &error {
                _ if stopped => STOPPED_MESSAGE.to_owned(),
                SelectionError::InfeasibleQuotas { changes } => {
                    std::iter::once("no panel meets the quotas; smallest relaxation:".to_owned())
                        .chain(changes.iter().map(|c| c.to_string()))
                        .collect::<Vec<_>>()
                        .join("\n")
                }
                other => other.to_string(),
            };
            let mut tx = state.store.begin().await?;
            let end = RunEnd {
                status,
                selected_csv: "",
                result_json: "{}",
                message: &message,
                selected: &[],
                distribution_csv: "",
            };
            if store::selection::finish_run(&mut tx, run.id, &end, now).await? {
                let after = serde_json::json!({ "id": run.id, "status": status });
                audit(
                    &mut tx,
                    None,
                    "selection_run.finish",
                    &format!("selection_run:{}", run.id),
                    &after,
                    now,
                )
                .await?;
            }
            tx.commit().await?;
            return Ok(());
        }
    };
    let mut selected: Vec<String> = selection
        .panel
        .iter()
        .map(|&i| instance.people[i].id.clone())
        .collect();
    selected.sort();
    let mut selected_csv = String::from("id\n");
    for id in &selected {
        selected_csv.push_str(&csv_line(&[id]));
    }
    let pool_counts = instance.pool_counts();
    let panel_counts = instance.panel_counts(&selection.panel);
    let mut composition = Vec::new();
    for (f, feature) in instance.features.iter().enumerate() {
        for (v, quota) in feature.quotas.iter().enumerate() {
            composition.push(CompositionRow {
                feature: feature.name.clone(),
                value: quota.value.clone(),
                pool: pool_counts[f][v],
                panel: panel_counts[f][v],
                min: quota.min,
                max: quota.max,
            });
        }
    }
    let summary = RunSummary {
        composition,
        selected: selected.len(),
        pool: instance.people.len(),
        min_probability: selection
            .probabilities
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min),
        max_probability: selection.probabilities.iter().copied().fold(0.0, f64::max),
        lottery_number: selection.lottery_number,
        lottery_max_change: selection
            .distribution
            .as_ref()
            .and_then(|d| d.lottery.as_ref())
            .map(|lottery| lottery.max_change),
    };
    // Published for final and replacement runs; a test run is never public, so its distribution is not kept.
    let distribution_csv = match &selection.distribution {
        Some(distribution) if run.kind != "test" => distribution.to_csv(&instance),
        _ => String::new(),
    };
    let result_json =
        serde_json::to_string(&summary).map_err(|error| AppError::Internal(Box::new(error)))?;
    let mut connection = state.store.connection().await?;
    let people = store::selection::run_people(&mut connection, run.id).await?;
    drop(connection);
    let chosen: HashSet<&str> = selected.iter().map(String::as_str).collect();
    let mut tx = state.store.begin().await?;
    let end = RunEnd {
        status: "done",
        selected_csv: &selected_csv,
        result_json: &result_json,
        message: "",
        selected: &selected,
        distribution_csv: &distribution_csv,
    };
    if !store::selection::finish_run(&mut tx, run.id, &end, now).await? {
        return Ok(());
    }
    let mut marked = 0;
    if run.kind != "test" {
        for person in people
            .iter()
            .filter(|p| chosen.contains(p.public_id.as_str()) && !p.already)
        {
            if let Some(before) =
                store::selection::mark_selected(&mut tx, run.assembly_id, person.respondent_id)
                    .await?
            {
                marked += 1;
                let after = serde_json::json!({ "id": person.respondent_id, "from": before, "status": "selected", "run_id": run.id });
                audit(
                    &mut tx,
                    None,
                    "respondent.select",
                    &format!("respondent:{}", person.respondent_id),
                    &after,
                    now,
                )
                .await?;
            }
        }
    }
    // A replacement run's newcomers take the seats of the drop-outs: recorded in the history, drop-outs `replaced`.
    let replaced = if run.kind == "replacement" {
        crate::panel::record_replacements(&mut tx, run, now).await?
    } else {
        0
    };
    let after = serde_json::json!({
        "id": run.id, "status": "done", "kind": run.kind, "selected": selected.len(), "marked": marked, "replaced": replaced, "seed": run.seed,
    });
    audit(
        &mut tx,
        None,
        "selection_run.finish",
        &format!("selection_run:{}", run.id),
        &after,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Public verifiability.

/// The public selection page.
#[derive(Template)]
#[template(path = "public_selection.html")]
pub struct PublicSelectionPage {
    /// Chrome.
    pub c: Chrome,
    /// Assembly id.
    pub assembly_id: i64,
    /// Title.
    pub title: String,
    /// The final run, if committed or drawn.
    pub run: Option<PublicRun>,
    /// The replacement runs, oldest first.
    pub replacements: Vec<PublicRun>,
    /// The latest drawn run (final or replacement): its composition is the panel as it stands.
    pub current: Option<PublicRun>,
    /// The replacement history by public ids: (dropped, replacement, run).
    pub history: Vec<(String, String, i64)>,
    /// The panel strings.
    pub p: &'static crate::i18n::panel::PanelMessages,
}

/// What the public sees of a final run.
pub struct PublicRun {
    /// Id.
    pub id: i64,
    /// Whether it has been drawn.
    pub drawn: bool,
    /// Whether it was interrupted after its seed was public (it can only be resumed, to the same panel).
    pub interrupted: bool,
    /// The commitment.
    pub commitment: String,
    /// The seed source.
    pub seed_source: String,
    /// The seed (once drawn).
    pub seed: String,
    /// Panel size.
    pub panel_size: i64,
    /// People in the pool.
    pub pool: usize,
    /// Algorithm.
    pub algorithm: String,
    /// Engine version.
    pub engine_version: String,
    /// The chart's text alternative.
    pub chart_alt: String,
    /// The composition table.
    pub composition: Vec<CompositionRow>,
    /// The verify command.
    pub command: String,
    /// Whether it is a replacement run (with an `already-selected.csv`).
    pub replacement: bool,
    /// People kept as already selected (replacement runs).
    pub already: usize,
    /// M, for a transparent lottery of M numbered panels.
    pub lottery_panels: Option<i64>,
    /// The panel number drawn (a transparent lottery, once drawn).
    pub lottery_number: Option<u64>,
    /// The largest change of a probability caused by the rounding, in words ("" without a lottery).
    pub lottery_change: String,
    /// The command that lists the numbered panels before the draw ("" without a lottery).
    pub precompute_command: String,
    /// Whether `distribution.csv` is published.
    pub has_distribution: bool,
}

/// Whether the public sees a run: every final and replacement run once committed, and for ever once its seed is
/// known, however it ended (a drawn run that failed or was interrupted stays on the public page).
fn is_public(run: &RunRow) -> bool {
    matches!(run.kind.as_str(), "final" | "replacement")
        && (matches!(run.status.as_str(), "committed" | "running" | "done") || !run.seed.is_empty())
}

/// Whether a drawn (seed known) final or replacement run ended without its result for a reason other than the
/// engine's own verdict: a cancel or a server stop. Its outcome is fixed by its seed, so it can only be resumed
/// (same inputs, same seed, same panel); no new run of its kind may be committed meanwhile.
pub(crate) fn interrupted(run: &RunRow) -> bool {
    matches!(run.kind.as_str(), "final" | "replacement")
        && !run.seed.is_empty()
        && (run.status == "cancelled"
            || (run.status == "failed" && run.message.starts_with("interrupted")))
}

/// The runs of an assembly that the public may see (final and replacement runs, committed, running or done),
/// oldest first.
async fn public_runs(state: &AppState, assembly_id: i64) -> Result<Vec<RunRow>, AppError> {
    let mut connection = state.store.connection().await?;
    let mut runs: Vec<RunRow> = store::selection::runs(&mut connection, assembly_id)
        .await?
        .into_iter()
        .filter(is_public)
        .collect();
    runs.reverse();
    Ok(runs)
}

fn composition_chart(m: &Messages, summary: &RunSummary) -> Result<charts::BarChart, AppError> {
    let bars = summary
        .composition
        .iter()
        .map(|row| {
            charts::Bar::new(&format!("{}: {}", row.feature, row.value), row.panel as f64)
                .and_then(|bar| bar.with_target(f64::from(row.min), f64::from(row.max)))
        })
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| AppError::Internal(Box::new(error)))?;
    charts::BarChart::new(m.s.chart_title, bars)
        .map(|chart| chart.with_summary(m.s.chart_summary))
        .map_err(|error| AppError::Internal(Box::new(error)))
}

/// The verify command for a run's published files.
pub fn verify_command(panel_size: i64, seed: &str) -> String {
    format!(
        "klero verify --people pool.csv --features features.csv --panel-size {panel_size} --seed '{}' --selected selected.csv",
        seed.replace('\'', "'\\''")
    )
}

/// The verify command of a run: with the household column if its pool has one, and for a replacement run the people
/// it kept (`--already-selected`).
pub fn run_verify_command(run: &RunRow) -> String {
    let mut command = verify_command(run.panel_size, &run.seed);
    if !household_columns(&run.pool_csv).is_empty() {
        command.push_str(&format!(" --household-columns {HOUSEHOLD_COLUMN}"));
    }
    if let Some(panels) = run.lottery_panels {
        command.push_str(&format!(" --lottery-panels {panels}"));
    }
    if run.kind == "replacement" {
        format!("{command} --already-selected already-selected.csv")
    } else {
        command
    }
}

/// The command that lists a lottery's numbered panels from the published files, before the seed is known.
fn precompute_command(run: &RunRow) -> String {
    let Some(panels) = run.lottery_panels else {
        return String::new();
    };
    let mut command = format!(
        "klero select --people pool.csv --features features.csv --panel-size {} --lottery-panels {panels}",
        run.panel_size
    );
    if !household_columns(&run.pool_csv).is_empty() {
        command.push_str(&format!(" --household-columns {HOUSEHOLD_COLUMN}"));
    }
    command.push_str(" --seed any --distribution distribution.csv");
    command
}

fn public_run_view(m: &Messages, run: &RunRow) -> PublicRun {
    let drawn = run.status == "done";
    let summary: RunSummary = serde_json::from_str(&run.result_json).unwrap_or_default();
    let chart_alt = if drawn {
        composition_chart(m, &summary)
            .map(|chart| chart.description())
            .unwrap_or_default()
    } else {
        String::new()
    };
    PublicRun {
        id: run.id,
        drawn,
        commitment: run.commitment.clone(),
        seed_source: run.seed_source.clone(),
        // A seed once used is public for ever, whatever became of the run.
        seed: run.seed.clone(),
        interrupted: interrupted(run),
        panel_size: run.panel_size,
        pool: run.pool_csv.lines().count().saturating_sub(1),
        algorithm: run.algorithm.to_uppercase(),
        engine_version: run.engine_version.clone(),
        chart_alt,
        composition: if drawn {
            summary.composition
        } else {
            Vec::new()
        },
        command: run_verify_command(run),
        replacement: run.kind == "replacement",
        already: run.already_csv.lines().count().saturating_sub(1),
        lottery_panels: run.lottery_panels,
        lottery_number: if drawn { summary.lottery_number } else { None },
        lottery_change: summary
            .lottery_max_change
            .map(|change| format!("{change:.6}"))
            .unwrap_or_default(),
        precompute_command: precompute_command(run),
        has_distribution: drawn && !run.distribution_csv.is_empty(),
    }
}

/// `GET /assemblies/{assembly_id}/selection`: the commitment before the draw; the files, the seed and the panel's
/// composition against the quotas after it. Aggregates and public ids only.
pub async fn public_selection(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path(assembly_id): Path<i64>,
) -> Result<Response, AppError> {
    let m = viewer.lang.messages();
    let mut connection = state.store.connection().await?;
    let record = store::assemblies::get_assembly(&mut connection, assembly_id).await?;
    drop(connection);
    let runs = public_runs(&state, assembly_id).await?;
    let run = runs
        .iter()
        .find(|r| r.kind == "final")
        .map(|r| public_run_view(m, r));
    let replacements = runs
        .iter()
        .filter(|r| r.kind == "replacement")
        .map(|r| public_run_view(m, r))
        .collect();
    let current = runs
        .iter()
        .rev()
        .find(|r| r.status == "done")
        .map(|r| public_run_view(m, r));
    // The history by public ids: the dropped person's id in the run that drew them, the newcomer's in theirs.
    let mut connection = state.store.connection().await?;
    let history_rows = store::selection::replacements(&mut connection, assembly_id).await?;
    let mut public_ids: BTreeMap<i64, String> = BTreeMap::new();
    for run in runs.iter().filter(|r| r.status == "done") {
        for person in store::selection::run_people(&mut connection, run.id)
            .await?
            .into_iter()
            .filter(|p| p.selected && !p.already)
        {
            public_ids.insert(person.respondent_id, person.public_id);
        }
    }
    drop(connection);
    let public_id = |id: Option<i64>| {
        id.and_then(|id| public_ids.get(&id).cloned())
            .unwrap_or_else(|| "—".to_owned())
    };
    let history = history_rows
        .iter()
        .map(|row| {
            (
                public_id(Some(row.dropped_respondent_id)),
                public_id(row.replacement_respondent_id),
                row.run_id,
            )
        })
        .collect();
    let p = viewer.lang.t::<crate::i18n::panel::PanelMessages>();
    let c = Chrome::new(&viewer, m.s.public_title);
    render(
        StatusCode::OK,
        &PublicSelectionPage {
            c,
            assembly_id,
            title: record.title,
            run,
            replacements,
            current,
            history,
            p,
        },
    )
}

/// `GET /assemblies/{assembly_id}/selection/{run_id}/{file}`: the published files of the final run
/// (`pool.csv` and `features.csv` from the commitment on, `selected.csv`, `seed.txt` and `composition.svg` after
/// the draw).
pub async fn public_file(
    State(state): State<AppState>,
    Extension(viewer): Extension<Viewer>,
    Path((assembly_id, run_id, file)): Path<(i64, i64, String)>,
) -> Result<Response, AppError> {
    let run = public_runs(&state, assembly_id)
        .await?
        .into_iter()
        .find(|r| r.id == run_id)
        .ok_or(AppError::NotFound)?;
    let drawn = run.status == "done";
    let replacement = run.kind == "replacement";
    let (content_type, body) = match file.as_str() {
        "pool.csv" => ("text/csv; charset=utf-8", run.pool_csv),
        "features.csv" => ("text/csv; charset=utf-8", run.features_csv),
        "already-selected.csv" if replacement => ("text/csv; charset=utf-8", run.already_csv),
        "selected.csv" if drawn => ("text/csv; charset=utf-8", run.selected_csv),
        "distribution.csv" if drawn && !run.distribution_csv.is_empty() => {
            ("text/csv; charset=utf-8", run.distribution_csv)
        }
        "seed.txt" if !run.seed.is_empty() => {
            ("text/plain; charset=utf-8", format!("{}\n", run.seed))
        }
        "composition.svg" if drawn => {
            let summary: RunSummary = serde_json::from_str(&run.result_json).unwrap_or_default();
            (
                "image/svg+xml",
                composition_chart(viewer.lang.messages(), &summary)?.to_svg(),
            )
        }
        _ => return Err(AppError::NotFound),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{file}\""),
            ),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_publishes_one_random_key_per_household_and_nothing_else() {
        let features = vec![FeatureDef {
            name: "gender".into(),
            values: vec!["woman".into(), "man".into()],
        }];
        let member = |respondent_id: i64, household: Option<i64>| store::selection::PoolMember {
            respondent_id,
            status: "registered".into(),
            features_json: r#"{"gender":"woman"}"#.into(),
            household,
        };
        let members = [
            member(1, Some(7)),
            member(2, Some(7)),
            member(3, Some(8)),
            member(4, None),
            member(5, None),
        ];
        let pool = build_pool(&features, &members, &HashSet::from([3])).unwrap();
        assert!(
            pool.pool_csv.starts_with("id,gender,household_key\n"),
            "{}",
            pool.pool_csv
        );
        let key_of = |respondent_id: i64| {
            let person = pool
                .people
                .iter()
                .find(|p| p.respondent_id == respondent_id)
                .unwrap();
            let line = pool
                .pool_csv
                .lines()
                .nth(person.position as usize + 1)
                .unwrap();
            assert!(line.starts_with(&person.public_id), "{line}");
            line.rsplit(',').next().unwrap().to_owned()
        };
        assert_eq!(key_of(1), key_of(2), "one household, one key");
        let keys: HashSet<String> = [1, 3, 4, 5].into_iter().map(key_of).collect();
        assert_eq!(
            keys.len(),
            4,
            "other households, and people without an invitation, have keys of their own"
        );
        assert!(
            keys.iter().all(|k| k.starts_with('H')
                && k.len() == 11
                && k[1..].chars().all(|c| c.is_ascii_hexdigit())),
            "random keys, not invitation ids: {keys:?}"
        );
        assert!(
            pool.people
                .iter()
                .any(|p| p.respondent_id == 3 && p.already)
        );
        // The engine reads the column: two people of one household are never both on the panel.
        assert_eq!(
            household_columns(&pool.pool_csv),
            vec![HOUSEHOLD_COLUMN.to_owned()]
        );
        assert_eq!(household_columns("id,gender\n"), Vec::<String>::new());
        let features_text = "feature,value,min,max\ngender,woman,0,2\ngender,man,0,2\n";
        let instance = instance_of(&pool.pool_csv, features_text, "", 2).unwrap();
        for seed in ["a", "b", "c", "d", "e", "f"] {
            let panel = selection::run(&instance, &settings_of("leximin", None), seed, &mut |_| {})
                .unwrap()
                .panel;
            let ids: HashSet<i64> = panel
                .iter()
                .map(|&i| {
                    pool.people
                        .iter()
                        .find(|p| p.public_id == instance.people[i].id)
                        .unwrap()
                        .respondent_id
                })
                .collect();
            assert!(
                !(ids.contains(&1) && ids.contains(&2)),
                "seed {seed}: one per household"
            );
        }
    }
}
