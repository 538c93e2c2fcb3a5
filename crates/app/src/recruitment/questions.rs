//! What a respondent is asked: the questions of the registration form (the assembly's stored features, or the
//! default gender and age-band questions before quotas exist), the answers checked against them, and the access
//! needs, with the JSON each is stored as.
//!
//! Stored JSON that does not decode is an error ([`Error::Internal`]), never an empty answer.

use std::collections::{BTreeMap, HashMap};

use domain::error::{Problem, ValidationError};
use store::AnyConnection;
use store::selection::QuotaRow;

use crate::{Error, Result};

/// The feature that comes from the invitation (its area), never asked on the form.
pub const AREA_FEATURE: &str = "area";
/// The identifiers of the default gender answers, in the form's order.
pub const GENDERS: [&str; 4] = ["woman", "man", "other", "undisclosed"];
/// The identifiers of the default age bands, in the form's order.
pub const AGE_BANDS: [&str; 5] = ["16-29", "30-44", "45-59", "60-74", "75+"];

/// A feature with its values, in the organisers' order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feature {
    /// The feature (`age_band`).
    pub name: String,
    /// Its values.
    pub values: Vec<String>,
}

/// Groups quota rows into features, keeping the first-seen order.
pub fn features_of(quotas: &[QuotaRow]) -> Vec<Feature> {
    let mut features: Vec<Feature> = Vec::new();
    for quota in quotas {
        match features.iter_mut().find(|f| f.name == quota.feature) {
            Some(feature) => feature.values.push(quota.value.clone()),
            None => features.push(Feature {
                name: quota.feature.clone(),
                values: vec![quota.value.clone()],
            }),
        }
    }
    features
}

/// Groups (feature, value) pairs into features, keeping the first-seen order.
pub fn features_of_values(values: &[(String, String)]) -> Vec<Feature> {
    let mut features: Vec<Feature> = Vec::new();
    for (name, value) in values {
        match features.iter_mut().find(|f| &f.name == name) {
            Some(feature) => feature.values.push(value.clone()),
            None => features.push(Feature {
                name: name.clone(),
                values: vec![value.clone()],
            }),
        }
    }
    features
}

/// The assembly's features, from its registration questions page (empty before any are defined; saving quotas
/// first defines them from the quota table, as before that page existed).
pub async fn stored_features(conn: &mut AnyConnection, assembly_id: i64) -> Result<Vec<Feature>> {
    Ok(features_of_values(
        &store::questions::questions(conn, assembly_id).await?,
    ))
}

/// The feature whose value comes from the invitation's area: the one chosen on the questions page, else
/// [`AREA_FEATURE`] (where a registration with a code has always stored the area).
pub async fn area_feature(conn: &mut AnyConnection, assembly_id: i64) -> Result<String> {
    Ok(store::questions::area_feature(conn, assembly_id)
        .await?
        .unwrap_or_else(|| AREA_FEATURE.to_owned()))
}

/// The questions of the registration form of an assembly: its features except the area (taken from the
/// invitation); empty means the default gender and age-band questions.
pub async fn registration_questions(
    conn: &mut AnyConnection,
    assembly_id: i64,
) -> Result<Vec<Feature>> {
    let area = area_feature(&mut *conn, assembly_id).await?;
    Ok(stored_features(conn, assembly_id)
        .await?
        .into_iter()
        .filter(|feature| feature.name != area)
        .collect())
}

/// The answers as the form sent them: the default questions' `gender` and `age_band`, and the assembly's own
/// questions by form field (`q_0`, `q_1`, ...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerFields {
    /// The default gender question.
    pub gender: String,
    /// The default age-band question.
    pub age_band: String,
    /// The assembly's own questions, by field (`q_0`).
    pub by_field: HashMap<String, String>,
}

/// Checks the answers against the questions (every problem at once): with no stored questions, `gender` and
/// `age_band` from their fixed lists (errors name those fields); otherwise one value of each feature (errors name
/// the feature). Returns the answers by feature name, as stored.
pub fn check_answers(
    questions: &[Feature],
    fields: &AnswerFields,
) -> std::result::Result<BTreeMap<String, String>, Vec<ValidationError>> {
    let mut errors = Vec::new();
    let mut answers = BTreeMap::new();
    if questions.is_empty() {
        for (field, value, allowed) in [
            ("gender", &fields.gender, &GENDERS[..]),
            ("age_band", &fields.age_band, &AGE_BANDS[..]),
        ] {
            if value.is_empty() {
                errors.push(ValidationError::new(field, Problem::Required));
            } else if !allowed.contains(&value.as_str()) {
                errors.push(ValidationError::new(field, Problem::Malformed));
            } else {
                answers.insert(field.to_owned(), value.clone());
            }
        }
    } else {
        for (index, feature) in questions.iter().enumerate() {
            let value = fields
                .by_field
                .get(&format!("q_{index}"))
                .map(|value| value.trim())
                .unwrap_or("");
            if value.is_empty() {
                errors.push(ValidationError::new(&feature.name, Problem::Required));
            } else if !feature.values.iter().any(|known| known == value) {
                errors.push(ValidationError::new(&feature.name, Problem::Malformed));
            } else {
                answers.insert(feature.name.clone(), value.to_owned());
            }
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// Answers by feature name as the stored JSON object.
pub fn answers_json(answers: &BTreeMap<String, String>) -> String {
    let object: serde_json::Map<String, serde_json::Value> = answers
        .iter()
        .map(|(name, value)| (name.clone(), serde_json::Value::String(value.clone())))
        .collect();
    serde_json::Value::Object(object).to_string()
}

/// A respondent's stored answers as feature name → value. Stored JSON that does not decode to an object is an
/// error, never an empty set of answers.
pub fn stored_answers(json: &str) -> Result<BTreeMap<String, String>> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json)
        .map_err(|error| Error::internal(format!("stored answers: {error}")))?;
    Ok(object
        .into_iter()
        .map(|(name, value)| {
            let value = match value {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            (name, value)
        })
        .collect())
}

/// What a respondent needs to take part; stored as a JSON object with these keys.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessNeeds {
    /// Childcare.
    pub childcare: bool,
    /// Mobility or step-free access.
    pub mobility: bool,
    /// Language support.
    pub language: bool,
    /// A diet.
    pub diet: bool,
    /// Anything else, in words (personal data).
    pub details: String,
}

/// The longest access-needs details, in characters.
pub const MAX_ACCESS_DETAILS: usize = 1000;

impl AccessNeeds {
    /// The stored JSON.
    pub fn to_json(&self) -> String {
        serde_json::json!({
            "childcare": self.childcare,
            "mobility": self.mobility,
            "language": self.language,
            "diet": self.diet,
            "details": self.details,
        })
        .to_string()
    }

    /// Reads the stored JSON: an object whose missing keys mean "no" (an imported or erased respondent stores
    /// `{}`); anything but an object is an error, never "no needs".
    pub fn from_json(json: &str) -> Result<AccessNeeds> {
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|error| Error::internal(format!("stored access needs: {error}")))?;
        let object = value
            .as_object()
            .ok_or_else(|| Error::internal("stored access needs: not an object"))?;
        let flag = |key: &str| object.get(key).and_then(serde_json::Value::as_bool) == Some(true);
        Ok(AccessNeeds {
            childcare: flag("childcare"),
            mobility: flag("mobility"),
            language: flag("language"),
            diet: flag("diet"),
            details: object
                .get("details")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_questions_are_checked_against_their_lists() {
        let fields = AnswerFields {
            gender: "woman".into(),
            age_band: "robot".into(),
            ..AnswerFields::default()
        };
        assert_eq!(
            check_answers(&[], &fields),
            Err(vec![ValidationError::new("age_band", Problem::Malformed)])
        );
        let fields = AnswerFields {
            age_band: "75+".into(),
            ..fields
        };
        let answers = check_answers(&[], &fields).unwrap();
        assert_eq!(
            answers_json(&answers),
            r#"{"age_band":"75+","gender":"woman"}"#
        );
    }

    #[test]
    fn the_assemblys_questions_name_their_feature() {
        let questions = vec![
            Feature {
                name: "tenure".into(),
                values: vec!["owner".into(), "renter".into()],
            },
            Feature {
                name: "transport".into(),
                values: vec!["car".into(), "bus".into()],
            },
        ];
        let fields = AnswerFields {
            by_field: HashMap::from([
                ("q_0".into(), " renter ".into()),
                ("q_1".into(), "boat".into()),
            ]),
            ..AnswerFields::default()
        };
        assert_eq!(
            check_answers(&questions, &fields),
            Err(vec![ValidationError::new("transport", Problem::Malformed)])
        );
    }

    #[test]
    fn stored_json_that_does_not_decode_is_an_error() {
        assert!(stored_answers("not json").is_err());
        assert!(stored_answers("[1]").is_err());
        assert!(AccessNeeds::from_json("").is_err());
        assert!(AccessNeeds::from_json("[]").is_err());
        assert_eq!(
            AccessNeeds::from_json("{}").unwrap(),
            AccessNeeds::default()
        );
        let needs = AccessNeeds {
            mobility: true,
            details: "Step-free access".into(),
            ..AccessNeeds::default()
        };
        assert_eq!(AccessNeeds::from_json(&needs.to_json()).unwrap(), needs);
    }
}
