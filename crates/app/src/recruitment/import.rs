//! Respondents from a file gathered elsewhere (a CSV with the contact columns and one column per feature):
//! [`parse_import`] checks every cell, naming its line and column, and [`import_respondents`] adds them all or
//! none, with consent recorded as confirmed by the organiser, audited with ids and a count.

use domain::error::{Problem, ValidationError};
use domain::respondent::ConsentMethod;
use store::recruitment::NewRespondent;

use super::questions::{AGE_BANDS, Feature, GENDERS, stored_features};
use crate::audit::{Entry, audited};
use crate::{Actor, Error};

/// The contact columns of a respondents import, before the assembly's features; `phone` may be left out.
pub const CONTACT_COLUMNS: [&str; 3] = ["full_name", "email", "phone"];
/// The most respondents in one import.
pub const MAX_IMPORT_ROWS: usize = 5000;

/// A feature column of a respondents import: its name and, when the assembly has stored quotas, the values it may
/// take (`None`: free text, as the default `area` is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportColumn {
    /// The feature (`age_band`).
    pub name: String,
    /// The values allowed, if fixed.
    pub values: Option<Vec<String>>,
}

/// The feature columns of an import: the assembly's stored features with their values, or the default questions
/// (`gender`, `age_band` and a free-text `area`) when no quotas are stored yet.
pub fn import_columns(stored: &[Feature]) -> Vec<ImportColumn> {
    if stored.is_empty() {
        return vec![
            ImportColumn {
                name: "gender".into(),
                values: Some(GENDERS.iter().map(|v| v.to_string()).collect()),
            },
            ImportColumn {
                name: "age_band".into(),
                values: Some(AGE_BANDS.iter().map(|v| v.to_string()).collect()),
            },
            ImportColumn {
                name: "area".into(),
                values: None,
            },
        ];
    }
    stored
        .iter()
        .map(|feature| ImportColumn {
            name: feature.name.clone(),
            values: Some(feature.values.clone()),
        })
        .collect()
}

/// One respondent read from an import file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The full name.
    pub full_name: String,
    /// The email, lower-cased.
    pub email: String,
    /// The phone, or empty.
    pub phone: String,
    /// The answers, as stored (one key per feature column).
    pub features_json: String,
}

/// A cell of an import file that was refused: 1-based line and column, and the field's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellError {
    /// The line in the file (the header is line 1).
    pub line: u64,
    /// The column (1-based).
    pub column: usize,
    /// The field and what is wrong with it.
    pub error: ValidationError,
}

/// Reads a respondents CSV (a header row with the [`CONTACT_COLUMNS`] and one column per feature of `features`,
/// `phone` optional, in any order); every problem is reported with its line and column, and any problem refuses
/// the whole file.
pub fn parse_import(
    text: &str,
    features: &[ImportColumn],
) -> Result<Vec<ImportRow>, Vec<CellError>> {
    let cell_error = |line: u64, column: usize, field: &str, problem: Problem| CellError {
        line,
        column,
        error: ValidationError::new(field, problem),
    };
    let names: Vec<&str> = CONTACT_COLUMNS
        .iter()
        .copied()
        .chain(features.iter().map(|feature| feature.name.as_str()))
        .collect();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(_)) | None => return Err(vec![cell_error(1, 1, "csv", Problem::Required)]),
    };
    let mut errors = Vec::new();
    let mut position: Vec<Option<usize>> = vec![None; names.len()];
    for (index, name) in header.iter().enumerate() {
        match names.iter().position(|column| *column == name.trim()) {
            Some(known) if position[known].is_none() => position[known] = Some(index),
            _ => errors.push(cell_error(1, index + 1, name.trim(), Problem::Malformed)),
        }
    }
    for (known, column) in names.iter().enumerate() {
        if position[known].is_none() && *column != "phone" {
            errors.push(cell_error(1, header.len() + 1, column, Problem::Required));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map(|p| p.line()).unwrap_or(0);
                errors.push(cell_error(line, 1, "csv", Problem::Malformed));
                continue;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        if rows.len() + errors.len() >= MAX_IMPORT_ROWS {
            errors.push(cell_error(
                line,
                1,
                "csv",
                Problem::TooMany {
                    max: MAX_IMPORT_ROWS,
                },
            ));
            break;
        }
        let cell = |known: usize| -> (usize, String) {
            let index = position[known].unwrap_or(usize::MAX);
            (
                index.saturating_add(1),
                record.get(index).unwrap_or("").trim().to_owned(),
            )
        };
        let before = errors.len();
        let (column, full_name) = cell(0);
        if full_name.is_empty() {
            errors.push(cell_error(line, column, "full_name", Problem::Required));
        } else if full_name.chars().count() > 200 {
            errors.push(cell_error(
                line,
                column,
                "full_name",
                Problem::TooLong { max: 200 },
            ));
        }
        let (column, email) = cell(1);
        let email = domain::account::Email::parse(&email)
            .map(|email| email.as_str().to_owned())
            .map_err(|error| errors.push(cell_error(line, column, "email", error.problem)))
            .unwrap_or_default();
        let (column, phone) = cell(2);
        if phone.chars().count() > 40 {
            errors.push(cell_error(
                line,
                column,
                "phone",
                Problem::TooLong { max: 40 },
            ));
        } else if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
        {
            errors.push(cell_error(line, column, "phone", Problem::Malformed));
        }
        let mut answers = serde_json::Map::new();
        for (offset, feature) in features.iter().enumerate() {
            let (column, value) = cell(CONTACT_COLUMNS.len() + offset);
            let field = feature.name.as_str();
            if value.is_empty() {
                errors.push(cell_error(line, column, field, Problem::Required));
            } else if value.chars().count() > 100 {
                errors.push(cell_error(
                    line,
                    column,
                    field,
                    Problem::TooLong { max: 100 },
                ));
            } else if feature
                .values
                .as_ref()
                .is_some_and(|values| !values.contains(&value))
            {
                errors.push(cell_error(line, column, field, Problem::Malformed));
            }
            answers.insert(field.to_owned(), serde_json::Value::String(value));
        }
        if errors.len() == before {
            rows.push(ImportRow {
                full_name,
                email,
                phone,
                features_json: serde_json::Value::Object(answers).to_string(),
            });
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(cell_error(2, 1, "csv", Problem::Required));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// An import asked for.
#[derive(Clone, PartialEq, Eq)]
pub struct ImportCommand {
    /// The CSV text (personal data).
    pub csv: String,
    /// Whether the organiser confirmed that the people in the file consented to their details being kept.
    pub consented: bool,
    /// The language of the respondents' emails (the organiser's).
    pub lang: String,
}

impl std::fmt::Debug for ImportCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportCommand")
            .field("consented", &self.consented)
            .finish_non_exhaustive()
    }
}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file or the consent is refused (every problem at once).
    #[error("the import was refused")]
    Refused {
        /// The refused cells.
        cells: Vec<CellError>,
        /// Whether consent was not confirmed.
        no_consent: bool,
    },
    /// Anything else.
    #[error(transparent)]
    App(#[from] Error),
}

impl From<store::StoreError> for ImportError {
    fn from(error: store::StoreError) -> ImportError {
        ImportError::App(error.into())
    }
}

/// Adds the respondents of an import file to the assembly in the caller's transaction, all or nothing: the file
/// is checked against the assembly's stored features (or the default questions) and consent must be confirmed;
/// each respondent is stored `registered` with consent recorded as `import` under the organiser's account, and one
/// audit entry lists the new ids. Returns them.
pub async fn import_respondents(
    tx: &mut store::Tx,
    actor: &Actor,
    assembly_id: i64,
    command: &ImportCommand,
    now: i64,
) -> Result<Vec<i64>, ImportError> {
    let features = stored_features(tx, assembly_id).await?;
    let parsed = parse_import(&command.csv, &import_columns(&features));
    let rows = match parsed {
        Ok(rows) if command.consented => rows,
        parsed => {
            return Err(ImportError::Refused {
                cells: parsed.err().unwrap_or_default(),
                no_consent: !command.consented,
            });
        }
    };
    store::assemblies::get_assembly(tx, assembly_id).await?;
    let entity = format!("assembly:{assembly_id}");
    let ids = audited(tx, actor, "respondents.import", &entity, now, async |tx| {
        let mut ids = Vec::with_capacity(rows.len());
        for row in &rows {
            let id = store::recruitment::add_respondent(
                tx,
                &NewRespondent {
                    assembly_id,
                    invitation_id: None,
                    full_name: &row.full_name,
                    email: &row.email,
                    phone: &row.phone,
                    features_json: &row.features_json,
                    access_needs_json: "{}",
                    consent_at: now,
                },
                now,
            )
            .await?;
            store::members::record_registration(
                tx,
                assembly_id,
                id,
                ConsentMethod::Import,
                actor.account_id,
                &command.lang,
            )
            .await?;
            ids.push(id);
        }
        let after = serde_json::json!({
            "assembly_id": assembly_id,
            "imported": ids.len(),
            "respondent_ids": ids,
        });
        Ok((ids, Entry::after(after)))
    })
    .await?;
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn imports_are_checked_cell_by_cell_with_line_and_column() {
        let good = "email,full_name,gender,age_band,area\nA@Example.org,Ada,woman,75+,Hill\n\nb@example.org,\"Bo, Jr\",man,16-29,Valley\n";
        let defaults = import_columns(&[]);
        let rows = parse_import(good, &defaults).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].email, "a@example.org");
        assert_eq!(rows[1].full_name, "Bo, Jr");
        assert_eq!(
            rows[0].features_json,
            r#"{"age_band":"75+","area":"Hill","gender":"woman"}"#
        );
        let bad = "full_name,email,gender,age_band,area\nAda,ada@example.org,woman,75+,Hill\nBo,not-an-email,robot,16-29,\n";
        let errors = parse_import(bad, &defaults).unwrap_err();
        let at: Vec<_> = errors
            .iter()
            .map(|e| (e.line, e.column, e.error.field.as_str()))
            .collect();
        assert_eq!(at, vec![(3, 2, "email"), (3, 3, "gender"), (3, 5, "area")]);
        let errors = parse_import("full_name,email,colour\n", &defaults).unwrap_err();
        let at: Vec<_> = errors
            .iter()
            .map(|e| (e.line, e.column, e.error.field.as_str()))
            .collect();
        assert_eq!(
            at,
            vec![
                (1, 3, "colour"),
                (1, 4, "gender"),
                (1, 4, "age_band"),
                (1, 4, "area")
            ]
        );
        assert!(parse_import("", &defaults).is_err());
        assert!(parse_import("full_name,email,gender,age_band,area\n", &defaults).is_err());
    }

    #[test]
    fn imports_follow_the_assemblys_stored_features_and_their_values() {
        let stored = vec![
            Feature {
                name: "tenure".into(),
                values: vec!["owner".into(), "renter".into()],
            },
            Feature {
                name: "area".into(),
                values: vec!["Hill".into(), "Valley".into()],
            },
        ];
        let columns = import_columns(&stored);
        let rows = parse_import(
            "full_name,email,area,tenure\nAda,ada@example.org,Hill,renter\n",
            &columns,
        )
        .unwrap();
        assert_eq!(
            rows[0].features_json,
            r#"{"area":"Hill","tenure":"renter"}"#
        );
        let errors = parse_import("full_name,email,area,tenure\nAda,ada@example.org,Coast,renter\nBo,bo@example.org,Hill,\n", &columns).unwrap_err();
        let at: Vec<_> = errors
            .iter()
            .map(|e| (e.line, e.column, e.error.field.as_str()))
            .collect();
        assert_eq!(at, vec![(2, 3, "area"), (3, 4, "tenure")]);
        let errors = parse_import("full_name,email,gender,age_band,area\n", &columns).unwrap_err();
        let at: Vec<_> = errors
            .iter()
            .map(|e| (e.line, e.column, e.error.field.as_str()))
            .collect();
        assert_eq!(
            at,
            vec![(1, 3, "gender"), (1, 4, "age_band"), (1, 6, "tenure")]
        );
    }
}
