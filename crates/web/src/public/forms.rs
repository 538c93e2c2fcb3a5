//! The public pages' one form: a comment on the design of the process.

use domain::assembly::CommentBody;
use serde::Deserialize;

use crate::form::{FieldErrors, Validate};

/// The design-comment form.
#[derive(Debug, Deserialize)]
pub struct CommentFields {
    /// The comment.
    #[serde(default)]
    pub body: String,
}

impl Validate for CommentFields {
    type Command = CommentBody;

    fn validate(&self) -> Result<CommentBody, FieldErrors> {
        CommentBody::parse(&self.body).map_err(FieldErrors::from)
    }
}
