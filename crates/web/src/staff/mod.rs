//! The staff pages: the dashboard ([`dashboard`]), creating and editing an assembly ([`assemblies`]), its workspace
//! ([`workspace`]) with the forms that give someone a role ([`roles`]) or add a member who signs in with a code
//! ([`members`]), how members' sign-in codes were delivered ([`codes`]), the moderation queue of design comments ([`moderation`]), and the platform pages: staff
//! accounts ([`accounts`]), one account's access ([`access`]: disable, enable, end sessions, reset the password,
//! revoke tokens), one's own API tokens ([`tokens`]) and the audit log ([`audit`]).
//!
//! Each handler reads its form into a command ([`forms`]), calls one `app` use case in one transaction, commits,
//! carries out the effects, and renders a page of [`views`] or redirects.

pub mod access;
pub mod accounts;
pub mod assemblies;
pub mod audit;
// Members' sign-in code deliveries (issue 18, item 2).
pub mod codes;
pub mod dashboard;
pub mod forms;
// Staff invitations (issue 18, item 3).
pub mod invitations;
pub mod members;
pub mod moderation;
// The phase control (issue 18, item 7).
pub mod phase;
pub mod roles;
// Platform settings (issue 18, item 3).
pub mod settings;
pub mod tokens;
pub mod views;
pub mod workspace;

pub use accounts::{accounts, create_account};
pub use assemblies::{create_assembly, edit_assembly_form, new_assembly_form, update_assembly};
pub use audit::audit_log;
pub use codes::{code_deliveries, print_letters, resend_codes};
pub use dashboard::dashboard;
pub use invitations::{invite_staff, revoke_invitation};
pub use members::add_member;
pub use moderation::{moderate_comment, moderate_comments, moderation_queue};
pub use phase::change_phase;
pub use roles::{assign_role, remove_role};
pub use settings::{save_settings, settings};
pub use tokens::{create_token, revoke_token, tokens};
pub use workspace::{search_people, workspace};
