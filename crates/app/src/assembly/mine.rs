//! "My assembly": a member's or facilitator's schedule, with the part of the seating they may see, and the
//! speakers they may question.
//!
//! A member sees their own table and nothing else of the seating; a facilitator sees the members of the tables
//! they facilitate; nobody else sees any seating here.

use domain::permission::Role;
use store::evidence::SpeakerRow;

use super::sessions::{SessionSummary, schedule};
use crate::{Actor, Result};

/// One session as the viewer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MySession {
    /// The session and its agenda.
    pub summary: SessionSummary,
    /// The viewer's own table in it, numbered from 1, for a member once tables are allocated.
    pub my_table: Option<i64>,
    /// The tables the viewer facilitates in it: (table numbered from 1, the names of its members).
    pub facilitating: Vec<(i64, Vec<String>)>,
}

/// What "my assembly" shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyAssembly {
    /// The assembly's title.
    pub title: String,
    /// The sessions in date order.
    pub sessions: Vec<MySession>,
    /// Whether tables have been allocated.
    pub allocated: bool,
    /// Whether the viewer is a member (and so has a table of their own).
    pub is_member: bool,
    /// The speakers.
    pub speakers: Vec<SpeakerRow>,
    /// The agenda topics, for the speaker request form.
    pub topics: Vec<String>,
}

/// The schedule of the signed-in `actor` in the assembly.
pub async fn my_assembly(
    conn: &mut store::AnyConnection,
    actor: &Actor,
    assembly_id: i64,
) -> Result<MyAssembly> {
    let account_id = actor.account()?;
    let record = store::assemblies::get_assembly(&mut *conn, assembly_id).await?;
    let mut sessions: Vec<MySession> = schedule(&mut *conn, assembly_id, false)
        .await?
        .into_iter()
        .map(|summary| MySession {
            summary,
            my_table: None,
            facilitating: Vec::new(),
        })
        .collect();
    let run = store::seating::current_run(&mut *conn, assembly_id).await?;
    let is_member = actor.role == Role::Member;
    let session_of = |sessions: &[MySession], id: i64| {
        sessions
            .iter()
            .position(|session| session.summary.session.id == id)
    };
    if let Some(run) = &run {
        if is_member {
            for (session_id, table_no) in
                store::seating::seats_of_account(&mut *conn, assembly_id, account_id).await?
            {
                if let Some(at) = session_of(&sessions, session_id) {
                    sessions[at].my_table = Some(table_no + 1);
                }
            }
        } else if actor.role == Role::Facilitator {
            let facilitated: Vec<_> = store::seating::facilitator_seats(&mut *conn, run.id)
                .await?
                .into_iter()
                .filter(|seat| seat.account_id == account_id)
                .collect();
            if !facilitated.is_empty() {
                let seats = store::seating::seats(&mut *conn, run.id).await?;
                let names = store::sessions::members_of(&mut *conn, assembly_id).await?;
                for seat in facilitated {
                    let members = seats
                        .iter()
                        .filter(|s| s.session_id == seat.session_id && s.table_no == seat.table_no)
                        .filter_map(|s| {
                            names
                                .iter()
                                .find(|(id, _)| *id == s.account_id)
                                .map(|(_, name)| name.clone())
                        })
                        .collect();
                    if let Some(at) = session_of(&sessions, seat.session_id) {
                        sessions[at].facilitating.push((seat.table_no + 1, members));
                    }
                }
            }
        }
    }
    let speakers = store::evidence::list_speakers(&mut *conn, assembly_id).await?;
    let topics = store::sessions::topics(&mut *conn, assembly_id).await?;
    Ok(MyAssembly {
        title: record.title,
        sessions,
        allocated: run.is_some(),
        is_member,
        speakers,
        topics,
    })
}
