//! The Pol.is openData formats (compdemocracy/openData): `votes.csv`, `comments.csv` and
//! `participants-votes.csv`, read from text and written to text, so a conversation held on
//! Kleroterion can be published in the same open format and a published one re-analysed here.
//!
//! Errors name the 1-based line and column; they never quote a statement's text.

use crate::conversation::{Conversation, Moderation, Vote};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// A malformed openData file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpenDataError {
    /// The file has no header row.
    #[error("the file is empty (no header row)")]
    Empty,
    /// A required column is not in the header row.
    #[error("line 1: missing column `{column}`")]
    MissingColumn {
        /// The column's name.
        column: String,
    },
    /// A field does not hold what its column requires.
    #[error("line {line} column {column}: {message}")]
    Field {
        /// 1-based line of the record.
        line: u64,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A record cannot be read at all (unbalanced quotes, wrong number of fields, bad UTF-8).
    #[error("line {line}: {message}")]
    Record {
        /// 1-based line of the record.
        line: u64,
        /// What is wrong.
        message: String,
    },
}

/// One row of `votes.csv`: a vote event (a participant may change their vote later).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoteEvent {
    /// Milliseconds since 1970.
    pub timestamp: i64,
    /// The export's human-readable date (kept as text, written back unchanged).
    pub datetime: String,
    /// `comment-id`.
    pub statement: u64,
    /// `voter-id`.
    pub participant: u64,
    /// `vote`: 1 agree, -1 disagree, 0 pass.
    pub vote: Vote,
}

/// One row of `comments.csv`: a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Milliseconds since 1970.
    pub timestamp: i64,
    /// The export's human-readable date.
    pub datetime: String,
    /// `comment-id`.
    pub id: u64,
    /// `author-id`.
    pub author: u64,
    /// Agree count in the export.
    pub agrees: u64,
    /// Disagree count in the export.
    pub disagrees: u64,
    /// `moderated`: 1 accepted, 0 not yet, -1 moderated out.
    pub moderated: i8,
    /// The statement's text.
    pub body: String,
}

impl Comment {
    /// The moderation the analysis uses: `-1` is moderated out, anything else is included.
    pub fn moderation(&self) -> Moderation {
        if self.moderated < 0 {
            Moderation::ModeratedOut
        } else {
            Moderation::Included
        }
    }
}

/// One row of `participants-votes.csv`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParticipantVotes {
    /// `participant`.
    pub participant: u64,
    /// `xid` (newer exports), if present and not blank.
    pub xid: Option<String>,
    /// `group-id` assigned by the exporting system, if clustered.
    pub group: Option<u64>,
    /// The latest vote on each statement the participant voted on, by statement id.
    pub votes: Vec<(u64, Vote)>,
}

struct Table {
    headers: Vec<String>,
    records: Vec<(u64, csv::StringRecord)>,
}

fn read_table(text: &str) -> Result<Table, OpenDataError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(false)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    let mut headers: Option<Vec<String>> = None;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                if headers.is_none() {
                    headers = Some(record.iter().map(|h| h.trim().to_string()).collect());
                } else {
                    records.push((line, record.clone()));
                }
            }
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                let message = match error.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("{len} fields where the header has {expected_len}"),
                    csv::ErrorKind::Utf8 { .. } => "not valid UTF-8".to_string(),
                    _ => "unreadable record".to_string(),
                };
                return Err(OpenDataError::Record { line, message });
            }
        }
    }
    let headers = headers.ok_or(OpenDataError::Empty)?;
    Ok(Table { headers, records })
}

impl Table {
    fn column(&self, name: &str) -> Result<usize, OpenDataError> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| OpenDataError::MissingColumn {
                column: name.to_string(),
            })
    }
}

fn field_error(line: u64, column: usize, message: String) -> OpenDataError {
    OpenDataError::Field {
        line,
        column: column + 1,
        message,
    }
}

fn parse_integer<T: std::str::FromStr>(
    record: &csv::StringRecord,
    line: u64,
    column: usize,
    what: &str,
) -> Result<T, OpenDataError> {
    let text = record.get(column).unwrap_or("").trim();
    text.parse().map_err(|_| {
        field_error(
            line,
            column,
            if text.is_empty() {
                format!("empty {what}")
            } else {
                format!("{what} `{}` is not a whole number", truncate(text))
            },
        )
    })
}

fn truncate(text: &str) -> String {
    text.chars().take(20).collect()
}

fn parse_vote(text: &str, line: u64, column: usize) -> Result<Vote, OpenDataError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .and_then(Vote::from_value)
        .ok_or_else(|| {
            field_error(
                line,
                column,
                format!("vote `{}` is not 1, -1 or 0", truncate(text.trim())),
            )
        })
}

/// Reads `votes.csv` (columns `timestamp`, `datetime`, `comment-id`, `voter-id`, `vote`;
/// `timestamp` and `datetime` may be absent, then file order is time order).
pub fn parse_votes(text: &str) -> Result<Vec<VoteEvent>, OpenDataError> {
    let table = read_table(text)?;
    let statement = table.column("comment-id")?;
    let participant = table.column("voter-id")?;
    let vote = table.column("vote")?;
    let timestamp = table.column("timestamp").ok();
    let datetime = table.column("datetime").ok();
    let mut events = Vec::with_capacity(table.records.len());
    for (line, record) in &table.records {
        events.push(VoteEvent {
            timestamp: match timestamp {
                Some(column) => parse_integer(record, *line, column, "timestamp")?,
                None => 0,
            },
            datetime: datetime
                .and_then(|c| record.get(c))
                .unwrap_or("")
                .to_string(),
            statement: parse_integer(record, *line, statement, "comment-id")?,
            participant: parse_integer(record, *line, participant, "voter-id")?,
            vote: parse_vote(record.get(vote).unwrap_or(""), *line, vote)?,
        });
    }
    Ok(events)
}

/// Reads `comments.csv` (columns `comment-id`, `moderated`, `comment-body`, and, when present,
/// `timestamp`, `datetime`, `author-id`, `agrees`, `disagrees`).
pub fn parse_comments(text: &str) -> Result<Vec<Comment>, OpenDataError> {
    let table = read_table(text)?;
    let id = table.column("comment-id")?;
    let moderated = table.column("moderated")?;
    let body = table.column("comment-body")?;
    let optional = |name: &str| table.column(name).ok();
    let (timestamp, datetime, author, agrees, disagrees) = (
        optional("timestamp"),
        optional("datetime"),
        optional("author-id"),
        optional("agrees"),
        optional("disagrees"),
    );
    let mut comments = Vec::with_capacity(table.records.len());
    let mut seen = BTreeMap::new();
    for (line, record) in &table.records {
        let number = |column: Option<usize>, what: &str| -> Result<u64, OpenDataError> {
            match column {
                Some(column) => parse_integer(record, *line, column, what),
                None => Ok(0),
            }
        };
        let comment_id: u64 = parse_integer(record, *line, id, "comment-id")?;
        if let Some(first) = seen.insert(comment_id, *line) {
            return Err(field_error(
                *line,
                id,
                format!("comment-id {comment_id} already on line {first}"),
            ));
        }
        let moderation: i8 = parse_integer(record, *line, moderated, "moderated")?;
        if !(-1..=1).contains(&moderation) {
            return Err(field_error(
                *line,
                moderated,
                format!("moderated `{moderation}` is not 1, 0 or -1"),
            ));
        }
        comments.push(Comment {
            timestamp: match timestamp {
                Some(column) => parse_integer(record, *line, column, "timestamp")?,
                None => 0,
            },
            datetime: datetime
                .and_then(|c| record.get(c))
                .unwrap_or("")
                .to_string(),
            id: comment_id,
            author: number(author, "author-id")?,
            agrees: number(agrees, "agrees")?,
            disagrees: number(disagrees, "disagrees")?,
            moderated: moderation,
            body: record.get(body).unwrap_or("").to_string(),
        });
    }
    Ok(comments)
}

/// Reads `participants-votes.csv`: `participant`, optional `xid`, `group-id`, counts, then one
/// column per statement (the first column whose header is a whole number starts the matrix).
pub fn parse_participants_votes(text: &str) -> Result<Vec<ParticipantVotes>, OpenDataError> {
    let table = read_table(text)?;
    let participant = table.column("participant")?;
    let group = table.column("group-id")?;
    let xid = table.column("xid").ok();
    let first = table
        .headers
        .iter()
        .position(|h| h.parse::<u64>().is_ok())
        .ok_or_else(|| OpenDataError::MissingColumn {
            column: "<comment-id>".to_string(),
        })?;
    let mut statements = Vec::new();
    for (column, header) in table.headers.iter().enumerate().skip(first) {
        let id = header.parse::<u64>().map_err(|_| {
            field_error(
                1,
                column,
                format!("header `{}` is not a comment id", truncate(header)),
            )
        })?;
        statements.push(id);
    }
    let mut rows = Vec::with_capacity(table.records.len());
    for (line, record) in &table.records {
        let group_text = record.get(group).unwrap_or("").trim();
        let mut votes = Vec::new();
        for (offset, &statement) in statements.iter().enumerate() {
            let column = first + offset;
            let cell = record.get(column).unwrap_or("").trim();
            if !cell.is_empty() {
                votes.push((statement, parse_vote(cell, *line, column)?));
            }
        }
        rows.push(ParticipantVotes {
            participant: parse_integer(record, *line, participant, "participant")?,
            xid: xid
                .and_then(|c| record.get(c))
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_string),
            group: if group_text.is_empty() {
                None
            } else {
                Some(parse_integer(record, *line, group, "group-id")?)
            },
            votes,
        });
    }
    Ok(rows)
}

/// Builds a conversation from vote events (applied in timestamp order, file order on equal
/// timestamps, so the latest vote wins) and, optionally, the statements' moderation.
pub fn conversation(votes: &[VoteEvent], comments: &[Comment]) -> Conversation {
    let mut conversation = Conversation::new();
    for comment in comments {
        conversation.set_statement(comment.id, comment.moderation());
    }
    let mut order: Vec<usize> = (0..votes.len()).collect();
    order.sort_by_key(|&index| votes[index].timestamp);
    for index in order {
        let event = &votes[index];
        conversation.vote(event.participant, event.statement, event.vote);
    }
    conversation
}

fn csv_text(rows: &[Vec<String>]) -> String {
    let mut writer = csv::WriterBuilder::new().from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(row)
            .expect("writing to memory cannot fail");
    }
    String::from_utf8(writer.into_inner().expect("in-memory buffer")).expect("UTF-8 in, UTF-8 out")
}

/// Writes `votes.csv` in the export's column order.
pub fn write_votes(votes: &[VoteEvent]) -> String {
    let mut rows = vec![
        ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
            .map(String::from)
            .to_vec(),
    ];
    for vote in votes {
        rows.push(vec![
            vote.timestamp.to_string(),
            vote.datetime.clone(),
            vote.statement.to_string(),
            vote.participant.to_string(),
            vote.vote.value().to_string(),
        ]);
    }
    csv_text(&rows)
}

/// Writes `comments.csv` in the export's column order.
pub fn write_comments(comments: &[Comment]) -> String {
    let mut rows = vec![
        [
            "timestamp",
            "datetime",
            "comment-id",
            "author-id",
            "agrees",
            "disagrees",
            "moderated",
            "comment-body",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for c in comments {
        rows.push(vec![
            c.timestamp.to_string(),
            c.datetime.clone(),
            c.id.to_string(),
            c.author.to_string(),
            c.agrees.to_string(),
            c.disagrees.to_string(),
            c.moderated.to_string(),
            c.body.clone(),
        ]);
    }
    csv_text(&rows)
}

/// Writes `participants-votes.csv` from a conversation and each participant's group (the
/// `n-comments` column, the number of statements a participant wrote, is taken from `comments`).
pub fn write_participants_votes(
    conversation: &Conversation,
    comments: &[Comment],
    group_of: &dyn Fn(u64) -> Option<usize>,
) -> String {
    let mut statement_ids: BTreeSet<u64> = conversation.statement_ids().iter().copied().collect();
    statement_ids.extend(comments.iter().map(|c| c.id));
    let statement_ids: Vec<u64> = statement_ids.into_iter().collect();
    let mut authored: BTreeMap<u64, u64> = BTreeMap::new();
    for comment in comments {
        *authored.entry(comment.author).or_default() += 1;
    }
    let mut participants: Vec<u64> = conversation.participant_ids().to_vec();
    participants.sort_unstable();
    let mut header: Vec<String> = [
        "participant",
        "group-id",
        "n-comments",
        "n-votes",
        "n-agree",
        "n-disagree",
    ]
    .map(String::from)
    .to_vec();
    header.extend(statement_ids.iter().map(u64::to_string));
    let mut rows = vec![header];
    for participant in participants {
        let votes: BTreeMap<u64, Vote> = conversation.votes_of(participant).into_iter().collect();
        let count = |v: Vote| votes.values().filter(|&&x| x == v).count();
        let mut row = vec![
            participant.to_string(),
            group_of(participant).map_or(String::new(), |g| g.to_string()),
            authored.get(&participant).copied().unwrap_or(0).to_string(),
            votes.len().to_string(),
            count(Vote::Agree).to_string(),
            count(Vote::Disagree).to_string(),
        ];
        for statement in &statement_ids {
            let mut cell = String::new();
            if let Some(vote) = votes.get(statement) {
                let _ = write!(cell, "{}", vote.value());
            }
            row.push(cell);
        }
        rows.push(row);
    }
    csv_text(&rows)
}
