//! The selection pages (issue 4): the quota editor with its live feasibility check, the selection runs (a test run,
//! the final run committed before its seed and then drawn, cancel and resume, the run's progress page), the public
//! verifiability page with the published files, and the panel after the final run (confirmations, drop-outs and
//! replacement runs).
//!
//! Handlers only speak HTTP: they read the form, call one `app::selection` use case in the transaction they own,
//! commit, start the jobs the use case asked for ([`job::start`]) and render. The rules, the anonymised pool and
//! the audit trail are in `app::selection`; the engine runs in [`job`], off the request path.
//!
//! - `quotas.rs`: the quota editor.
//! - `runs.rs`: the selection page and the life of a run.
//! - `job.rs`: the background job of a run and the recovery at startup.
//! - `public.rs`: the public page and the published files.
//! - `panel.rs`: the panel, its confirmations and drop-outs, and replacement runs.
//! - `forms.rs` and `views.rs`: the forms and the pages.

pub mod forms;
pub mod job;
pub mod panel;
// The panel's bulk action in the JSON API (issue 18, item 1).
pub mod bulk;
pub mod public;
pub mod quotas;
pub mod runs;
pub mod views;

pub use app::selection::{AREA_FEATURE, FeatureDef, features_of};
pub use bulk::api_panel_statuses;
pub use job::recover_interrupted_runs;
pub use panel::{commit_replacement, panel, record, record_many};
pub use public::{public_file, public_selection};
pub use quotas::{quotas, save_quotas};
pub use runs::{
    cancel_run, commit_final_run, draw_committed_run, resume_run, run, selection, start_test_run,
};

use crate::AppState;
use crate::error::AppError;

/// The questions of the registration form of an assembly (its stored features but the area). Kept here for the
/// recruitment pages until they call `app::selection::registration_questions` themselves.
pub async fn registration_questions(
    state: &AppState,
    assembly_id: i64,
) -> Result<Vec<FeatureDef>, AppError> {
    let mut connection = state.store.connection().await?;
    Ok(app::selection::registration_questions(&mut connection, assembly_id).await?)
}

/// The staff page of a run.
fn run_url(assembly_id: i64, run_id: i64) -> String {
    format!("/staff/assemblies/{assembly_id}/selection/runs/{run_id}")
}
