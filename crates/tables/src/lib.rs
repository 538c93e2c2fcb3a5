//! Table allocation: seats the members of an assembly at small-group tables for every session.
//!
//! The goal is twofold: (a) every table mirrors the whole assembly on the selection features
//! (gender, age band, region, ...), and (b) over the sessions members meet as many different people
//! as possible, so repeated pairs are kept to a minimum.
//! Table sizes differ by at most one, organisers can pin a member to a table, keep two members
//! apart, and swap two members after the allocation (the measures are then recomputed).
//! Facilitators sit one per table and can stay at their table or rotate.
//!
//! The engine is a pure function ([`allocate`]) from a [`Request`] and a seed to an [`Allocation`]
//! or a [`TablesError`]: no IO, no async, and the same seed always gives the same allocation on
//! every platform (costs are integers, randomness comes from ChaCha20, and the annealing uses
//! only IEEE-exact float operations, never `exp` or `ln` from the platform's maths library).
//!
//! How it works: a greedy construction seats each session in turn, putting every member at the
//! table where their values are most under-represented and where they know the fewest people.
//! Then simulated annealing swaps pairs of members inside a session, using an incremental cost:
//! first the number of kept-apart pairs seated together (never allowed to grow), then the
//! squared gap between each table's value counts and its proportional share plus the weighted
//! number of repeated meetings.
//! Half of the swaps start from a member who sits with someone they have already met.
//! [`random_allocation`] is the baseline it is measured against (see `BENCHMARKS.md`).
//!
//! Tables, sessions and facilitators are numbered from 0 in this API; user interfaces add 1.

#![deny(missing_docs)]

mod allocation;
mod facilitators;
mod instance;
mod search;
pub mod synthetic;

pub use allocation::{Allocation, Measures, Seating, SessionMeasures};

/// One member of the assembly: an id and one value per selection feature.
///
/// `Debug` shows the id and the number of values, never the values (they are demographics).
#[derive(Clone, PartialEq, Eq)]
pub struct Member {
    /// A unique identifier (never a name: ids may appear in error messages).
    pub id: String,
    /// One value per feature of [`Request::features`], in the same order.
    pub values: Vec<String>,
}

impl std::fmt::Debug for Member {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Member")
            .field("id", &self.id)
            .field("values", &format_args!("<{} values>", self.values.len()))
            .finish()
    }
}

/// How the number of tables is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableLayout {
    /// At most this many members per table: the number of tables is the member count divided by
    /// this, rounded up, and the tables are then filled evenly (150 members at 7 seats give 22
    /// tables: 18 of 7 and 4 of 6).
    SeatsPerTable(usize),
    /// Exactly this many tables, filled evenly.
    Tables(usize),
}

/// Whether facilitators stay at one table or move between sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// Facilitator `i` sits at table `i` in every session.
    Fixed,
    /// In every session facilitators are placed so that members meet as many different
    /// facilitators as possible.
    Rotate,
}

/// A member who must sit at a given table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The member's id.
    pub member: String,
    /// The session, or `None` for every session.
    pub session: Option<usize>,
    /// The table.
    pub table: usize,
}

/// Two members who must never sit at the same table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptApart {
    /// One member's id.
    pub first: String,
    /// The other member's id.
    pub second: String,
}

/// The relative weight of the objectives.
///
/// The cost of an allocation is the sum over sessions, tables, features and values of
/// `feature weight × (count − proportional share)²`, plus `meetings × (number of repeated
/// meetings, counted as m·(m−1)/2 for a pair that met m times)`.
/// A weight of 0 switches an objective off (a feature with weight 0 is only displayed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weights {
    /// One weight per feature; empty means 1 for every feature.
    pub features: Vec<u32>,
    /// The weight of one repeated meeting.
    pub meetings: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            features: Vec::new(),
            meetings: 4,
        }
    }
}

/// Everything the engine needs to allocate tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The names of the selection features, e.g. `gender`, `age band`, `region`.
    pub features: Vec<String>,
    /// The members, each with one value per feature.
    pub members: Vec<Member>,
    /// The number of sessions.
    pub sessions: usize,
    /// The table size or number of tables.
    pub layout: TableLayout,
    /// The facilitators' ids; empty for none, otherwise at least one per table.
    /// Facilitators are not members: they take no member's seat and count in no measure but
    /// [`Measures::facilitator_repeats`].
    pub facilitators: Vec<String>,
    /// Whether facilitators stay at their table or rotate.
    pub rotation: Rotation,
    /// Members who must sit at a given table.
    pub pins: Vec<Pin>,
    /// Pairs of members who must never sit together.
    pub kept_apart: Vec<KeptApart>,
    /// The relative weight of diversity and of meeting new people.
    pub weights: Weights,
    /// Search effort: the number of swap moves tried per member and session (0 keeps the greedy
    /// start). [`DEFAULT_EFFORT`] is a good default: about a quarter of a second for 150 members
    /// over 7 sessions; the time grows linearly with the effort.
    pub effort: u32,
}

/// The default number of swap moves tried per member and session.
pub const DEFAULT_EFFORT: u32 = 1500;

/// The largest assembly this crate accepts (the meeting matrix grows with its square).
pub const MAX_MEMBERS: usize = 4000;

/// The most sessions this crate accepts (far more than any assembly holds).
pub const MAX_SESSIONS: usize = 1000;

impl Request {
    /// A request with no facilitators, pins or kept-apart pairs, default weights and effort.
    pub fn new(
        features: Vec<String>,
        members: Vec<Member>,
        sessions: usize,
        layout: TableLayout,
    ) -> Request {
        Request {
            features,
            members,
            sessions,
            layout,
            facilitators: Vec::new(),
            rotation: Rotation::Fixed,
            pins: Vec::new(),
            kept_apart: Vec::new(),
            weights: Weights::default(),
            effort: DEFAULT_EFFORT,
        }
    }
}

/// Why a request cannot be allocated or a swap cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TablesError {
    /// There are no members.
    #[error("there are no members to seat")]
    NoMembers,
    /// More members than [`MAX_MEMBERS`].
    #[error("{members} members is more than the {max} this allocator accepts")]
    TooManyMembers {
        /// The number of members given.
        members: usize,
        /// The limit.
        max: usize,
    },
    /// Two members have the same id.
    #[error("member id {id:?} appears more than once")]
    DuplicateMember {
        /// The repeated id.
        id: String,
    },
    /// Two features have the same name.
    #[error("feature {name:?} appears more than once")]
    DuplicateFeature {
        /// The repeated name.
        name: String,
    },
    /// A member has more or fewer values than there are features.
    #[error("member {member:?} has {found} values but there are {expected} features")]
    WrongNumberOfValues {
        /// The member's id.
        member: String,
        /// The number of features.
        expected: usize,
        /// The number of values given.
        found: usize,
    },
    /// The number of sessions is 0.
    #[error("the number of sessions must be at least 1")]
    NoSessions,
    /// More sessions than [`MAX_SESSIONS`].
    #[error("{sessions} sessions is more than the {max} this allocator accepts")]
    TooManySessions {
        /// The number of sessions given.
        sessions: usize,
        /// The limit.
        max: usize,
    },
    /// The table size or the number of tables is 0.
    #[error("the table size and the number of tables must be at least 1")]
    NoTables,
    /// More tables than members, so some table would be empty.
    #[error("{tables} tables for {members} members would leave a table empty")]
    TooManyTables {
        /// The number of tables.
        tables: usize,
        /// The number of members.
        members: usize,
    },
    /// The number of feature weights differs from the number of features.
    #[error("{found} feature weights given for {expected} features")]
    WrongNumberOfWeights {
        /// The number of features.
        expected: usize,
        /// The number of weights.
        found: usize,
    },
    /// A pin, kept-apart pair or swap names an unknown member.
    #[error("{context} names unknown member {id:?}")]
    UnknownMember {
        /// The unknown id.
        id: String,
        /// Where it was found: "a pin", "a kept-apart pair" or "a swap".
        context: &'static str,
    },
    /// A pin or swap names a session that does not exist.
    #[error("session {session} does not exist (sessions are numbered 0 to {last})", last = sessions - 1)]
    SessionOutOfRange {
        /// The session named.
        session: usize,
        /// The number of sessions.
        sessions: usize,
    },
    /// A pin names a table that does not exist.
    #[error("table {table} does not exist (tables are numbered 0 to {last})", last = tables - 1)]
    TableOutOfRange {
        /// The table named.
        table: usize,
        /// The number of tables.
        tables: usize,
    },
    /// A member is pinned to two different tables in one session.
    #[error("member {member:?} is pinned to tables {first} and {second} in session {session}")]
    ConflictingPins {
        /// The member's id.
        member: String,
        /// The session.
        session: usize,
        /// One table.
        first: usize,
        /// The other table.
        second: usize,
    },
    /// More members are pinned to a table than it has seats.
    #[error(
        "{pinned} members are pinned to table {table} in session {session}, which has {seats} seats"
    )]
    TableOverPinned {
        /// The session.
        session: usize,
        /// The table.
        table: usize,
        /// Its number of seats.
        seats: usize,
        /// The number of members pinned to it.
        pinned: usize,
    },
    /// A member is to be kept apart from themselves.
    #[error("member {member:?} cannot be kept apart from themselves")]
    KeptApartFromSelf {
        /// The member's id.
        member: String,
    },
    /// Two members to be kept apart are pinned to the same table.
    #[error(
        "members {first:?} and {second:?} are to be kept apart but are both pinned to table {table} in session {session}"
    )]
    KeptApartButPinnedTogether {
        /// One member's id.
        first: String,
        /// The other member's id.
        second: String,
        /// The session.
        session: usize,
        /// The table.
        table: usize,
    },
    /// The search found no allocation that keeps these two members apart.
    #[error(
        "no allocation was found that keeps {first:?} and {second:?} apart in session {session}; remove some kept-apart pairs or pins"
    )]
    KeptApartUnsatisfied {
        /// One member's id.
        first: String,
        /// The other member's id.
        second: String,
        /// The session where they share a table.
        session: usize,
    },
    /// Facilitators are given but fewer than tables.
    #[error("{facilitators} facilitators for {tables} tables: every table needs one")]
    NotEnoughFacilitators {
        /// The number of facilitators.
        facilitators: usize,
        /// The number of tables.
        tables: usize,
    },
    /// Two facilitators have the same id.
    #[error("facilitator id {id:?} appears more than once")]
    DuplicateFacilitator {
        /// The repeated id.
        id: String,
    },
    /// A swap names two members at the same table.
    #[error("members {first:?} and {second:?} already sit at the same table in session {session}")]
    SwapAtSameTable {
        /// One member's id.
        first: String,
        /// The other member's id.
        second: String,
        /// The session.
        session: usize,
    },
    /// A swap would move a pinned member.
    #[error(
        "member {member:?} is pinned to table {table} in session {session}; remove the pin first"
    )]
    SwapMovesPinned {
        /// The pinned member's id.
        member: String,
        /// The session.
        session: usize,
        /// The table they are pinned to.
        table: usize,
    },
    /// A stored seating given to [`restore`] does not fit the request.
    #[error("the stored seating does not fit the request: {problem}")]
    SeatingMismatch {
        /// What does not fit.
        problem: String,
    },
    /// A swap would seat two kept-apart members together.
    #[error("the swap would seat {first:?} with {second:?}, who are to be kept apart")]
    SwapBreaksKeptApart {
        /// The member who moves.
        first: String,
        /// The member they would join.
        second: String,
    },
}

/// Allocates the members to tables for every session, optimising diversity and new meetings.
///
/// Deterministic: the same request and seed always give the same allocation.
pub fn allocate(request: &Request, seed: u64) -> Result<Allocation, TablesError> {
    let instance = instance::Instance::parse(request)?;
    let mut rng = search::rng(seed);
    let table_of = search::optimise(&instance, request.effort, &mut rng);
    if let Some((first, second, session)) = instance.first_kept_apart_violation(&table_of) {
        return Err(TablesError::KeptApartUnsatisfied {
            first: instance.member_ids[first].clone(),
            second: instance.member_ids[second].clone(),
            session,
        });
    }
    let facilitator_at = facilitators::assign(&instance, &table_of);
    Ok(Allocation::new(instance, table_of, facilitator_at))
}

/// The baseline: seats members uniformly at random (honouring pins and balanced table sizes, but
/// not kept-apart pairs), for comparison with [`allocate`].
pub fn random_allocation(request: &Request, seed: u64) -> Result<Allocation, TablesError> {
    let instance = instance::Instance::parse(request)?;
    let mut rng = search::rng(seed);
    let table_of = search::random_seating(&instance, &mut rng);
    let facilitator_at = facilitators::assign(&instance, &table_of);
    Ok(Allocation::new(instance, table_of, facilitator_at))
}

/// Rebuilds an allocation from a stored [`Seating`] (see [`Allocation::seating`]), so that
/// organisers can swap members and see the measures of an allocation made earlier.
///
/// The seating must fit the request: every member at one table per session, the table sizes the
/// layout gives, pins and kept-apart pairs honoured, one facilitator per table.
pub fn restore(request: &Request, seating: &Seating) -> Result<Allocation, TablesError> {
    let instance = instance::Instance::parse(request)?;
    let (table_of, facilitator_at) = allocation::check_seating(&instance, seating)?;
    Ok(Allocation::new(instance, table_of, facilitator_at))
}
