//! Facilitators: one per table and session, either fixed to a table or rotated.
//!
//! Rotation is decided after the members are seated, session by session: each table gets the
//! facilitator its members have sat with least often (ties go to the facilitator used least so
//! far, then to the lowest index), and then pairs of facilitators exchange tables while that
//! lowers the number of repeated member–facilitator meetings.
//! Everything is deterministic without randomness.

use crate::Rotation;
use crate::instance::Instance;

/// Returns `facilitator_at[session * n_tables + table]`, or an empty vector without facilitators.
pub(crate) fn assign(instance: &Instance, table_of: &[u32]) -> Vec<Option<u32>> {
    let n_tables = instance.n_tables();
    let n_facilitators = instance.facilitator_ids.len();
    if n_facilitators == 0 {
        return Vec::new();
    }
    let sessions = instance.sessions;
    let mut facilitator_at = vec![None; sessions * n_tables];
    match instance.rotation {
        Rotation::Fixed => {
            for session in 0..sessions {
                for table in 0..n_tables {
                    facilitator_at[session * n_tables + table] = Some(table as u32);
                }
            }
        }
        Rotation::Rotate => {
            let n = instance.n_members();
            // `met[f * n + i]`: sessions member `i` has had facilitator `f` so far.
            let mut met = vec![0i64; n_facilitators * n];
            let mut used = vec![0i64; n_facilitators];
            for session in 0..sessions {
                let mut members_at: Vec<Vec<usize>> = vec![Vec::new(); n_tables];
                for member in 0..n {
                    members_at[table_of[session * n + member] as usize].push(member);
                }
                let repeats = |facilitator: usize, table: usize, met: &[i64]| -> i64 {
                    members_at[table]
                        .iter()
                        .map(|&member| met[facilitator * n + member])
                        .sum()
                };
                // `at_table[t]`: the facilitator of table t; facilitators beyond the tables wait.
                let mut free: Vec<bool> = vec![true; n_facilitators];
                let mut at_table = vec![0usize; n_tables];
                for (table, seat) in at_table.iter_mut().enumerate() {
                    let chosen = (0..n_facilitators)
                        .filter(|&facilitator| free[facilitator])
                        .min_by_key(|&facilitator| {
                            (
                                repeats(facilitator, table, &met),
                                used[facilitator],
                                facilitator,
                            )
                        })
                        .expect("at least one facilitator per table");
                    free[chosen] = false;
                    *seat = chosen;
                }
                // Exchanges: two tables swap facilitators, or a table takes a waiting one.
                let mut improved = true;
                let mut rounds = 0;
                while improved && rounds < 50 {
                    improved = false;
                    rounds += 1;
                    for first in 0..n_tables {
                        for second in first + 1..n_tables {
                            let (x, y) = (at_table[first], at_table[second]);
                            let before = repeats(x, first, &met) + repeats(y, second, &met);
                            let after = repeats(y, first, &met) + repeats(x, second, &met);
                            if after < before {
                                at_table.swap(first, second);
                                improved = true;
                            }
                        }
                        for waiting in 0..n_facilitators {
                            let current = at_table[first];
                            if free[waiting]
                                && repeats(waiting, first, &met) < repeats(current, first, &met)
                            {
                                free[current] = true;
                                free[waiting] = false;
                                at_table[first] = waiting;
                                improved = true;
                            }
                        }
                    }
                }
                for (table, &facilitator) in at_table.iter().enumerate() {
                    facilitator_at[session * n_tables + table] = Some(facilitator as u32);
                    used[facilitator] += 1;
                    for &member in &members_at[table] {
                        met[facilitator * n + member] += 1;
                    }
                }
            }
        }
    }
    facilitator_at
}
