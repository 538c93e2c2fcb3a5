//! The public pages: the list of assemblies ([`home`]), an assembly's page with its form to comment on the design
//! of the process ([`assembly`], [`comments`]), and what machines and browsers fetch ([`assets`]: the stylesheet,
//! the health checks, the audit anchor and the page for an unknown path).
//!
//! Nothing here needs an account; a comment is held for moderation (`app::comments`) before anyone sees it.

pub mod assembly;
pub mod assets;
pub mod comments;
pub mod forms;
pub mod home;
pub mod views;

pub use assembly::assembly_page;
pub use assets::{audit_anchor, audit_anchor_json, healthz, not_found, readyz, stylesheet};
pub use comments::post_comment;
pub use home::home;
