//! The forms that edit and remove a recommendation's records (issue 18, item 8): any record form with the version
//! it showed ([`VersionedForm`]), and the removal form ([`RemovalForm`]: the version and why).

use domain::error::{Problem, ValidationError};
use serde::Deserialize;

use super::{Shape, Worded};
use crate::form::{FieldErrors, Validate};
use crate::i18n::impact::ImpactMessages;

/// The version a form showed: empty is `None` (a form that predates versions, or an import), else a whole number
/// from 0 (0: the record did not exist yet).
fn version(errors: &mut FieldErrors, raw: &str) -> Option<Option<i64>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Some(None);
    }
    errors.take(
        raw.parse::<i64>()
            .ok()
            .filter(|version| *version >= 0)
            .map(Some)
            .ok_or_else(|| ValidationError::new("version", Problem::Malformed)),
    )
}

/// A record's form with the version of the record it showed.
#[derive(Debug, Default, Deserialize)]
pub struct VersionedForm<F> {
    /// The version shown.
    #[serde(default)]
    pub version: String,
    /// The record's fields.
    #[serde(flatten)]
    pub form: F,
}

impl<F: Validate> Validate for VersionedForm<F> {
    type Command = (Option<i64>, F::Command);

    fn validate(&self) -> Result<Self::Command, FieldErrors> {
        let mut errors = FieldErrors::new();
        let version = version(&mut errors, &self.version);
        match (version, self.form.validate()) {
            (Some(version), Ok(command)) => Ok((version, command)),
            (_, Err(more)) => {
                errors.0.extend(more.0);
                Err(errors)
            }
            (None, Ok(_)) => Err(errors),
        }
    }
}

impl<F: Worded> Worded for VersionedForm<F> {
    fn field(t: &'static ImpactMessages, name: &str) -> (&'static str, Shape) {
        F::field(t, name)
    }
}

/// The removal form: the version shown and why the record is removed.
#[derive(Debug, Default, Deserialize)]
pub struct RemovalForm {
    /// The version shown.
    #[serde(default)]
    pub version: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

impl Validate for RemovalForm {
    type Command = (i64, String);

    fn validate(&self) -> Result<(i64, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let version = version(&mut errors, &self.version).and_then(|version| {
            if version.is_none() {
                errors.push(ValidationError::new("version", Problem::Required));
            }
            version
        });
        let reason = errors.take(app::impact::removal_reason(&self.reason));
        match (version, reason) {
            (Some(version), Some(reason)) if errors.is_empty() => Ok((version, reason)),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impact::forms::MilestoneForm;

    #[test]
    fn a_versioned_form_reads_its_version_and_a_removal_needs_a_version_and_a_reason() {
        let form = VersionedForm {
            version: "3".to_owned(),
            form: MilestoneForm {
                happened_on: "2021-08-22".to_owned(),
                kind: "bill".to_owned(),
                description: "Climate and resilience act".to_owned(),
                evidence_url: "https://example.org/act".to_owned(),
            },
        };
        assert_eq!(form.validate().unwrap().0, Some(3));
        let unversioned = VersionedForm {
            version: String::new(),
            ..form
        };
        assert_eq!(unversioned.validate().unwrap().0, None);
        let negative = VersionedForm {
            version: "-1".to_owned(),
            ..unversioned
        };
        assert!(negative.validate().unwrap_err().has("version"));
        let removal = RemovalForm {
            version: String::new(),
            reason: "  ".to_owned(),
        };
        let errors = removal.validate().unwrap_err();
        assert!(errors.has("version") && errors.has("reason"));
        let removal = RemovalForm {
            version: "2".to_owned(),
            reason: " entered twice ".to_owned(),
        };
        assert_eq!(removal.validate().unwrap(), (2, "entered twice".to_owned()));
    }
}
