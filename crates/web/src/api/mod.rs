//! The JSON API under `/api/v1` and its OpenAPI 3.1 document.
//!
//! The request and response shapes here are a compatibility contract: they change deliberately. Each resource has
//! its file with its shapes and handlers ([`assemblies`], [`comments`]); a handler parses its body into the same
//! typed command as the matching page and calls the same `app` use case, so the API and the pages cannot write
//! differently. [`openapi`] writes the document; its list of paths comes from the route table, and a test fails
//! if a route has no description there.
//!
//! The lifecycle's reads (issue 18, item 9: [`recruitment`], [`selection`], [`sessions`], [`deliberation`],
//! [`recommendations`]) call the same `app` reads as the pages, for the same roles, and page every list ([`page`]).
//! The public ones (anyone may read them, with no token) answer every origin through CORS, so that other sites can
//! embed them (`cross_origin_readable` in the route table); no other route does.

pub mod assemblies;
// Members' sign-in code deliveries (issue 18, item 2).
pub mod codes;
pub mod comments;
// Impact records edited and removed, and their history (issue 18, item 8).
pub mod impact_edits;
// Staff invitations (issue 18, item 3).
pub mod invitations;
pub mod openapi;
// The lifecycle's reads (issue 18, item 9).
pub mod deliberation;
pub mod page;
pub mod recommendations;
pub mod recruitment;
pub mod selection;
pub mod sessions;
// The bulk actions of issue 18 for scripts (item 9): print runs, phases and publishing, questions.
pub mod prints;
pub mod publishing;
pub mod questions;

pub use assemblies::{create_assembly, get_assembly, list_assemblies, update_assembly};
pub use codes::{list_code_deliveries, record_mail_bounces, resend_code_deliveries};
pub use comments::{api_moderate_comments, list_comments, post_comment};
pub use invitations::invite_staff;
pub use openapi::{openapi_document, operation};

/// A JSON body, or why it could not be read (turned into a 400/413/415/422 naming the problem).
type JsonBody<T> = Result<axum::Json<T>, axum::extract::rejection::JsonRejection>;
