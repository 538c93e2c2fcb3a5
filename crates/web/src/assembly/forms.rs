//! The forms of the assembly's pages: each posted form is a struct of its fields as typed ([`Validate`]), checked
//! field by field into the command its use case takes. Fields absent from a post count as empty, so a bare post
//! is told what is required, as before.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use domain::attendance::Attendance;
use domain::error::{Problem, ValidationError};
use serde::{Deserialize, Serialize};
use store::evidence::{NewEvidence, NewSpeaker};
use store::sessions::{NewAgendaItem, NewSession};

use crate::form::{FieldErrors, Validate};

/// The values typed in a form, by field name, to show again when it is refused.
pub type Fields = HashMap<String, String>;

/// The values of a posted form, by field name (strings only; empty fields are left out).
pub fn typed(form: &impl Serialize) -> Fields {
    match serde_json::to_value(form) {
        Ok(serde_json::Value::Object(values)) => values
            .into_iter()
            .filter_map(|(name, value)| match value {
                serde_json::Value::String(text) => Some((name, text)),
                _ => None,
            })
            .collect(),
        _ => Fields::new(),
    }
}

/// The value of a field, or the empty string.
pub fn field<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).map(String::as_str).unwrap_or("")
}

/// A required text of at most `max` characters, trimmed.
fn text(name: &str, raw: &str, max: usize) -> Result<String, ValidationError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(ValidationError::new(name, Problem::Required));
    }
    if trimmed.chars().count() > max {
        return Err(ValidationError::new(name, Problem::TooLong { max }));
    }
    Ok(trimmed.to_owned())
}

/// A `YYYY-MM-DD` date.
fn date(name: &str, raw: &str) -> Result<String, ValidationError> {
    let raw = text(name, raw, 10)?;
    time::Date::parse(
        &raw,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| ValidationError::new(name, Problem::Malformed))?;
    Ok(raw)
}

/// An `HH:MM` time of day.
fn clock(name: &str, raw: &str) -> Result<String, ValidationError> {
    let raw = text(name, raw, 5)?;
    let malformed = || ValidationError::new(name, Problem::Malformed);
    let (hours, minutes) = raw.split_once(':').ok_or_else(malformed)?;
    let valid = hours.len() == 2
        && minutes.len() == 2
        && hours
            .bytes()
            .chain(minutes.bytes())
            .all(|b| b.is_ascii_digit());
    let (hours, minutes): (u32, u32) = match (hours.parse(), minutes.parse()) {
        (Ok(hours), Ok(minutes)) if valid => (hours, minutes),
        _ => return Err(malformed()),
    };
    if hours > 23 || minutes > 59 {
        return Err(malformed());
    }
    Ok(raw)
}

/// A whole number in `min..=max`.
fn number(name: &str, raw: &str, min: i64, max: i64) -> Result<i64, ValidationError> {
    let raw = text(name, raw, 20)?;
    match raw.parse::<i64>() {
        Ok(value) if (min..=max).contains(&value) => Ok(value),
        _ => Err(ValidationError::new(name, Problem::Malformed)),
    }
}

/// An optional whole number in `min..=max` (empty: `None`).
fn optional_number(
    name: &str,
    raw: &str,
    min: i64,
    max: i64,
) -> Result<Option<i64>, ValidationError> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        number(name, raw, min, max).map(Some)
    }
}

/// An `http://` or `https://` link without spaces.
fn link(name: &str, raw: &str) -> Result<String, ValidationError> {
    let url = text(name, raw, 2000)?;
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !url.chars().any(char::is_whitespace) => Ok(url),
        _ => Err(ValidationError::new(name, Problem::Malformed)),
    }
}

/// The new-session form of the sessions page.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SessionFields {
    /// A short title.
    pub session_title: String,
    /// The day, `YYYY-MM-DD`.
    pub held_on: String,
    /// The start, `HH:MM`.
    pub starts_at: String,
    /// The end, `HH:MM`, after the start.
    pub ends_at: String,
    /// Where.
    pub place: String,
}

impl Validate for SessionFields {
    type Command = NewSession;

    fn validate(&self) -> Result<NewSession, FieldErrors> {
        let mut errors = FieldErrors::new();
        let title = errors.take(text("session_title", &self.session_title, 200));
        let held_on = errors.take(date("held_on", &self.held_on));
        let starts_at = errors.take(clock("starts_at", &self.starts_at));
        let ends_at = errors.take(clock("ends_at", &self.ends_at));
        let place = errors.take(text("place", &self.place, 300));
        match (title, held_on, starts_at, ends_at, place) {
            (Some(title), Some(held_on), Some(starts_at), Some(ends_at), Some(place)) => {
                if ends_at <= starts_at {
                    return Err(ValidationError::new("ends_at", Problem::OutOfOrder).into());
                }
                Ok(NewSession {
                    title,
                    held_on,
                    starts_at,
                    ends_at,
                    place,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The agenda-item form of a session.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AgendaItemFields {
    /// When it starts, `HH:MM`.
    pub item_starts_at: String,
    /// How long, in minutes (1 to 720).
    pub minutes: String,
    /// What happens.
    pub item_title: String,
    /// The agenda topic.
    pub topic: String,
}

impl Validate for AgendaItemFields {
    type Command = NewAgendaItem;

    fn validate(&self) -> Result<NewAgendaItem, FieldErrors> {
        let mut errors = FieldErrors::new();
        let starts_at = errors.take(clock("item_starts_at", &self.item_starts_at));
        let minutes = errors.take(number("minutes", &self.minutes, 1, 720));
        let title = errors.take(text("item_title", &self.item_title, 200));
        let topic = errors.take(text("topic", &self.topic, 100));
        match (starts_at, minutes, title, topic) {
            (Some(starts_at), Some(minutes), Some(title), Some(topic)) => Ok(NewAgendaItem {
                starts_at,
                minutes,
                title,
                topic,
            }),
            _ => Err(errors),
        }
    }
}

/// The attendance register: one field `m_<account id>` per member, holding a status or nothing.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(transparent)]
pub struct RegisterFields(pub Fields);

impl RegisterFields {
    /// The account a register field names (`m_<id>`), if it is one.
    pub fn account_of(name: &str) -> Option<i64> {
        name.strip_prefix("m_")?.parse().ok()
    }
}

impl Validate for RegisterFields {
    /// Per account named, the status chosen or `None` (left without a choice).
    type Command = Vec<(i64, Option<Attendance>)>;

    /// An `m_` field that names no account, or a value that is no status, is an error on that field.
    fn validate(&self) -> Result<Self::Command, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut marks = Vec::new();
        for (name, value) in &self.0 {
            if !name.starts_with("m_") {
                continue;
            }
            let Some(id) = RegisterFields::account_of(name) else {
                errors.push(ValidationError::new(name.as_str(), Problem::Malformed));
                continue;
            };
            if value.is_empty() {
                marks.push((id, None));
                continue;
            }
            match Attendance::parse(value) {
                Some(status) => marks.push((id, Some(status))),
                None => errors.push(ValidationError::new(name.as_str(), Problem::Malformed)),
            }
        }
        errors.or_ok(|| marks)
    }
}

/// A member's question to a speaker.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct QuestionFields {
    /// The speaker's id.
    pub speaker_id: String,
    /// The question.
    pub question: String,
}

impl Validate for QuestionFields {
    /// (speaker id, question).
    type Command = (i64, String);

    fn validate(&self) -> Result<(i64, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let speaker = errors.take(number("speaker_id", &self.speaker_id, 1, i64::MAX));
        let question = errors.take(text("question", &self.question, 1000));
        match (speaker, question) {
            (Some(speaker), Some(question)) => Ok((speaker, question)),
            _ => Err(errors),
        }
    }
}

/// A member's request to hear a speaker on a topic.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SpeakerRequestFields {
    /// The agenda topic.
    pub request_topic: String,
    /// Who or what they want to hear.
    pub request: String,
}

impl Validate for SpeakerRequestFields {
    /// (topic, request).
    type Command = (String, String);

    fn validate(&self) -> Result<(String, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let topic = errors.take(text("request_topic", &self.request_topic, 100));
        let request = errors.take(text("request", &self.request, 1000));
        match (topic, request) {
            (Some(topic), Some(request)) => Ok((topic, request)),
            _ => Err(errors),
        }
    }
}

/// A document for the evidence library.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct EvidenceFields {
    /// The agenda topic.
    pub evidence_topic: String,
    /// The document's title.
    pub evidence_title: String,
    /// An `http(s)://` link.
    pub url: String,
    /// A plain-language summary.
    pub summary: String,
}

impl Validate for EvidenceFields {
    type Command = NewEvidence;

    fn validate(&self) -> Result<NewEvidence, FieldErrors> {
        let mut errors = FieldErrors::new();
        let topic = errors.take(text("evidence_topic", &self.evidence_topic, 100));
        let title = errors.take(text("evidence_title", &self.evidence_title, 300));
        let url = errors.take(link("url", &self.url));
        let summary = errors.take(text("summary", &self.summary, 3000));
        match (topic, title, url, summary) {
            (Some(topic), Some(title), Some(url), Some(summary)) => Ok(NewEvidence {
                topic,
                title,
                url,
                summary,
            }),
            _ => Err(errors),
        }
    }
}

/// A speaker with their declared perspective and interests.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SpeakerFields {
    /// Name and affiliation.
    pub speaker_name: String,
    /// The agenda topic.
    pub speaker_topic: String,
    /// The declared perspective.
    pub perspective: String,
    /// The declared interests.
    pub interests: String,
    /// The session they speak at, or empty.
    pub speaker_session: String,
}

impl Validate for SpeakerFields {
    type Command = NewSpeaker;

    fn validate(&self) -> Result<NewSpeaker, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.take(text("speaker_name", &self.speaker_name, 200));
        let topic = errors.take(text("speaker_topic", &self.speaker_topic, 100));
        let perspective = errors.take(text("perspective", &self.perspective, 100));
        let interests = errors.take(text("interests", &self.interests, 2000));
        let session = errors.take(optional_number(
            "speaker_session",
            &self.speaker_session,
            1,
            i64::MAX,
        ));
        match (name, topic, perspective, interests, session) {
            (Some(name), Some(topic), Some(perspective), Some(interests), Some(session_id)) => {
                Ok(NewSpeaker {
                    name,
                    topic,
                    perspective,
                    interests,
                    session_id,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The oversight group's comment on a topic's balance.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct BalanceCommentFields {
    /// The topic.
    pub balance_topic: String,
    /// The comment.
    pub balance_comment: String,
}

impl Validate for BalanceCommentFields {
    /// (topic, comment).
    type Command = (String, String);

    fn validate(&self) -> Result<(String, String), FieldErrors> {
        let mut errors = FieldErrors::new();
        let topic = errors.take(text("balance_topic", &self.balance_topic, 100));
        let body = errors.take(text("balance_comment", &self.balance_comment, 2000));
        match (topic, body) {
            (Some(topic), Some(body)) => Ok((topic, body)),
            _ => Err(errors),
        }
    }
}

/// The allocation form: a checkbox `session_<id>` per session, the seats per table, facilitators or not, a seed.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(transparent)]
pub struct AllocationFields(pub Fields);

impl Validate for AllocationFields {
    type Command = app::assembly::AllocationRequest;

    fn validate(&self) -> Result<Self::Command, FieldErrors> {
        let fields = &self.0;
        let session_ids: BTreeSet<i64> = fields
            .iter()
            .filter(|(_, value)| !value.is_empty())
            .filter_map(|(name, _)| name.strip_prefix("session_")?.parse().ok())
            .collect();
        let mut errors = FieldErrors::new();
        if session_ids.is_empty() {
            errors.push(ValidationError::new("sessions", Problem::Required));
        }
        let seats = errors.take(number(
            "seats_per_table",
            field(fields, "seats_per_table"),
            2,
            30,
        ));
        let seed = errors.take(number(
            "seed",
            field(fields, "seed"),
            0,
            i64::from(u32::MAX),
        ));
        match (seats, seed) {
            (Some(seats_per_table), Some(seed)) if errors.is_empty() => {
                Ok(app::assembly::AllocationRequest {
                    session_ids,
                    seats_per_table,
                    with_facilitators: !field(fields, "with_facilitators").is_empty(),
                    seed,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Two members to swap in one session.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct SwapFields {
    /// The session's id.
    pub swap_session: String,
    /// One member's account id.
    pub first: String,
    /// The other's.
    pub second: String,
}

impl Validate for SwapFields {
    type Command = app::assembly::Swap;

    fn validate(&self) -> Result<Self::Command, FieldErrors> {
        let mut errors = FieldErrors::new();
        let session = errors.take(number("swap_session", &self.swap_session, 1, i64::MAX));
        let first = errors.take(number("first", &self.first, 1, i64::MAX));
        let second = errors.take(number("second", &self.second, 1, i64::MAX));
        match (session, first, second) {
            (Some(session_id), Some(first), Some(second)) => Ok(app::assembly::Swap {
                session_id,
                first,
                second,
            }),
            _ => Err(errors),
        }
    }
}

/// A member to pin to a table (numbered from 1), or to unpin (no table).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PinFields {
    /// The member's account id.
    pub pin_member: String,
    /// The table, or empty to remove the pin.
    pub pin_table: String,
}

impl Validate for PinFields {
    /// (account id, table numbered from 1 or `None`).
    type Command = (i64, Option<i64>);

    fn validate(&self) -> Result<Self::Command, FieldErrors> {
        let mut errors = FieldErrors::new();
        let member = errors.take(number("pin_member", &self.pin_member, 1, i64::MAX));
        let table = errors.take(optional_number("pin_table", &self.pin_table, 1, 1000));
        match (member, table) {
            (Some(member), Some(table)) => Ok((member, table)),
            _ => Err(errors),
        }
    }
}

/// A member's feature values entered by hand, one `name=value` per line.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FeaturesFields {
    /// The member's account id.
    pub features_member: String,
    /// The `name=value` lines.
    pub features: String,
}

/// Parses `name=value` lines (at most 20, names up to 60 characters, values up to 100).
fn parse_features(raw: &str) -> Result<BTreeMap<String, String>, ValidationError> {
    let raw = text("features", raw, 4000)?;
    let malformed = || ValidationError::new("features", Problem::Malformed);
    let mut features = BTreeMap::new();
    for line in raw.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let (name, value) = line.split_once('=').ok_or_else(malformed)?;
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty()
            || value.is_empty()
            || name.chars().count() > 60
            || value.chars().count() > 100
        {
            return Err(malformed());
        }
        if features.insert(name.to_owned(), value.to_owned()).is_some() {
            return Err(malformed());
        }
    }
    if features.len() > 20 {
        return Err(ValidationError::new(
            "features",
            Problem::TooMany { max: 20 },
        ));
    }
    Ok(features)
}

impl Validate for FeaturesFields {
    /// (account id, the values by feature name).
    type Command = (i64, BTreeMap<String, String>);

    fn validate(&self) -> Result<Self::Command, FieldErrors> {
        let mut errors = FieldErrors::new();
        let member = errors.take(number(
            "features_member",
            &self.features_member,
            1,
            i64::MAX,
        ));
        let features = errors.take(parse_features(&self.features));
        match (member, features) {
            (Some(member), Some(features)) => Ok((member, features)),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(starts: &str, ends: &str) -> SessionFields {
        SessionFields {
            session_title: "Weekend 4".into(),
            held_on: "2020-01-10".into(),
            starts_at: starts.into(),
            ends_at: ends.into(),
            place: "Paris".into(),
        }
    }

    #[test]
    fn a_session_ending_before_it_starts_is_refused_on_its_end() {
        assert!(session("09:30", "17:00").validate().is_ok());
        let errors = session("17:00", "09:00").validate().unwrap_err();
        assert_eq!(
            errors.0,
            [ValidationError::new("ends_at", Problem::OutOfOrder)]
        );
        let errors = session("9h30", "").validate().unwrap_err();
        assert!(errors.has("starts_at") && errors.has("ends_at") && !errors.has("place"));
    }

    #[test]
    fn the_register_names_the_field_of_a_bad_status_and_keeps_empty_choices() {
        let form = |pairs: &[(&str, &str)]| {
            RegisterFields(
                pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            )
        };
        let mut marks = form(&[("m_3", "late"), ("m_4", ""), ("csrf_token", "x")])
            .validate()
            .unwrap();
        marks.sort_by_key(|(id, _)| *id);
        assert_eq!(marks, [(3, Some(Attendance::Late)), (4, None)]);
        let errors = form(&[("m_3", "sleeping"), ("m_x", "late")])
            .validate()
            .unwrap_err();
        assert!(errors.has("m_3") && errors.has("m_x"));
    }

    #[test]
    fn features_are_name_value_lines() {
        let parsed = parse_features("gender=Non-binary\nage band = 45-59\n").unwrap();
        assert_eq!(parsed["age band"], "45-59");
        assert!(parse_features("no equals sign").is_err());
        assert!(parse_features("a=1\na=2").is_err());
    }

    #[test]
    fn typed_values_come_back_by_field_name() {
        let fields = typed(&session("09:30", "17:00"));
        assert_eq!(field(&fields, "session_title"), "Weekend 4");
        assert_eq!(field(&fields, "unknown"), "");
        let register = typed(&RegisterFields(Fields::from([(
            "m_3".to_owned(),
            "late".to_owned(),
        )])));
        assert_eq!(field(&register, "m_3"), "late");
    }
}

/// Bulk moderation of members' questions (issue 18, item 8): the form's pairs as posted (`question` once per
/// ticked box, and `decision`: `accepted` or `rejected`, the button pressed), since a urlencoded struct cannot hold
/// a repeated field.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
pub struct QuestionModerationFields(pub Vec<(String, String)>);

impl Validate for QuestionModerationFields {
    /// (question ids, decision).
    type Command = (Vec<i64>, store::evidence::QuestionStatus);

    fn validate(&self) -> Result<(Vec<i64>, store::evidence::QuestionStatus), FieldErrors> {
        use store::evidence::QuestionStatus;
        let mut errors = FieldErrors::new();
        let mut ids = Vec::new();
        let mut decision = None;
        for (name, value) in &self.0 {
            match name.as_str() {
                "question" => match value.trim().parse::<i64>() {
                    Ok(id) if !ids.contains(&id) => ids.push(id),
                    Ok(_) => {}
                    Err(_) => errors.push(ValidationError::new("question", Problem::Malformed)),
                },
                "decision" => {
                    decision = match QuestionStatus::parse(value) {
                        Some(status) if status != QuestionStatus::Pending => Some(status),
                        _ => {
                            errors.push(ValidationError::new("decision", Problem::Malformed));
                            None
                        }
                    }
                }
                _ => {}
            }
        }
        if ids.is_empty() && !errors.has("question") {
            errors.push(ValidationError::new("question", Problem::Required));
        }
        if decision.is_none() && !errors.has("decision") {
            errors.push(ValidationError::new("decision", Problem::Required));
        }
        match decision {
            Some(decision) if errors.is_empty() => Ok((ids, decision)),
            _ => Err(errors),
        }
    }
}
