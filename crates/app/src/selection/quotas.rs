//! The quotas of an assembly: features with their values, population shares and min/max seats, the panel size and
//! the announced seed source; the proposal of min and max from the shares, and saving them (audited). The stored
//! features are also the questions of the registration form ([`registration_questions`]).

use ::recruitment::quotas::{FeatureShares, Tolerance, ValueShare, propose_quotas};
use store::AnyConnection;
use store::selection::{QuotaRow, SettingsRow};

use super::Refusal;
use crate::audit::{Entry, audited};
use crate::{Actor, Result};

/// The feature whose value comes from the invitation (the household's area), not from a question.
pub const AREA_FEATURE: &str = "area";
/// The most lines (feature values) a quota table may have.
pub const MAX_QUOTA_LINES: usize = 200;

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

/// The questions of the registration form of an assembly: its registration questions except the area (taken from
/// the invitation). Recruitment's registration pages ask them.
pub async fn registration_questions(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<FeatureDef>> {
    Ok(
        crate::recruitment::questions::registration_questions(conn, assembly_id)
            .await?
            .into_iter()
            .map(|feature| FeatureDef {
                name: feature.name,
                values: feature.values,
            })
            .collect(),
    )
}

/// Quotas refer to the registration questions: once they are defined on the questions page, every line must name
/// one of their values (the first that does not is the refusal). Otherwise the quota table defines them (feature
/// `area`, if present, is the area), as before that page existed, so such an assembly keeps working; returns
/// whether it did.
async fn refer_to_questions(
    tx: &mut store::Tx,
    assembly_id: i64,
    lines: &[QuotaLine],
) -> Result<Result<bool, Refusal>> {
    use store::questions::Source;
    if let Some((Source::Page, _)) = store::questions::settings(tx, assembly_id).await? {
        let defined = store::questions::questions(tx, assembly_id).await?;
        for (index, line) in lines.iter().enumerate() {
            if !defined
                .iter()
                .any(|(feature, value)| feature == &line.feature && value == &line.value)
            {
                return Ok(Err(Refusal::NotAQuestion {
                    line: index + 1,
                    feature: line.feature.clone(),
                    value: line.value.clone(),
                }));
            }
        }
        return Ok(Ok(false));
    }
    let values: Vec<(String, String)> = lines
        .iter()
        .map(|line| (line.feature.clone(), line.value.clone()))
        .collect();
    let area = values
        .iter()
        .any(|(feature, _)| feature == AREA_FEATURE)
        .then_some(AREA_FEATURE);
    store::questions::save_questions(tx, assembly_id, &values, Source::Quotas, area).await?;
    Ok(Ok(true))
}

/// One value of the quota table as typed: `feature,value,share[,min,max]`.
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

impl QuotaLine {
    /// The line of a stored quota.
    pub fn of(quota: &QuotaRow) -> QuotaLine {
        QuotaLine {
            feature: quota.feature.clone(),
            value: quota.value.clone(),
            share_ppm: quota.share_ppm,
            min: Some(quota.min_seats),
            max: Some(quota.max_seats),
        }
    }
}

/// A quota table to save: the panel size, the announced seed source and the lines (min and max may be missing;
/// [`save_quotas`] proposes them from the shares).
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaDraft {
    /// Seats on the panel.
    pub panel_size: u32,
    /// The announced seed source.
    pub seed_source: String,
    /// The lines, in the organisers' order.
    pub lines: Vec<QuotaLine>,
}

/// Fills min and max from the population shares for the panel size (the `recruitment` engine's proposal): every
/// line with `overwrite`, else only the missing bounds. The error is the engine's reason.
pub fn propose(lines: &mut [QuotaLine], panel_size: u32, overwrite: bool) -> Result<(), String> {
    let rows: Vec<QuotaRow> = lines
        .iter()
        .map(|l| QuotaRow {
            feature: l.feature.clone(),
            value: l.value.clone(),
            share_ppm: l.share_ppm,
            min_seats: 0,
            max_seats: 0,
        })
        .collect();
    let shares: Vec<FeatureShares> = features_of(&rows)
        .iter()
        .map(|def| FeatureShares {
            feature: def.name.clone(),
            values: def
                .values
                .iter()
                .map(|value| ValueShare {
                    value: value.clone(),
                    share: lines
                        .iter()
                        .find(|l| l.feature == def.name && &l.value == value)
                        .map(|line| line.share_ppm as f64 / 1_000_000.0)
                        .unwrap_or(0.0),
                })
                .collect(),
        })
        .collect();
    let proposal =
        propose_quotas(&shares, panel_size, Tolerance::default()).map_err(|e| e.to_string())?;
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

/// Replaces the quotas and settings of an assembly (audited with counts only), after proposing the missing min and
/// max from the shares ([`Refusal::Proposal`] if that fails).
pub async fn save_quotas(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    draft: &QuotaDraft,
    now: i64,
) -> Result<Result<(), Refusal>> {
    let mut lines = draft.lines.clone();
    let questions_defined = match refer_to_questions(tx, assembly_id, &lines).await? {
        Ok(defined) => defined,
        Err(refusal) => return Ok(Err(refusal)),
    };
    if lines.iter().any(|l| l.min.is_none() || l.max.is_none())
        && let Err(reason) = propose(&mut lines, draft.panel_size, false)
    {
        return Ok(Err(Refusal::Proposal(reason)));
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
    let settings = SettingsRow {
        panel_size: i64::from(draft.panel_size),
        seed_source: draft.seed_source.clone(),
    };
    let entity = format!("assembly:{assembly_id}/quotas");
    audited(tx, actor, "quotas.save", &entity, now, async |tx| {
        store::selection::save_quotas(tx, assembly_id, &settings, &rows, now).await?;
        let after = serde_json::json!({
            "assembly_id": assembly_id, "panel_size": draft.panel_size, "values": rows.len(),
            "questions_defined": questions_defined,
        });
        Ok(((), Entry::after(after)))
    })
    .await?;
    Ok(Ok(()))
}

/// What the quota editor shows besides the check: the assembly's title, its settings and its stored quotas.
#[derive(Debug, Clone)]
pub struct Editor {
    /// The assembly's title.
    pub title: String,
    /// The settings, if saved.
    pub settings: Option<SettingsRow>,
    /// The stored quotas.
    pub quotas: Vec<QuotaRow>,
}

/// Reads the quota editor of an assembly (404 for an unknown assembly).
pub async fn editor(conn: &mut AnyConnection, assembly_id: i64) -> Result<Editor> {
    let title = store::assemblies::get_assembly(&mut *conn, assembly_id)
        .await?
        .title;
    Ok(Editor {
        title,
        settings: store::selection::settings(&mut *conn, assembly_id).await?,
        quotas: store::selection::quotas(&mut *conn, assembly_id).await?,
    })
}
