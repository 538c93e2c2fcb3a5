//! The pages of the assembly at work: one askama template struct per page, the view models they show, and how
//! refusals and field errors are worded in the visitor's language.
//!
//! View models are built from what the `app::assembly` queries return; numbers and dates are formatted here and
//! catalogue strings are filled with [`fill`], never by hand in templates.

use app::assembly::{Refusal, SessionSummary};
use askama::Template;
use axum::http::StatusCode;
use serde::Deserialize;

use super::forms::{Fields, RegisterFields, field};
use crate::form::FieldErrors;
use crate::i18n::{AssemblyMessages, Lang, fill, plural};
use crate::views::{Chrome, utc_date};

/// `?saved=1` after a change.
#[derive(Debug, Deserialize)]
pub struct SavedQuery {
    /// Present after a successful change.
    pub saved: Option<String>,
    /// How many questions the moderation form just decided (issue 18, item 8).
    #[serde(default)]
    pub moderated: Option<usize>,
}

/// The evidence list's filter and page (issue 18, item 5): topics and words of documents are not personal data, so
/// they travel in the query and a page can be bookmarked.
#[derive(Debug, Default, Deserialize)]
pub struct DocumentsQuery {
    /// Only this topic, or empty.
    #[serde(default)]
    pub topic: String,
    /// Words of the title or summary, or empty.
    #[serde(default)]
    pub q: String,
    /// The page, from 1 (anything else: the first page).
    #[serde(default)]
    pub page: String,
}

impl DocumentsQuery {
    /// What the use case reads.
    pub fn documents(&self) -> app::assembly::Documents {
        app::assembly::Documents {
            filter: store::evidence::EvidenceFilter {
                topic: self.topic.trim().to_owned(),
                search: self.q.trim().to_owned(),
            },
            page: crate::paging::page_from_field(&self.page),
        }
    }
}

/// `?asked=1` or `?requested=1` after a post on "my assembly".
#[derive(Debug, Deserialize)]
pub struct MineQuery {
    /// After a question.
    pub asked: Option<String>,
    /// After a speaker request.
    pub requested: Option<String>,
}

/// How a page with forms is shown: as it stands (just saved or not), or with its form `form` refused, with the
/// errors and the values typed.
pub struct Shown<K> {
    /// The HTTP status (422 for a refused form).
    pub status: StatusCode,
    /// The errors, worded.
    pub errors: Vec<String>,
    /// Which form failed (the page's own key for it).
    pub form: K,
    /// The values typed in it.
    pub typed: Fields,
    /// Whether the last change was saved.
    pub saved: bool,
}

impl<K: Default> Shown<K> {
    /// The page as it stands.
    pub fn page(saved: bool) -> Shown<K> {
        Shown {
            status: StatusCode::OK,
            errors: Vec::new(),
            form: K::default(),
            typed: Fields::new(),
            saved,
        }
    }
}

impl<K> Shown<K> {
    /// The page with form `form` refused.
    pub fn refused(form: K, errors: Vec<String>, typed: Fields) -> Shown<K> {
        Shown {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            errors,
            form,
            typed,
            saved: false,
        }
    }
}

/// The refusals of a use case in `lang`.
pub fn word_refusals(lang: Lang, refusals: &[Refusal]) -> Vec<String> {
    let t = lang.t::<AssemblyMessages>();
    refusals
        .iter()
        .map(|refusal| match refusal {
            Refusal::Field(error) => lang.messages().describe(error),
            Refusal::NotAMember => t.err_not_a_member.to_owned(),
            Refusal::NoMembers => t.err_no_members.to_owned(),
            Refusal::TooFewFacilitators {
                facilitators,
                tables,
            } => fill(
                t.err_facilitators,
                &[
                    ("facilitators", &facilitators_count(lang, *facilitators)),
                    (
                        "tables",
                        &plural(lang, *tables, t.tables_one, t.tables_other),
                    ),
                ],
            ),
            Refusal::NoAllocation => t.err_no_allocation.to_owned(),
            Refusal::SameTable => t.err_same_table.to_owned(),
            Refusal::Pinned => t.err_pinned.to_owned(),
            Refusal::ImpossibleSwap => t.err_swap.to_owned(),
        })
        .collect()
}

/// "4 facilitators" in `lang`.
pub fn facilitators_count(lang: Lang, n: i64) -> String {
    let t = lang.t::<AssemblyMessages>();
    plural(lang, n, t.facilitators_one, t.facilitators_other)
}

/// The errors of a register in `lang`: a bad status names the member; a field naming no member says so.
pub fn word_register_errors(
    lang: Lang,
    errors: &FieldErrors,
    members: &[(i64, String)],
) -> Vec<String> {
    let t = lang.t::<AssemblyMessages>();
    errors
        .0
        .iter()
        .map(|error| {
            let member = RegisterFields::account_of(&error.field)
                .and_then(|id| members.iter().find(|(member, _)| *member == id));
            match member {
                Some((_, name)) => fill(t.err_attendance_value, &[("name", name)]),
                None => t.err_not_a_member.to_owned(),
            }
        })
        .collect()
}

/// An agenda item as shown.
pub struct AgendaView {
    /// `HH:MM`.
    pub starts_at: String,
    /// Its duration, worded ("90 min").
    pub duration: String,
    /// What happens.
    pub title: String,
    /// The topic.
    pub topic: String,
}

/// A session as shown.
pub struct SessionView {
    /// The id.
    pub id: i64,
    /// The title.
    pub title: String,
    /// `YYYY-MM-DD`.
    pub held_on: String,
    /// `HH:MM`.
    pub starts_at: String,
    /// `HH:MM`.
    pub ends_at: String,
    /// Where.
    pub place: String,
    /// The agenda, by start time.
    pub agenda: Vec<AgendaView>,
    /// The counts of the register, worded, for staff (empty otherwise).
    pub counts: String,
    /// The viewer's table (1-based) in this session, for members, once allocated.
    pub my_table: Option<i64>,
    /// The tables the viewer facilitates in this session: (table, 1-based, and the names of its members).
    pub facilitating: Vec<(i64, Vec<String>)>,
}

impl SessionView {
    /// The view of a session in `lang`; `members` (the assembly's) words the register's counts, when given.
    pub fn new(summary: SessionSummary, lang: Lang, members: Option<usize>) -> SessionView {
        let t = lang.t::<AssemblyMessages>();
        let session = summary.session;
        let counts = members
            .map(|members| {
                fill(
                    t.attendance_counts,
                    &[
                        ("present", &summary.counts.present.to_string()),
                        ("late", &summary.counts.late.to_string()),
                        ("absent", &summary.counts.absent.to_string()),
                        (
                            "members",
                            &plural(lang, members as i64, t.members_one, t.members_other),
                        ),
                    ],
                )
            })
            .unwrap_or_default();
        SessionView {
            id: session.id,
            title: session.fields.title,
            held_on: session.fields.held_on,
            starts_at: session.fields.starts_at,
            ends_at: session.fields.ends_at,
            place: session.fields.place,
            agenda: summary
                .agenda
                .into_iter()
                .map(|item| AgendaView {
                    starts_at: item.fields.starts_at,
                    duration: fill(t.minutes_short, &[("n", &item.fields.minutes.to_string())]),
                    title: item.fields.title,
                    topic: item.fields.topic,
                })
                .collect(),
            counts,
            my_table: None,
            facilitating: Vec::new(),
        }
    }
}

/// "title (date)" of a session, as lists and selects show it.
pub fn session_label(session: &store::sessions::SessionRow) -> String {
    format!("{} ({})", session.fields.title, session.fields.held_on)
}

/// The sessions page of the staff workspace.
#[derive(Template)]
#[template(path = "sessions.html")]
pub struct SessionsPage {
    /// Chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static AssemblyMessages,
    /// The import's strings (issue 18, item 1).
    pub b: &'static crate::i18n::bulk::BulkMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub assembly_title: String,
    /// The sessions.
    pub sessions: Vec<SessionView>,
    /// Whether the viewer may add sessions and agenda items.
    pub can_manage: bool,
    /// Whether the viewer may take attendance.
    pub can_take_attendance: bool,
    /// Whether to link the tables page.
    pub can_see_tables: bool,
    /// Errors of the last form.
    pub errors: Vec<String>,
    /// The session whose agenda form had the errors (0 for the new-session form).
    pub error_session: i64,
    /// The values typed in the failed form.
    pub typed: Fields,
    /// Whether the last change was saved.
    pub saved: bool,
}

impl SessionsPage {
    /// A typed value of the failed new-session form.
    pub fn typed_new(&self, name: &str) -> &str {
        self.typed_for(&0, name)
    }

    /// A typed value of the failed form, for the form of `session` (0: the new-session form).
    pub fn typed_for(&self, session: &i64, name: &str) -> &str {
        if *session == self.error_session {
            field(&self.typed, name)
        } else {
            ""
        }
    }
}

/// One member's row of the register.
pub struct RegisterRow {
    /// The account id (the field is `m_<id>`).
    pub id: i64,
    /// The member's name.
    pub name: String,
    /// The recorded or typed status (`present`, `late`, `absent`), empty if none.
    pub status: String,
}

/// The attendance register of one session, made for a phone at the door.
#[derive(Template)]
#[template(path = "attendance.html")]
pub struct AttendancePage {
    /// Chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static AssemblyMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The session.
    pub session: SessionView,
    /// The members, by name.
    pub rows: Vec<RegisterRow>,
    /// The statuses (identifier, translated label).
    pub statuses: Vec<(&'static str, &'static str)>,
    /// Errors of the last post.
    pub errors: Vec<String>,
    /// Whether the register was just saved.
    pub saved: bool,
}

/// A speaker as shown to members, with the question form.
pub struct SpeakerView {
    /// The id.
    pub id: i64,
    /// Name and affiliation.
    pub name: String,
    /// The topic.
    pub topic: String,
    /// The declared perspective.
    pub perspective: String,
    /// The declared interests.
    pub interests: String,
}

/// "My assembly": one's sessions, agenda and table, and the speakers to question.
#[derive(Template)]
#[template(path = "mine.html")]
pub struct MinePage {
    /// Chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static AssemblyMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub assembly_title: String,
    /// The sessions with the viewer's table or tables.
    pub sessions: Vec<SessionView>,
    /// Whether tables have been allocated.
    pub allocated: bool,
    /// Whether the viewer is a member (has a table of their own).
    pub is_member: bool,
    /// Whether the viewer may question speakers and ask for speakers.
    pub can_ask: bool,
    /// The speakers.
    pub speakers: Vec<SpeakerView>,
    /// The agenda topics, for the speaker request form.
    pub topics: Vec<String>,
    /// Errors of the last form.
    pub errors: Vec<String>,
    /// Values typed in the last form.
    pub typed: Fields,
    /// A confirmation to show.
    pub notice: Option<&'static str>,
}

impl MinePage {
    /// A typed value of the failed form.
    pub fn typed(&self, name: &str) -> &str {
        field(&self.typed, name)
    }
}

/// A document as shown.
pub struct EvidenceView {
    /// The topic.
    pub topic: String,
    /// The title.
    pub title: String,
    /// The link.
    pub url: String,
    /// The plain-language summary.
    pub summary: String,
}

/// A speaker as shown, with the questions put to them.
pub struct SpeakerCard {
    /// The id.
    pub id: i64,
    /// Name and affiliation.
    pub name: String,
    /// The topic.
    pub topic: String,
    /// The declared perspective.
    pub perspective: String,
    /// The declared interests.
    pub interests: String,
    /// The session they speak at, as "title (date)", if known.
    pub session: String,
    /// Members' questions: (text, author's name for staff or empty).
    pub questions: Vec<(String, String)>,
}

/// The balance of one topic.
pub struct BalanceView {
    /// The topic.
    pub topic: String,
    /// The chart's title, also the caption of its table ("Perspectives heard on …").
    pub caption: String,
    /// (perspective, speakers).
    pub perspectives: Vec<(String, i64)>,
    /// The bar chart (a standalone SVG with a title and a description of all its data).
    pub chart_svg: String,
    /// The oversight group's comments on this topic: (date, text).
    pub comments: Vec<(String, String)>,
}

/// Everything both evidence pages show.
pub struct LibraryView {
    /// The page of evidence shown.
    pub evidence: Vec<EvidenceView>,
    /// The strings of lists.
    pub lists: &'static crate::i18n::lists::ListsMessages,
    /// Where the evidence list's filter form and page links go (the public or the staff page).
    pub list_path: String,
    /// The topics of the documents, for the filter.
    pub evidence_topics: Vec<String>,
    /// The topic asked for, or empty.
    pub topic: String,
    /// The words asked for, or empty.
    pub q: String,
    /// How many documents the library has matching the filter.
    pub matching: i64,
    /// The page links of the evidence list.
    pub paging: crate::paging::Paging,
    /// The speakers.
    pub speakers: Vec<SpeakerCard>,
    /// The balance per topic.
    pub balance: Vec<BalanceView>,
    /// Comments on topics without speakers yet: (topic, date, text).
    pub other_comments: Vec<(String, String, String)>,
}

impl LibraryView {
    /// The view of a library, with a bar chart per topic.
    pub fn new(
        library: app::assembly::Library,
        t: &AssemblyMessages,
        lang: Lang,
        list_path: String,
        documents: &app::assembly::Documents,
    ) -> Result<LibraryView, charts::ChartError> {
        let topic = documents.filter.topic.clone();
        let q = documents.filter.search.clone();
        let base = crate::paging::base_url(&list_path, &[("topic", &topic), ("q", &q)]);
        let paging = crate::paging::Paging::links(
            lang,
            &base,
            library.page,
            app::paging::PAGE_SIZE,
            library.matching,
        );
        let mut balance = Vec::with_capacity(library.balance.len());
        for topic in library.balance {
            let bars = topic
                .perspectives
                .iter()
                .map(|(perspective, speakers)| charts::Bar::new(perspective, *speakers as f64))
                .collect::<Result<Vec<_>, _>>()?;
            let caption = fill(t.chart_title, &[("topic", &topic.topic)]);
            let chart = charts::BarChart::new(&caption, bars)?.with_unit(t.chart_unit);
            balance.push(BalanceView {
                caption,
                comments: topic
                    .comments
                    .iter()
                    .map(|comment| (utc_date(comment.created_at), comment.body.clone()))
                    .collect(),
                topic: topic.topic,
                perspectives: topic.perspectives,
                chart_svg: chart.to_svg(),
            });
        }
        Ok(LibraryView {
            lists: lang.t::<crate::i18n::lists::ListsMessages>(),
            list_path,
            evidence_topics: library.evidence_topics,
            topic,
            q,
            matching: library.matching,
            paging,
            evidence: library
                .evidence
                .into_iter()
                .map(|row| EvidenceView {
                    topic: row.fields.topic,
                    title: row.fields.title,
                    url: row.fields.url,
                    summary: row.fields.summary,
                })
                .collect(),
            speakers: library
                .speakers
                .into_iter()
                .map(|entry| SpeakerCard {
                    id: entry.speaker.id,
                    session: entry
                        .session
                        .as_ref()
                        .map(session_label)
                        .unwrap_or_default(),
                    name: entry.speaker.fields.name,
                    topic: entry.speaker.fields.topic,
                    perspective: entry.speaker.fields.perspective,
                    interests: entry.speaker.fields.interests,
                    questions: entry
                        .questions
                        .into_iter()
                        .map(|(body, author)| (body, author.unwrap_or_default()))
                        .collect(),
                })
                .collect(),
            balance,
            other_comments: library
                .other_comments
                .into_iter()
                .map(|comment| (comment.topic, utc_date(comment.created_at), comment.body))
                .collect(),
        })
    }
}

/// The public page of the evidence library, the speakers and the balance.
#[derive(Template)]
#[template(path = "evidence_public.html")]
pub struct PublicEvidencePage {
    /// Chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static AssemblyMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub assembly_title: String,
    /// The library.
    pub l: LibraryView,
}

/// The staff page of the evidence library, with the forms.
#[derive(Template)]
#[template(path = "evidence_staff.html")]
pub struct StaffEvidencePage {
    /// Chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static AssemblyMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub assembly_title: String,
    /// The library.
    pub l: LibraryView,
    /// Members' speaker requests: (date, topic, text).
    pub requests: Vec<(String, String, String)>,
    /// The agenda topics.
    pub topics: Vec<String>,
    /// The sessions: (id, "title (date)").
    pub sessions: Vec<(i64, String)>,
    /// Whether the viewer may add evidence and speakers.
    pub can_manage: bool,
    /// Whether the viewer may comment on balance.
    pub can_comment: bool,
    /// Errors of the last form.
    pub errors: Vec<String>,
    /// Which form failed: `evidence`, `speaker` or `comment`.
    pub error_form: &'static str,
    /// The values typed in it.
    pub typed: Fields,
    /// Whether the last change was saved.
    pub saved: bool,
    /// The strings of question moderation.
    pub p: &'static crate::i18n::publish::PublishMessages,
    /// Members' questions waiting for moderation, oldest first.
    pub pending: Vec<app::assembly::PendingQuestion>,
    /// Whether the viewer may accept or reject them.
    pub can_moderate: bool,
    /// What the last moderation did, in words.
    pub moderated: Option<String>,
}

impl StaffEvidencePage {
    /// The label of a question's box, naming its speaker.
    pub fn select_label(&self, speaker: &str) -> String {
        crate::i18n::fill(self.p.select_question, &[("speaker", speaker)])
    }

    /// A typed value of the failed form `form`.
    pub fn typed(&self, form: &str, name: &str) -> &str {
        if form == self.error_form {
            field(&self.typed, name)
        } else {
            ""
        }
    }
}

/// The measures of an allocation as shown.
pub struct MeasuresView {
    /// Pairs who met at least once.
    pub distinct_pairs: usize,
    /// The most pairs possible.
    pub max_pairs: usize,
    /// Repeated meetings.
    pub repeated: usize,
    /// Mean table diversity (0 to 1, two decimals).
    pub diversity_mean: String,
    /// Least diverse table.
    pub diversity_min: String,
}

impl MeasuresView {
    /// The view of an allocation's measures.
    pub fn new(measures: &tables::Measures) -> MeasuresView {
        let decimals = |value: f64| {
            if value.is_finite() {
                format!("{value:.2}")
            } else {
                app::assembly::NO_VALUE.to_owned()
            }
        };
        MeasuresView {
            distinct_pairs: measures.distinct_pairs,
            max_pairs: measures.max_distinct_pairs,
            repeated: measures.repeated_meetings,
            diversity_mean: decimals(measures.diversity_mean),
            diversity_min: decimals(measures.diversity_min),
        }
    }
}

/// One table in one session.
pub struct TableView {
    /// 1-based.
    pub number: usize,
    /// The facilitator's name, or empty.
    pub facilitator: String,
    /// The members' names.
    pub members: Vec<String>,
    /// The table's diversity (two decimals).
    pub diversity: String,
}

/// One session's tables.
pub struct SessionTables {
    /// The session id.
    pub id: i64,
    /// "title (date)".
    pub label: String,
    /// The tables.
    pub tables: Vec<TableView>,
}

/// A member in the organisers' forms.
pub struct MemberRow {
    /// The account id.
    pub id: i64,
    /// The name.
    pub name: String,
    /// "gender: Woman · age: 30-44", or empty.
    pub features: String,
    /// The table they are pinned to (1-based), if any.
    pub pinned: Option<i64>,
}

/// The tables page.
#[derive(Template)]
#[template(path = "tables.html")]
pub struct TablesPage {
    /// Chrome.
    pub c: Chrome,
    /// This feature's strings.
    pub t: &'static AssemblyMessages,
    /// The assembly id.
    pub assembly_id: i64,
    /// The assembly title.
    pub assembly_title: String,
    /// Whether the viewer may allocate, pin, swap and enter features.
    pub can_manage: bool,
    /// Whether the latest run is queued or running.
    pub pending: bool,
    /// The reason the latest run failed, if it did.
    pub failed: Option<String>,
    /// The sessions: (id, label).
    pub sessions: Vec<(i64, String)>,
    /// The members (for organisers' forms).
    pub members: Vec<MemberRow>,
    /// The label of the facilitators checkbox, with their number.
    pub with_facilitators_label: String,
    /// The current allocation's measures and a random allocation's.
    pub measures: Option<(MeasuresView, MeasuresView)>,
    /// The current allocation's seats per table and seed, worded.
    pub measures_of: Option<String>,
    /// Who sits where.
    pub seating: Vec<SessionTables>,
    /// The members of the current allocation, for the swap form: (id, name).
    pub seated: Vec<(i64, String)>,
    /// Errors of the last form.
    pub errors: Vec<String>,
    /// Which form failed: `allocate`, `swap`, `pin` or `features`.
    pub error_form: &'static str,
    /// The values typed in it.
    pub typed: Fields,
    /// A suggested seed for a new allocation.
    pub suggested_seed: i64,
    /// Whether the last change was saved.
    pub saved: bool,
}

impl TablesPage {
    /// A typed value of the failed form `form`, or `default`.
    pub fn typed_or<'a>(&'a self, form: &str, name: &str, default: &'a str) -> &'a str {
        if form == self.error_form {
            field(&self.typed, name)
        } else {
            default
        }
    }

    /// Whether a session's checkbox is ticked (every session unless a failed form said otherwise).
    pub fn session_checked(&self, id: &i64) -> bool {
        self.error_form != "allocate" || !field(&self.typed, &format!("session_{id}")).is_empty()
    }
}
