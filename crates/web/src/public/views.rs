//! The page models of the public pages (templates `home.html` and `assembly.html`).

use askama::Template;

use crate::views::{AssemblyView, Chrome, CommentView, SummaryView};

/// The list of public assemblies.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    /// Chrome.
    pub c: Chrome,
    /// The assemblies.
    pub assemblies: Vec<SummaryView>,
}

/// The public page of one assembly, with the design-comment form.
#[derive(Template)]
#[template(path = "assembly.html")]
pub struct AssemblyPage {
    /// Chrome.
    pub c: Chrome,
    /// The assembly.
    pub a: AssemblyView,
    /// The page of approved comments shown.
    pub comments: Vec<CommentView>,
    /// The page links of the approved comments (issue 18, item 5).
    pub paging: crate::paging::Paging,
    /// Whether to thank the visitor for a comment just sent.
    pub thanks: bool,
    /// Validation errors of the comment form.
    pub errors: Vec<String>,
    /// The comment as typed (after an error).
    pub body: String,
    /// How many people have registered (a count, never names).
    pub registered: i64,
    /// "Who took part" (community assemblies, issue 16).
    pub took_part_heading: &'static str,
    /// One line per way of taking part (`app::community::participation`).
    pub participation: Vec<String>,
    /// The link to the community assemblies.
    pub community_link: &'static str,
}
