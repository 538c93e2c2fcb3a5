//! The conversation as data: statements with their moderation, the sparse participants ×
//! statements matrix of latest votes, and the exact integer sums the principal components are
//! computed from.
//!
//! Every vote updates the sums at once (in time proportional to the participant's number of votes),
//! so an analysis never has to pass over the whole matrix to rebuild them: this is what makes the
//! incremental update cheap, and because the sums are integers, the order in which votes arrive
//! cannot change them by a single bit.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// One participant's reaction to one statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vote {
    /// Agree: +1 in the Pol.is export convention.
    Agree,
    /// Disagree: -1 in the export convention.
    Disagree,
    /// Pass (seen, no opinion): 0.
    Pass,
}

impl Vote {
    /// The export convention's number: agree +1, disagree -1, pass 0.
    pub fn value(self) -> i32 {
        match self {
            Vote::Agree => 1,
            Vote::Disagree => -1,
            Vote::Pass => 0,
        }
    }

    /// The vote for an export-convention number, if it is one of -1, 0, 1.
    pub fn from_value(value: i64) -> Option<Vote> {
        match value {
            1 => Some(Vote::Agree),
            -1 => Some(Vote::Disagree),
            0 => Some(Vote::Pass),
            _ => None,
        }
    }

    fn code(self) -> u32 {
        match self {
            Vote::Pass => 0,
            Vote::Agree => 1,
            Vote::Disagree => 2,
        }
    }

    fn from_code(code: u32) -> Vote {
        match code {
            1 => Vote::Agree,
            2 => Vote::Disagree,
            _ => Vote::Pass,
        }
    }
}

/// Whether a statement takes part in the analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Moderation {
    /// Accepted or not yet moderated: in the analysis.
    #[default]
    Included,
    /// Rejected by a moderator: shown to nobody, out of the analysis (its votes are kept).
    ModeratedOut,
    /// A meta statement (e.g. a demographic question): shown, but out of the analysis.
    Meta,
}

/// A participant's votes as packed cells: statement index in the high 30 bits, vote code in the low 2.
type Row = Vec<u32>;

/// Co-occurrence sums of one pair of statements `j < k` over the participants who voted on both:
/// `product` = Σ x_j·x_k, `sum_low` = Σ x_j, `sum_high` = Σ x_k, `count` = how many.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PairSums {
    pub(crate) product: i32,
    pub(crate) sum_low: i32,
    pub(crate) sum_high: i32,
    pub(crate) count: i32,
}

/// Per-statement sums over the participants who voted on it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ColumnSums {
    /// Votes (agree, disagree and pass).
    pub(crate) seen: i64,
    /// Agrees.
    pub(crate) agree: i64,
    /// Disagrees.
    pub(crate) disagree: i64,
}

impl ColumnSums {
    /// Σ x over the column (agree +1, disagree -1).
    pub(crate) fn sum(&self) -> i64 {
        self.agree - self.disagree
    }
}

/// A fast, deterministic hasher for integer ids (a multiply-rotate mix, as in rustc's FxHasher).
#[derive(Default)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }
    fn write_u64(&mut self, value: u64) {
        self.0 = (self.0.rotate_left(5) ^ value).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type IdMap = HashMap<u64, u32, BuildHasherDefault<IdHasher>>;

/// A public conversation: statements, participants and their latest votes, with the running sums.
///
/// Participants and statements are named by the caller's integer ids (the `voter-id` and
/// `comment-id` of the Pol.is export); a statement that receives votes before it is declared is
/// `Included`.
/// The sums use 32-bit counters: a conversation holds fewer than 2^31 participants.
#[derive(Clone, Debug, Default)]
pub struct Conversation {
    statement_ids: Vec<u64>,
    statement_index: IdMap,
    moderation: Vec<Moderation>,
    participant_ids: Vec<u64>,
    participant_index: IdMap,
    rows: Vec<Row>,
    columns: Vec<ColumnSums>,
    /// Packed by the larger index: pair (j, k) with j < k is at k(k-1)/2 + j, so adding a statement
    /// appends to the vector and never moves what is there.
    pairs: Vec<PairSums>,
    n_votes: u64,
}

impl Conversation {
    /// An empty conversation.
    pub fn new() -> Conversation {
        Conversation::default()
    }

    /// Declares a statement (or changes its moderation); votes may arrive before or after.
    pub fn set_statement(&mut self, statement_id: u64, moderation: Moderation) {
        let index = self.statement_slot(statement_id);
        self.moderation[index as usize] = moderation;
    }

    /// Records a vote; a participant's later vote on the same statement replaces the earlier one,
    /// so votes must be given in time order.
    pub fn vote(&mut self, participant_id: u64, statement_id: u64, vote: Vote) {
        let statement = self.statement_slot(statement_id);
        let participant = match self.participant_index.get(&participant_id) {
            Some(&index) => index as usize,
            None => {
                let index = self.participant_ids.len();
                assert!(index < i32::MAX as usize, "2^31 participants or more");
                self.participant_index.insert(participant_id, index as u32);
                self.participant_ids.push(participant_id);
                self.rows.push(Vec::new());
                index
            }
        };
        let mut row = std::mem::take(&mut self.rows[participant]);
        if let Some(position) = row.iter().position(|&cell| cell >> 2 == statement) {
            let old = Vote::from_code(row[position] & 3);
            if old != vote {
                row.swap_remove(position);
                self.account(&row, statement, old, -1);
                self.account(&row, statement, vote, 1);
                row.push(statement << 2 | vote.code());
            }
        } else {
            self.account(&row, statement, vote, 1);
            row.push(statement << 2 | vote.code());
            self.n_votes += 1;
        }
        self.rows[participant] = row;
    }

    /// Number of participants with at least one vote.
    pub fn n_participants(&self) -> usize {
        self.participant_ids.len()
    }

    /// Number of statements (declared or voted on).
    pub fn n_statements(&self) -> usize {
        self.statement_ids.len()
    }

    /// Number of cells of the matrix (latest votes).
    pub fn n_votes(&self) -> u64 {
        self.n_votes
    }

    /// Statement ids, in the order they were first seen.
    pub fn statement_ids(&self) -> &[u64] {
        &self.statement_ids
    }

    /// Participant ids, in the order they were first seen.
    pub fn participant_ids(&self) -> &[u64] {
        &self.participant_ids
    }

    /// The moderation of a statement, if it is known.
    pub fn moderation(&self, statement_id: u64) -> Option<Moderation> {
        self.statement_index
            .get(&statement_id)
            .map(|&index| self.moderation[index as usize])
    }

    /// A participant's latest votes as (statement id, vote), in no particular order.
    pub fn votes_of(&self, participant_id: u64) -> Vec<(u64, Vote)> {
        match self.participant_index.get(&participant_id) {
            Some(&index) => self
                .row(index as usize)
                .map(|(statement, vote)| (self.statement_ids[statement], vote))
                .collect(),
            None => Vec::new(),
        }
    }

    pub(crate) fn row(&self, participant: usize) -> impl Iterator<Item = (usize, Vote)> + '_ {
        self.rows[participant]
            .iter()
            .map(|&cell| ((cell >> 2) as usize, Vote::from_code(cell & 3)))
    }

    /// A participant's packed cells: `statement << 2 | code`, code 0 pass, 1 agree, 2 disagree.
    pub(crate) fn cells(&self, participant: usize) -> &[u32] {
        &self.rows[participant]
    }

    pub(crate) fn moderation_at(&self, statement: usize) -> Moderation {
        self.moderation[statement]
    }

    pub(crate) fn column(&self, statement: usize) -> ColumnSums {
        self.columns[statement]
    }

    pub(crate) fn pair(&self, low: usize, high: usize) -> PairSums {
        debug_assert!(low < high);
        self.pairs[high * (high - 1) / 2 + low]
    }

    fn statement_slot(&mut self, statement_id: u64) -> u32 {
        if let Some(&index) = self.statement_index.get(&statement_id) {
            return index;
        }
        let index = self.statement_ids.len();
        assert!(index < 1 << 30, "more than 2^30 statements");
        self.statement_index.insert(statement_id, index as u32);
        self.statement_ids.push(statement_id);
        self.moderation.push(Moderation::Included);
        self.columns.push(ColumnSums::default());
        self.pairs
            .resize(self.pairs.len() + index, PairSums::default());
        index as u32
    }

    /// Adds (`sign` = 1) or removes (`sign` = -1) the contribution of `vote` on `statement` for a
    /// participant whose other votes are `others`.
    fn account(&mut self, others: &[u32], statement: u32, vote: Vote, sign: i32) {
        let x = vote.value();
        let column = &mut self.columns[statement as usize];
        column.seen += i64::from(sign);
        match vote {
            Vote::Agree => column.agree += i64::from(sign),
            Vote::Disagree => column.disagree += i64::from(sign),
            Vote::Pass => {}
        }
        for &cell in others {
            let other = cell >> 2;
            let y = Vote::from_code(cell & 3).value();
            let (low, high, x_low, x_high) = if statement < other {
                (statement, other, x, y)
            } else {
                (other, statement, y, x)
            };
            let (low, high) = (low as usize, high as usize);
            let pair = &mut self.pairs[high * (high - 1) / 2 + low];
            // Wrapping arithmetic only skips the overflow check in this hot loop: a count never
            // exceeds the number of participants, which `vote` keeps below 2^31.
            pair.product = pair.product.wrapping_add(sign * x_low * x_high);
            pair.sum_low = pair.sum_low.wrapping_add(sign * x_low);
            pair.sum_high = pair.sum_high.wrapping_add(sign * x_high);
            pair.count = pair.count.wrapping_add(sign);
        }
    }
}
