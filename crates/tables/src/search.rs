//! The optimiser: a greedy start, then simulated annealing over swaps of two members.
//!
//! The cost is an integer, updated incrementally in O(features + table size + kept-apart partners)
//! per candidate swap, so the search tries millions of swaps per second.
//! Diversity: for each session, table and value, `weight × (N·count − seats·total)²`, which is
//! `N²` times the squared gap between the table's count and its proportional share (the factor
//! `N²` keeps everything in integers).
//! Meetings: `meeting weight × N²` for every repeated meeting (a pair that met `m` times
//! counts `m·(m−1)/2`).
//! Kept-apart pairs seated together come first: costs compare lexicographically as
//! (kept-apart violations, diversity and meetings), so no gain elsewhere can pay for a violation,
//! and the search never accepts a swap that adds one.
//! The second part is an `i128`, which no input within the crate's limits can overflow.
//! Swaps keep every table's size, so the balanced sizes of the start are kept throughout.

use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};

use crate::instance::Instance;

/// A cost, or a change of cost, compared lexicographically: kept-apart pairs seated together
/// first, then the weighted diversity gaps and repeated meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) struct Cost {
    apart: i64,
    spread: i128,
}

impl Cost {
    const ZERO: Cost = Cost {
        apart: 0,
        spread: 0,
    };
}

impl std::ops::Add for Cost {
    type Output = Cost;
    fn add(self, other: Cost) -> Cost {
        Cost {
            apart: self.apart + other.apart,
            spread: self.spread + other.spread,
        }
    }
}

impl std::ops::AddAssign for Cost {
    fn add_assign(&mut self, other: Cost) {
        *self = *self + other;
    }
}

/// The starting temperature, as a fraction of the mean cost increase of a random swap.
const START_TEMPERATURE: f64 = 0.3;

/// The number of temperature stages of the annealing.
const STAGES: u64 = 1000;

/// The factor by which the temperature falls after each stage: 0.01^(1/1000), so the last stage
/// runs at a hundredth of the first. A constant, so no platform-dependent `powf` is needed.
const COOLING: f64 = 0.995_405_417_351_527;

/// How many random members to try when looking for one who sits with someone already met.
const CONFLICT_TRIES: usize = 4;

pub(crate) fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

/// A uniform integer in `0..bound` (Lemire's multiply-shift; the bias, at most `bound / 2³²`, is negligible here).
fn below(rng: &mut ChaCha20Rng, bound: usize) -> usize {
    ((u64::from(rng.next_u32()) * bound as u64) >> 32) as usize
}

fn shuffle(rng: &mut ChaCha20Rng, items: &mut [u32]) {
    for index in (1..items.len()).rev() {
        let other = below(rng, index + 1);
        items.swap(index, other);
    }
}

/// Seats members uniformly at random around the pins: the baseline.
pub(crate) fn random_seating(instance: &Instance, rng: &mut ChaCha20Rng) -> Vec<u32> {
    let n = instance.n_members();
    let mut table_of = vec![0u32; instance.sessions * n];
    for session in 0..instance.sessions {
        let mut free = instance.seats.clone();
        let mut loose = Vec::new();
        for member in 0..n {
            match instance.pinned[session * n + member] {
                Some(table) => {
                    free[table as usize] -= 1;
                    table_of[session * n + member] = table;
                }
                None => loose.push(member as u32),
            }
        }
        shuffle(rng, &mut loose);
        let mut seats = free
            .iter()
            .enumerate()
            .flat_map(|(table, &count)| std::iter::repeat_n(table as u32, count));
        for member in loose {
            table_of[session * n + member as usize] = seats.next().expect("seats match members");
        }
    }
    table_of
}

/// Runs the greedy start and the search; returns `table_of[session * n + member]`.
pub(crate) fn optimise(instance: &Instance, effort: u32, rng: &mut ChaCha20Rng) -> Vec<u32> {
    let mut state = State::empty(instance);
    for session in 0..instance.sessions {
        state.seat_greedily(session, rng);
    }
    state.cost = state.full_cost();
    state.improve(u64::from(effort), rng);
    state.table_of
}

/// The search state: the seating plus the counters the incremental cost needs.
pub(crate) struct State<'a> {
    instance: &'a Instance,
    n: usize,
    n_tables: usize,
    n_values: usize,
    /// `table_of[s * n + i]`.
    table_of: Vec<u32>,
    /// `position[s * n + i]`: the index of member `i` in its table's seat list.
    position: Vec<u32>,
    /// `seated[s * n_tables + t]`: the members at table `t` in session `s`.
    seated: Vec<Vec<u32>>,
    /// `counts[(s * n_tables + t) * n_values + v]`: members with value `v` at the table.
    counts: Vec<i64>,
    /// `share[t * n_values + v]`: `seats(t) × total(v)`, the proportional share times `N`.
    share: Vec<i64>,
    /// `value_weight[v]`: the weight of value `v`'s feature.
    value_weight: Vec<i128>,
    /// `meetings[i * n + j]`: how many sessions `i` and `j` shared a table so far.
    meetings: Vec<u16>,
    /// The weight of one repeated meeting, times `N²`.
    meeting_unit: i128,
    cost: Cost,
}

impl<'a> State<'a> {
    fn empty(instance: &'a Instance) -> State<'a> {
        let n = instance.n_members();
        let n_tables = instance.n_tables();
        let n_values = instance.n_values();
        let mut share = vec![0i64; n_tables * n_values];
        for (table, &seats) in instance.seats.iter().enumerate() {
            for (value, &total) in instance.value_totals.iter().enumerate() {
                share[table * n_values + value] = seats as i64 * total;
            }
        }
        let value_weight = instance
            .value_feature
            .iter()
            .map(|&feature| i128::from(instance.feature_weights[feature]))
            .collect();
        let sessions = instance.sessions;
        State {
            instance,
            n,
            n_tables,
            n_values,
            table_of: vec![u32::MAX; sessions * n],
            position: vec![0; sessions * n],
            seated: vec![Vec::new(); sessions * n_tables],
            counts: vec![0; sessions * n_tables * n_values],
            share,
            value_weight,
            meetings: vec![0; n * n],
            meeting_unit: i128::from(instance.meeting_weight) * (n as i128) * (n as i128),
            cost: Cost::ZERO,
        }
    }

    /// Builds the state of a complete seating.
    pub(crate) fn from_seating(instance: &'a Instance, table_of: &[u32]) -> State<'a> {
        let mut state = State::empty(instance);
        for session in 0..instance.sessions {
            for member in 0..state.n {
                state.sit(
                    session,
                    member,
                    table_of[session * state.n + member] as usize,
                );
            }
        }
        state.cost = state.full_cost();
        state
    }

    fn codes(&self, member: usize) -> &'a [u32] {
        let f = self.instance.n_features;
        &self.instance.codes[member * f..(member + 1) * f]
    }

    fn sit(&mut self, session: usize, member: usize, table: usize) {
        let n = self.n;
        let slot = session * self.n_tables + table;
        for &other in &self.seated[slot] {
            let other = other as usize;
            self.meetings[member * n + other] += 1;
            self.meetings[other * n + member] += 1;
        }
        self.table_of[session * n + member] = table as u32;
        self.position[session * n + member] = self.seated[slot].len() as u32;
        self.seated[slot].push(member as u32);
        for &value in self.codes(member) {
            self.counts[slot * self.n_values + value as usize] += 1;
        }
    }

    /// The cost computed from scratch.
    pub(crate) fn full_cost(&self) -> Cost {
        let n = self.n as i64;
        let mut spread = 0i128;
        for session in 0..self.instance.sessions {
            for table in 0..self.n_tables {
                let slot = session * self.n_tables + table;
                for value in 0..self.n_values {
                    let gap = n * self.counts[slot * self.n_values + value]
                        - self.share[table * self.n_values + value];
                    spread += self.value_weight[value] * i128::from(gap) * i128::from(gap);
                }
            }
        }
        for i in 0..self.n {
            for j in i + 1..self.n {
                let met = i128::from(self.meetings[i * self.n + j]);
                spread += self.meeting_unit * met * (met - 1).max(0) / 2;
            }
        }
        Cost {
            apart: self.instance.kept_apart_count(&self.table_of) as i64,
            spread,
        }
    }

    /// Seats session `session` member by member (pins first, the rest in random order), each at
    /// the open table where adding them costs least.
    fn seat_greedily(&mut self, session: usize, rng: &mut ChaCha20Rng) {
        let n = self.n;
        let mut free = self.instance.seats.clone();
        let mut loose = Vec::new();
        for member in 0..n {
            match self.instance.pinned[session * n + member] {
                Some(table) => {
                    free[table as usize] -= 1;
                    self.sit(session, member, table as usize);
                }
                None => loose.push(member as u32),
            }
        }
        shuffle(rng, &mut loose);
        for member in loose {
            let member = member as usize;
            let mut best: Option<(Cost, usize)> = None;
            for (table, &open) in free.iter().enumerate() {
                if open == 0 {
                    continue;
                }
                let added = self.cost_of_adding(session, member, table);
                if best.is_none_or(|(cost, _)| added < cost) {
                    best = Some((added, table));
                }
            }
            let (_, table) = best.expect("there are as many seats as members");
            free[table] -= 1;
            self.sit(session, member, table);
        }
    }

    fn cost_of_adding(&self, session: usize, member: usize, table: usize) -> Cost {
        let n = self.n;
        let slot = session * self.n_tables + table;
        let big_n = n as i64;
        let mut cost = Cost::ZERO;
        for &value in self.codes(member) {
            let value = value as usize;
            let gap = big_n * self.counts[slot * self.n_values + value]
                - self.share[table * self.n_values + value];
            cost.spread += self.value_weight[value] * i128::from(big_n * (2 * gap + big_n));
        }
        let row = &self.meetings[member * n..(member + 1) * n];
        let known: i64 = self.seated[slot]
            .iter()
            .map(|&other| i64::from(row[other as usize]))
            .sum();
        cost.spread += self.meeting_unit * i128::from(known);
        for &partner in &self.instance.apart[member] {
            cost.apart += i64::from(self.table_of[session * n + partner as usize] == table as u32);
        }
        cost
    }

    /// The change of cost if `a` and `b` (at different tables) swap seats in `session`.
    pub(crate) fn swap_delta(&self, session: usize, a: usize, b: usize) -> Cost {
        let n = self.n;
        let big_n = n as i64;
        let table_a = self.table_of[session * n + a] as usize;
        let table_b = self.table_of[session * n + b] as usize;
        let slot_a = session * self.n_tables + table_a;
        let slot_b = session * self.n_tables + table_b;
        let mut delta = Cost::ZERO;

        // One cell's change when its count moves by `step` (±1): (N(c+step) − E)² − (Nc − E)².
        let cell = |slot: usize, table: usize, value: usize, step: i64| -> i64 {
            let gap = big_n * self.counts[slot * self.n_values + value]
                - self.share[table * self.n_values + value];
            big_n * step * (2 * gap + big_n * step)
        };
        for (&value_a, &value_b) in self.codes(a).iter().zip(self.codes(b)) {
            if value_a == value_b {
                continue;
            }
            let (value_a, value_b) = (value_a as usize, value_b as usize);
            let weight = self.value_weight[value_a];
            if weight == 0 {
                continue;
            }
            let cells = cell(slot_a, table_a, value_a, -1)
                + cell(slot_a, table_a, value_b, 1)
                + cell(slot_b, table_b, value_a, 1)
                + cell(slot_b, table_b, value_b, -1);
            delta.spread += weight * i128::from(cells);
        }

        if self.meeting_unit != 0 {
            let row_a = &self.meetings[a * n..(a + 1) * n];
            let row_b = &self.meetings[b * n..(b + 1) * n];
            let mut repeats = 0i64;
            for &other in &self.seated[slot_a] {
                let other = other as usize;
                if other != a {
                    repeats += i64::from(row_b[other]) - (i64::from(row_a[other]) - 1);
                }
            }
            for &other in &self.seated[slot_b] {
                let other = other as usize;
                if other != b {
                    repeats += i64::from(row_a[other]) - (i64::from(row_b[other]) - 1);
                }
            }
            delta.spread += self.meeting_unit * i128::from(repeats);
        }

        for &partner in &self.instance.apart[a] {
            let partner = partner as usize;
            if partner != b {
                let table = self.table_of[session * n + partner] as usize;
                delta.apart += i64::from(table == table_b) - i64::from(table == table_a);
            }
        }
        for &partner in &self.instance.apart[b] {
            let partner = partner as usize;
            if partner != a {
                let table = self.table_of[session * n + partner] as usize;
                delta.apart += i64::from(table == table_a) - i64::from(table == table_b);
            }
        }
        delta
    }

    /// Swaps `a` and `b` (at different tables) in `session`, updating every counter.
    pub(crate) fn apply_swap(&mut self, session: usize, a: usize, b: usize, delta: Cost) {
        let n = self.n;
        let table_a = self.table_of[session * n + a] as usize;
        let table_b = self.table_of[session * n + b] as usize;
        let slot_a = session * self.n_tables + table_a;
        let slot_b = session * self.n_tables + table_b;
        for other in std::mem::take(&mut self.seated[slot_a]) {
            let other_index = other as usize;
            if other_index != a {
                self.meetings[a * n + other_index] -= 1;
                self.meetings[other_index * n + a] -= 1;
                self.meetings[b * n + other_index] += 1;
                self.meetings[other_index * n + b] += 1;
            }
            self.seated[slot_a].push(other);
        }
        for other in std::mem::take(&mut self.seated[slot_b]) {
            let other_index = other as usize;
            if other_index != b {
                self.meetings[b * n + other_index] -= 1;
                self.meetings[other_index * n + b] -= 1;
                self.meetings[a * n + other_index] += 1;
                self.meetings[other_index * n + a] += 1;
            }
            self.seated[slot_b].push(other);
        }
        let f = self.instance.n_features;
        for feature in 0..f {
            let value_a = self.instance.codes[a * f + feature] as usize;
            let value_b = self.instance.codes[b * f + feature] as usize;
            if value_a != value_b {
                self.counts[slot_a * self.n_values + value_a] -= 1;
                self.counts[slot_a * self.n_values + value_b] += 1;
                self.counts[slot_b * self.n_values + value_a] += 1;
                self.counts[slot_b * self.n_values + value_b] -= 1;
            }
        }
        let position_a = self.position[session * n + a] as usize;
        let position_b = self.position[session * n + b] as usize;
        self.seated[slot_a][position_a] = b as u32;
        self.seated[slot_b][position_b] = a as u32;
        self.position[session * n + a] = position_b as u32;
        self.position[session * n + b] = position_a as u32;
        self.table_of[session * n + a] = table_b as u32;
        self.table_of[session * n + b] = table_a as u32;
        self.cost += delta;
    }

    /// Simulated annealing over swaps of two unpinned members of one session.
    ///
    /// The temperature starts at [`START_TEMPERATURE`] times the mean cost increase of random
    /// swaps and falls geometrically in [`STAGES`] stages to a hundredth of that; the best
    /// seating seen is kept. The search stops early at cost 0, which nothing can beat.
    fn improve(&mut self, effort: u64, rng: &mut ChaCha20Rng) {
        let n = self.n;
        // The members each session's search may move. Swaps among them keep the set of tables
        // they occupy, so a session with all of them at one table can never change.
        let mut movable: Vec<(usize, Vec<u32>)> = Vec::new();
        for session in 0..self.instance.sessions {
            let loose: Vec<u32> = (0..n as u32)
                .filter(|&member| self.instance.pinned[session * n + member as usize].is_none())
                .collect();
            let first_table = loose
                .first()
                .map(|&member| self.table_of[session * n + member as usize]);
            if loose
                .iter()
                .any(|&member| Some(self.table_of[session * n + member as usize]) != first_table)
            {
                movable.push((session, loose));
            }
        }
        if movable.is_empty() || effort == 0 || self.cost == Cost::ZERO {
            return;
        }
        let seats_total: u64 = movable.iter().map(|(_, loose)| loose.len() as u64).sum();
        let stage_length = (effort * seats_total).div_ceil(STAGES);

        let (mut increase_sum, mut increases) = (0i128, 0i128);
        for _ in 0..1000 {
            if let Some((session, a, b)) = self.pick(&movable, rng) {
                let delta = self.swap_delta(session, a, b);
                if delta.apart == 0 && delta.spread > 0 {
                    increase_sum += delta.spread;
                    increases += 1;
                }
            }
        }
        let mut temperature = if increases == 0 {
            1.0
        } else {
            START_TEMPERATURE * increase_sum as f64 / increases as f64
        };

        let mut best_cost = self.cost;
        let mut best_table_of = self.table_of.clone();
        let mut best_unsaved = false;
        'stages: for _ in 0..STAGES {
            for _ in 0..stage_length {
                let Some((session, a, b)) = self.pick(&movable, rng) else {
                    continue;
                };
                let delta = self.swap_delta(session, a, b);
                // Never a new kept-apart violation. Otherwise Metropolis: accept a worse seating
                // with probability exp(−delta / temperature), i.e. when delta < temperature × an
                // exponentially distributed draw.
                if delta.apart > 0
                    || (delta.apart == 0
                        && delta.spread > 0
                        && delta.spread as f64 >= temperature * exponential(rng))
                {
                    continue;
                }
                if delta > Cost::ZERO && best_unsaved {
                    best_table_of.copy_from_slice(&self.table_of);
                    best_unsaved = false;
                }
                self.apply_swap(session, a, b, delta);
                if self.cost < best_cost {
                    best_cost = self.cost;
                    best_unsaved = true;
                    if best_cost == Cost::ZERO {
                        break 'stages;
                    }
                }
            }
            temperature *= COOLING;
        }
        if self.cost > best_cost {
            *self = State::from_seating(self.instance, &best_table_of);
        }
    }

    /// A random swap in a random session: `a` is, half of the time, a member who sits with someone
    /// they have already met (when one is found quickly); `b` sits at another table.
    fn pick(
        &self,
        movable: &[(usize, Vec<u32>)],
        rng: &mut ChaCha20Rng,
    ) -> Option<(usize, usize, usize)> {
        let n = self.n;
        let (session, loose) = &movable[below(rng, movable.len())];
        let session = *session;
        let mut a = loose[below(rng, loose.len())] as usize;
        if self.meeting_unit != 0 && rng.next_u32() & 1 == 0 {
            for _ in 0..CONFLICT_TRIES {
                let candidate = loose[below(rng, loose.len())] as usize;
                let slot =
                    session * self.n_tables + self.table_of[session * n + candidate] as usize;
                let row = &self.meetings[candidate * n..(candidate + 1) * n];
                if self.seated[slot]
                    .iter()
                    .any(|&other| row[other as usize] >= 2)
                {
                    a = candidate;
                    break;
                }
            }
        }
        let table_a = self.table_of[session * n + a];
        for _ in 0..8 {
            let b = loose[below(rng, loose.len())] as usize;
            if self.table_of[session * n + b] != table_a {
                return Some((session, a, b));
            }
        }
        None
    }
}

/// A draw from the exponential distribution of mean 1, `−ln(u)` for a uniform `u` in (0, 1).
///
/// The logarithm is computed with additions, multiplications and divisions only (which IEEE 754
/// makes exact to the bit on every platform), unlike `f64::ln`, so a seed gives the same
/// allocation everywhere.
fn exponential(rng: &mut ChaCha20Rng) -> f64 {
    let uniform = (f64::from(rng.next_u32()) + 0.5) / 4_294_967_296.0;
    // uniform = mantissa × 2^exponent with mantissa in [1, 2).
    let bits = uniform.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mantissa = f64::from_bits((bits & ((1u64 << 52) - 1)) | (1023u64 << 52));
    // ln(m) = 2·atanh(z) with z = (m − 1)/(m + 1) in [0, 1/3): a short series suffices.
    let z = (mantissa - 1.0) / (mantissa + 1.0);
    let z2 = z * z;
    let mut term = z;
    let mut series = 0.0;
    for k in 0..12 {
        series += term / f64::from(2 * k + 1);
        term *= z2;
    }
    -(exponent as f64 * std::f64::consts::LN_2 + 2.0 * series)
}

impl Instance {
    /// The number of kept-apart pairs seated together, over all sessions.
    pub(crate) fn kept_apart_count(&self, table_of: &[u32]) -> usize {
        let n = self.n_members();
        (0..self.sessions)
            .map(|session| {
                self.apart_pairs
                    .iter()
                    .filter(|&&(a, b)| {
                        table_of[session * n + a as usize] == table_of[session * n + b as usize]
                    })
                    .count()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    //! The incremental cost must always equal the cost computed from scratch.

    use super::*;
    use crate::{KeptApart, Request, TableLayout};

    #[test]
    fn incremental_cost_matches_the_cost_from_scratch_after_many_swaps() {
        let (features, members) = crate::synthetic::assembly(40, 3);
        let mut request = Request::new(features, members, 4, TableLayout::SeatsPerTable(6));
        request.kept_apart = vec![
            KeptApart {
                first: "m1".into(),
                second: "m2".into(),
            },
            KeptApart {
                first: "m1".into(),
                second: "m3".into(),
            },
        ];
        let instance = Instance::parse(&request).unwrap();
        let mut rng = rng(11);
        let seating = random_seating(&instance, &mut rng);
        let mut state = State::from_seating(&instance, &seating);
        let n = instance.n_members();
        let mut checked = 0;
        for _ in 0..3000 {
            let session = below(&mut rng, instance.sessions);
            let a = below(&mut rng, n);
            let b = below(&mut rng, n);
            if state.table_of[session * n + a] == state.table_of[session * n + b] {
                continue;
            }
            let delta = state.swap_delta(session, a, b);
            state.apply_swap(session, a, b, delta);
            assert_eq!(
                state.cost,
                state.full_cost(),
                "after swapping {a} and {b} in session {session}"
            );
            checked += 1;
        }
        assert!(checked > 2000);
    }
}
