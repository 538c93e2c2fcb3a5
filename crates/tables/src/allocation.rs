//! The result: who sits where in each session, the facilitators, organisers' swaps and the measures.

use std::sync::Arc;

use crate::TablesError;
use crate::instance::Instance;

/// Members seated at tables for every session, with facilitators.
///
/// An allocation is immutable: [`Allocation::swap`] returns a new one, and [`Allocation::measures`]
/// computes the measures of the seating as it is.
/// `Debug` shows only its dimensions, since the seating is linked to members' demographics.
#[derive(Clone)]
pub struct Allocation {
    instance: Arc<Instance>,
    /// `table_of[session * n + member]`.
    table_of: Vec<u32>,
    /// `facilitator_at[session * n_tables + table]`, empty without facilitators.
    facilitator_at: Vec<Option<u32>>,
}

/// An allocation in plain indices, to store it and [`crate::restore`] it later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seating {
    /// `tables[session][member]`: the table of each member, in the order of
    /// [`crate::Request::members`], in each session.
    pub tables: Vec<Vec<usize>>,
    /// `facilitators[session][table]`: the index in [`crate::Request::facilitators`] of the
    /// facilitator at each table; empty without facilitators.
    pub facilitators: Vec<Vec<usize>>,
}

impl std::fmt::Debug for Allocation {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Allocation")
            .field("members", &self.instance.n_members())
            .field("sessions", &self.sessions())
            .field("tables", &self.tables())
            .finish_non_exhaustive()
    }
}

/// How good an allocation is. Diversity is `1 − (mean over features of the total variation
/// distance between the table's mix and the assembly's mix)`: 1 means the table mirrors the
/// assembly exactly on every feature, lower means less representative.
#[derive(Debug, Clone, PartialEq)]
pub struct Measures {
    /// The number of members.
    pub members: usize,
    /// Pairs of members who sat at the same table at least once.
    pub distinct_pairs: usize,
    /// The most distinct pairs possible: every pair, or every seat-pair of every session with no
    /// pair meeting twice, whichever is smaller.
    pub max_distinct_pairs: usize,
    /// Meetings of a pair that had met before: a pair that met `m` times counts `m − 1`.
    pub repeated_meetings: usize,
    /// The least diverse table over all sessions.
    pub diversity_min: f64,
    /// The mean table diversity over all sessions.
    pub diversity_mean: f64,
    /// For each feature, the mean over all tables and sessions of `1 − total variation distance`
    /// for that feature alone: shows which feature is spread least well.
    pub feature_diversity: Vec<f64>,
    /// Kept-apart pairs seated together, summed over sessions (0 for [`crate::allocate`]).
    pub kept_apart_violations: usize,
    /// Times a member sat with a facilitator they had already sat with.
    pub facilitator_repeats: usize,
    /// The measures of each session.
    pub sessions: Vec<SessionMeasures>,
}

/// The measures of one session.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionMeasures {
    /// Pairs at a table together for the first time.
    pub new_pairs: usize,
    /// Pairs at a table together who had already met in an earlier session.
    pub repeated_pairs: usize,
    /// The least diverse table of the session.
    pub diversity_min: f64,
    /// The mean table diversity of the session.
    pub diversity_mean: f64,
    /// The diversity of each table.
    pub table_diversity: Vec<f64>,
}

impl Allocation {
    pub(crate) fn new(
        instance: Instance,
        table_of: Vec<u32>,
        facilitator_at: Vec<Option<u32>>,
    ) -> Allocation {
        Allocation {
            instance: Arc::new(instance),
            table_of,
            facilitator_at,
        }
    }

    /// The number of sessions.
    pub fn sessions(&self) -> usize {
        self.instance.sessions
    }

    /// The number of tables in every session.
    pub fn tables(&self) -> usize {
        self.instance.n_tables()
    }

    /// The seating in plain indices, to store and later [`crate::restore`].
    pub fn seating(&self) -> Seating {
        let n = self.instance.n_members();
        let n_tables = self.tables();
        Seating {
            tables: (0..self.sessions())
                .map(|session| {
                    self.table_of[session * n..(session + 1) * n]
                        .iter()
                        .map(|&t| t as usize)
                        .collect()
                })
                .collect(),
            facilitators: if self.facilitator_at.is_empty() {
                Vec::new()
            } else {
                (0..self.sessions())
                    .map(|session| {
                        self.facilitator_at[session * n_tables..(session + 1) * n_tables]
                            .iter()
                            .map(|facilitator| {
                                facilitator.expect("every table has a facilitator") as usize
                            })
                            .collect()
                    })
                    .collect()
            },
        }
    }

    /// The table of a member in a session, or `None` for an unknown member or session.
    pub fn table_of(&self, session: usize, member: &str) -> Option<usize> {
        if session >= self.sessions() {
            return None;
        }
        let index = self.instance.member_index(member)?;
        Some(self.table_of[session * self.instance.n_members() + index] as usize)
    }

    /// The ids of the members at a table in a session, in input order (empty if out of range).
    pub fn members_at(&self, session: usize, table: usize) -> Vec<&str> {
        if session >= self.sessions() {
            return Vec::new();
        }
        let n = self.instance.n_members();
        (0..n)
            .filter(|&member| self.table_of[session * n + member] as usize == table)
            .map(|member| self.instance.member_ids[member].as_str())
            .collect()
    }

    /// The facilitator at a table in a session, if there are facilitators.
    pub fn facilitator_at(&self, session: usize, table: usize) -> Option<&str> {
        if session >= self.sessions() || table >= self.tables() {
            return None;
        }
        let facilitator = (*self.facilitator_at.get(session * self.tables() + table)?)?;
        Some(self.instance.facilitator_ids[facilitator as usize].as_str())
    }

    /// A new allocation where two members at different tables of one session exchange seats.
    ///
    /// Facilitators stay at their tables. Refused if a member is pinned in that session or if the
    /// swap would seat a member with someone they are to be kept apart from.
    pub fn swap(
        &self,
        session: usize,
        first: &str,
        second: &str,
    ) -> Result<Allocation, TablesError> {
        let instance = &self.instance;
        let n = instance.n_members();
        if session >= instance.sessions {
            return Err(TablesError::SessionOutOfRange {
                session,
                sessions: instance.sessions,
            });
        }
        let index = |id: &str| {
            instance
                .member_index(id)
                .ok_or_else(|| TablesError::UnknownMember {
                    id: id.to_owned(),
                    context: "a swap",
                })
        };
        let (a, b) = (index(first)?, index(second)?);
        let (table_a, table_b) = (
            self.table_of[session * n + a],
            self.table_of[session * n + b],
        );
        if table_a == table_b {
            return Err(TablesError::SwapAtSameTable {
                first: first.to_owned(),
                second: second.to_owned(),
                session,
            });
        }
        for (member, id) in [(a, first), (b, second)] {
            if let Some(table) = instance.pinned[session * n + member] {
                return Err(TablesError::SwapMovesPinned {
                    member: id.to_owned(),
                    session,
                    table: table as usize,
                });
            }
        }
        for (mover, stayer, new_table) in [(a, b, table_b), (b, a, table_a)] {
            for &partner in &instance.apart[mover] {
                let partner = partner as usize;
                if partner != stayer && self.table_of[session * n + partner] == new_table {
                    return Err(TablesError::SwapBreaksKeptApart {
                        first: instance.member_ids[mover].clone(),
                        second: instance.member_ids[partner].clone(),
                    });
                }
            }
        }
        let mut table_of = self.table_of.clone();
        table_of[session * n + a] = table_b;
        table_of[session * n + b] = table_a;
        Ok(Allocation {
            instance: Arc::clone(&self.instance),
            table_of,
            facilitator_at: self.facilitator_at.clone(),
        })
    }

    /// The measures of this allocation, computed from the seating.
    pub fn measures(&self) -> Measures {
        let instance = &self.instance;
        let n = instance.n_members();
        let n_tables = instance.n_tables();
        let n_values = instance.n_values();
        let mut met = vec![0u16; n * n];
        let mut facilitator_met = vec![0u16; instance.facilitator_ids.len() * n];
        let mut facilitator_repeats = 0;
        let mut sessions = Vec::with_capacity(instance.sessions);
        let mut feature_distance = vec![0.0f64; instance.n_features];
        for session in 0..instance.sessions {
            let mut members_at: Vec<Vec<usize>> = vec![Vec::new(); n_tables];
            for member in 0..n {
                members_at[self.table_of[session * n + member] as usize].push(member);
            }
            let (mut new_pairs, mut repeated_pairs) = (0, 0);
            let mut table_diversity = Vec::with_capacity(n_tables);
            for (table, members) in members_at.iter().enumerate() {
                for (position, &i) in members.iter().enumerate() {
                    for &j in &members[position + 1..] {
                        if met[i * n + j] == 0 {
                            new_pairs += 1;
                        } else {
                            repeated_pairs += 1;
                        }
                        met[i * n + j] += 1;
                    }
                }
                if let Some(Some(facilitator)) = self.facilitator_at.get(session * n_tables + table)
                {
                    for &member in members {
                        let count = &mut facilitator_met[*facilitator as usize * n + member];
                        facilitator_repeats += usize::from(*count > 0);
                        *count += 1;
                    }
                }
                let mut counts = vec![0usize; n_values];
                for &member in members {
                    let f = instance.n_features;
                    for &value in &instance.codes[member * f..(member + 1) * f] {
                        counts[value as usize] += 1;
                    }
                }
                let distances = distances(instance, &counts, members.len());
                for (total, distance) in feature_distance.iter_mut().zip(&distances) {
                    *total += distance;
                }
                let mean_distance = if distances.is_empty() {
                    0.0
                } else {
                    distances.iter().sum::<f64>() / distances.len() as f64
                };
                table_diversity.push(1.0 - mean_distance);
            }
            sessions.push(SessionMeasures {
                new_pairs,
                repeated_pairs,
                diversity_min: table_diversity
                    .iter()
                    .copied()
                    .fold(f64::INFINITY, f64::min),
                diversity_mean: table_diversity.iter().sum::<f64>() / n_tables as f64,
                table_diversity,
            });
        }
        let all_pairs = n * (n - 1) / 2;
        let seat_pairs: usize = instance
            .seats
            .iter()
            .map(|&seats| seats * seats.saturating_sub(1) / 2)
            .sum();
        Measures {
            members: n,
            distinct_pairs: sessions.iter().map(|session| session.new_pairs).sum(),
            max_distinct_pairs: all_pairs.min(seat_pairs * instance.sessions),
            repeated_meetings: sessions.iter().map(|session| session.repeated_pairs).sum(),
            diversity_min: sessions
                .iter()
                .map(|session| session.diversity_min)
                .fold(f64::INFINITY, f64::min),
            diversity_mean: sessions
                .iter()
                .map(|session| session.diversity_mean)
                .sum::<f64>()
                / sessions.len() as f64,
            feature_diversity: feature_distance
                .iter()
                .map(|distance| 1.0 - distance / (instance.sessions * n_tables) as f64)
                .collect(),
            kept_apart_violations: instance.kept_apart_count(&self.table_of),
            facilitator_repeats,
            sessions,
        }
    }
}

/// Checks a stored seating against the instance; returns `table_of` and `facilitator_at`.
pub(crate) fn check_seating(
    instance: &Instance,
    seating: &Seating,
) -> Result<(Vec<u32>, Vec<Option<u32>>), TablesError> {
    let mismatch = |problem: String| TablesError::SeatingMismatch { problem };
    let n = instance.n_members();
    let n_tables = instance.n_tables();
    let sessions = instance.sessions;
    if seating.tables.len() != sessions {
        return Err(mismatch(format!(
            "it has {} sessions, the request {sessions}",
            seating.tables.len()
        )));
    }
    let mut table_of = Vec::with_capacity(sessions * n);
    for (session, tables) in seating.tables.iter().enumerate() {
        if tables.len() != n {
            return Err(mismatch(format!(
                "session {session} seats {} members, the request has {n}",
                tables.len()
            )));
        }
        let mut sizes = vec![0usize; n_tables];
        for (member, &table) in tables.iter().enumerate() {
            if table >= n_tables {
                return Err(mismatch(format!(
                    "session {session} uses table {table}, the request has {n_tables} tables"
                )));
            }
            if let Some(pinned) = instance.pinned[session * n + member]
                && pinned as usize != table
            {
                return Err(mismatch(format!(
                    "member {:?} sits at table {table} in session {session} but is pinned to table {pinned}",
                    instance.member_ids[member]
                )));
            }
            sizes[table] += 1;
            table_of.push(table as u32);
        }
        if let Some(table) = (0..n_tables).find(|&table| sizes[table] != instance.seats[table]) {
            return Err(mismatch(format!(
                "table {table} seats {} members in session {session} instead of {}",
                sizes[table], instance.seats[table]
            )));
        }
    }
    if let Some((first, second, session)) = instance.first_kept_apart_violation(&table_of) {
        return Err(mismatch(format!(
            "members {:?} and {:?} share a table in session {session} but are to be kept apart",
            instance.member_ids[first], instance.member_ids[second]
        )));
    }
    let n_facilitators = instance.facilitator_ids.len();
    let mut facilitator_at = Vec::new();
    if n_facilitators == 0 {
        if !seating.facilitators.is_empty() {
            return Err(mismatch("it has facilitators, the request none".to_owned()));
        }
    } else {
        if seating.facilitators.len() != sessions {
            return Err(mismatch(format!(
                "it has facilitators for {} sessions, the request {sessions}",
                seating.facilitators.len()
            )));
        }
        for (session, row) in seating.facilitators.iter().enumerate() {
            if row.len() != n_tables {
                return Err(mismatch(format!(
                    "session {session} has {} facilitators for {n_tables} tables",
                    row.len()
                )));
            }
            for (table, &facilitator) in row.iter().enumerate() {
                if facilitator >= n_facilitators || row[..table].contains(&facilitator) {
                    return Err(mismatch(format!(
                        "facilitator {facilitator} at table {table} in session {session} is unknown or at two tables"
                    )));
                }
                facilitator_at.push(Some(facilitator as u32));
            }
        }
    }
    Ok((table_of, facilitator_at))
}

/// The total variation distance between a table's mix and the assembly's, per feature.
fn distances(instance: &Instance, counts: &[usize], table_size: usize) -> Vec<f64> {
    let mut distance = vec![0.0f64; instance.n_features];
    if table_size == 0 {
        return distance;
    }
    let n = instance.n_members() as f64;
    for (value, &count) in counts.iter().enumerate() {
        let gap = count as f64 / table_size as f64 - instance.value_totals[value] as f64 / n;
        distance[instance.value_feature[value]] += gap.abs() / 2.0;
    }
    distance
}
