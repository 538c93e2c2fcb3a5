//! The templates of community assemblies and the views of stored rows they show. A view of an outcome carries
//! its host's name and community, never the email (the store never reads it for a list).

use askama::Template;
use domain::community::CommunityKind;
use store::community::OutcomeRow;

use crate::i18n::community::CommunityMessages;
use crate::i18n::fill;
use crate::views::Chrome;

/// An outcome as pages show it.
#[derive(Debug, Clone)]
pub struct OutcomeView {
    /// The id.
    pub id: i64,
    /// "Hosted by {name}, {community}".
    pub provenance: String,
    /// The kind of community, in words.
    pub kind: String,
    /// The area, or "no area".
    pub area: String,
    /// The date held.
    pub held_on: String,
    /// "{n} participants".
    pub participants: String,
    /// The anonymous summary: (feature, value, count).
    pub demographics: Vec<(String, String, i64)>,
    /// The questions discussed.
    pub questions: String,
    /// The main points.
    pub points: String,
    /// The recommendations.
    pub recommendations: String,
    /// Notes.
    pub notes: String,
    /// The status in words.
    pub status: String,
    /// Its photos (filled by [`OutcomeView::with_photos`]).
    pub photos: Vec<PhotoView>,
}

/// A photo of an outcome.
#[derive(Debug, Clone)]
pub struct PhotoView {
    /// The photo.
    pub id: i64,
    /// Where it is served.
    pub url: String,
    /// Its text alternative.
    pub alt: String,
}

impl OutcomeView {
    /// The view of a stored outcome.
    pub fn new(row: &OutcomeRow, t: &CommunityMessages) -> OutcomeView {
        let demographics =
            serde_json::from_str::<Vec<(String, String, i64)>>(&row.demographics_json)
                .unwrap_or_default();
        OutcomeView {
            id: row.id,
            provenance: fill(
                t.hosted_by,
                &[("name", &row.host_name), ("community", &row.community)],
            ),
            kind: t.kind_name(row.kind).to_owned(),
            area: area_name(&row.area, t),
            held_on: row.held_on.clone(),
            participants: fill(t.participants_n, &[("n", &row.participants.to_string())]),
            demographics,
            questions: row.questions.clone(),
            points: row.points.clone(),
            recommendations: row.recommendations.clone(),
            notes: row.notes.clone(),
            status: t.status_name(row.status).to_owned(),
            photos: Vec::new(),
        }
    }

    /// Adds the photos of this outcome from `by_outcome` (outcome → photo ids), with a text alternative each.
    pub fn with_photos(
        mut self,
        assembly_id: i64,
        community: &str,
        by_outcome: &std::collections::HashMap<i64, Vec<i64>>,
        lang: crate::i18n::Lang,
    ) -> OutcomeView {
        let pt = lang.t::<crate::i18n::participation::ParticipationMessages>();
        self.photos = by_outcome
            .get(&self.id)
            .map(|ids| {
                ids.iter()
                    .enumerate()
                    .map(|(index, &id)| PhotoView {
                        id,
                        url: format!("/assemblies/{assembly_id}/community/photos/{id}"),
                        alt: fill(
                            pt.photo_alt,
                            &[("n", &(index + 1).to_string()), ("community", community)],
                        ),
                    })
                    .collect()
            })
            .unwrap_or_default();
        self
    }
}

/// The area's name, or "no area given".
pub fn area_name(area: &str, t: &CommunityMessages) -> String {
    if area.is_empty() {
        t.no_area.to_owned()
    } else {
        area.to_owned()
    }
}

/// A choice of a select: (value, label).
pub type Choice = (String, String);

/// The kinds of community as choices.
pub fn kind_choices(t: &CommunityMessages) -> Vec<Choice> {
    CommunityKind::ALL
        .into_iter()
        .map(|kind| (kind.as_str().to_owned(), t.kind_name(kind).to_owned()))
        .collect()
}

/// A summary feature on the outcome form: its name and its values with their field names.
#[derive(Debug, Clone)]
pub struct SummaryFeature {
    /// The feature.
    pub name: String,
    /// (field, value).
    pub values: Vec<(String, String)>,
}

/// The summary features of an assembly with their fields `d_{i}_{j}`.
pub fn summary_features(features: &[app::recruitment::questions::Feature]) -> Vec<SummaryFeature> {
    features
        .iter()
        .enumerate()
        .map(|(i, feature)| SummaryFeature {
            name: feature.name.clone(),
            values: feature
                .values
                .iter()
                .enumerate()
                .map(|(j, value)| (format!("d_{i}_{j}"), value.clone()))
                .collect(),
        })
        .collect()
}

/// `GET /staff/assemblies/{id}/community`.
#[derive(Template)]
#[template(path = "community/staff.html")]
pub struct StaffPage {
    /// The chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static CommunityMessages,
    /// The assembly.
    pub assembly_id: i64,
    /// Its title.
    pub assembly_title: String,
    /// Whether the phase is open.
    pub is_open: bool,
    /// The guide.
    pub guide: String,
    /// What is wrong with the last form.
    pub errors: Vec<String>,
    /// A notice (saved, moderated).
    pub notice: Option<String>,
    /// The pending outcomes of this page.
    pub pending: Vec<OutcomeView>,
    /// "Accepted so far: ...".
    pub accepted_total: String,
    /// Pagination.
    pub pager: Pager,
}

/// Links to the previous and next pages of a list.
#[derive(Debug, Clone, Default)]
pub struct Pager {
    /// The previous page's URL.
    pub previous: Option<String>,
    /// The next page's URL.
    pub next: Option<String>,
}

impl Pager {
    /// The pager of page `page` (from 0) of `total` items at `base` (a path; `?page=` is added).
    pub fn new(base: &str, page: i64, total: i64) -> Pager {
        let size = app::community::PAGE_SIZE;
        Pager {
            previous: (page > 0).then(|| format!("{base}?page={}", page - 1)),
            next: ((page + 1) * size < total).then(|| format!("{base}?page={}", page + 1)),
        }
    }
}

/// The host's page: registration (and the key form), or the host's dashboard.
#[derive(Template)]
#[template(path = "community/host.html")]
pub struct HostPage {
    /// The chrome.
    pub c: Chrome,
    /// The strings of photos (issue 16).
    pub pt: &'static crate::i18n::participation::ParticipationMessages,
    /// This feature's strings.
    pub t: &'static CommunityMessages,
    /// The assembly.
    pub assembly_id: i64,
    /// Its title.
    pub assembly_title: String,
    /// Its question.
    pub question: String,
    /// Whether the phase is open.
    pub is_open: bool,
    /// A notice.
    pub notice: Option<String>,
    /// What is wrong with the last form.
    pub errors: Vec<String>,
    /// The registration as typed.
    pub form: super::forms::HostFields,
    /// The kinds of community.
    pub kinds: Vec<Choice>,
    /// The assembly's areas (empty: no area question).
    pub areas: Vec<String>,
    /// The signed-in host, if any: "Host: ..." and their outcomes.
    pub host: Option<HostView>,
    /// The kit's materials: (path segment, name).
    pub kit: Vec<(&'static str, &'static str)>,
}

/// The kit's materials with their names: (path segment, name).
pub fn kit_links(t: &'static CommunityMessages) -> Vec<(&'static str, &'static str)> {
    vec![
        ("guide", t.guide_title),
        ("agenda", t.agenda_title),
        ("sign-in", t.sign_in_title),
        ("question", t.question_title),
        ("outcome-form", t.outcome_form_title),
        ("evidence", t.evidence_title),
    ]
}

/// What the host's dashboard shows.
#[derive(Debug, Clone)]
pub struct HostView {
    /// "Host: {name}, {community}".
    pub welcome: String,
    /// The summary features.
    pub features: Vec<SummaryFeature>,
    /// The outcome form as typed (after an error).
    pub typed: std::collections::HashMap<String, String>,
    /// The outcomes the host sent, newest first, with their raw fields for the correction form.
    pub outcomes: Vec<(OutcomeView, OutcomeRow)>,
}

impl HostView {
    /// The value typed in field `name` of the new outcome's form.
    pub fn typed(&self, name: &str) -> &str {
        self.typed.get(name).map(String::as_str).unwrap_or("")
    }
}

/// The page that shows a host's key once (no relay).
#[derive(Template)]
#[template(path = "community/key.html")]
pub struct KeyPage {
    /// The chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static CommunityMessages,
    /// The assembly.
    pub assembly_id: i64,
    /// The key.
    pub key: String,
}

/// One printable page of the kit.
#[derive(Template)]
#[template(path = "community/kit.html")]
pub struct KitPage {
    /// The chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static CommunityMessages,
    /// The assembly.
    pub assembly_id: i64,
    /// Its title.
    pub assembly_title: String,
    /// Its question.
    pub question: String,
    /// Which material (`guide`, `agenda`, `sign-in`, `question`, `outcome-form`, `evidence`).
    pub material: String,
    /// The page's heading.
    pub heading: String,
    /// Paragraphs of the guide, or the agenda's items.
    pub lines: Vec<String>,
    /// The evidence pack: (topic, title, url, summary).
    pub evidence: Vec<(String, String, String, String)>,
    /// The summary features (outcome form).
    pub features: Vec<SummaryFeature>,
}

/// The public list of accepted community assemblies.
#[derive(Template)]
#[template(path = "community/public.html")]
pub struct PublicPage {
    /// The chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static CommunityMessages,
    /// The assembly.
    pub assembly_id: i64,
    /// Its title.
    pub assembly_title: String,
    /// Whether hosts may register.
    pub is_open: bool,
    /// "{assemblies} community assemblies, {participants} participants."
    pub totals: String,
    /// (area, assemblies, participants).
    pub by_area: Vec<(String, i64, i64)>,
    /// The charts (SVG), empty when there is nothing to draw.
    pub charts: Vec<String>,
    /// This page's outcomes, grouped by area: (area, outcomes).
    pub groups: Vec<(String, Vec<OutcomeView>)>,
    /// Pagination.
    pub pager: Pager,
}
