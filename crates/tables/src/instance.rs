//! The validated problem: a [`crate::Request`] parsed once into dense indices.
//!
//! Members, feature values, tables and facilitators become small integers, so that the search can
//! work on flat vectors; every check that can fail happens here, before any search.

use crate::{MAX_MEMBERS, MAX_SESSIONS, Request, Rotation, TableLayout, TablesError};

/// The problem in index form. Member `i` is `member_ids[i]`; value codes are global across features.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub(crate) member_ids: Vec<String>,
    pub(crate) n_features: usize,
    /// `codes[i * n_features + f]`: the global value index of member `i` for feature `f`.
    pub(crate) codes: Vec<u32>,
    /// The feature of each global value.
    pub(crate) value_feature: Vec<usize>,
    /// How many members hold each global value.
    pub(crate) value_totals: Vec<i64>,
    pub(crate) sessions: usize,
    /// The number of seats of each table (they differ by at most one).
    pub(crate) seats: Vec<usize>,
    /// `pinned[s * n + i]`: the table member `i` is pinned to in session `s`.
    pub(crate) pinned: Vec<Option<u32>>,
    /// The members each member must be kept apart from.
    pub(crate) apart: Vec<Vec<u32>>,
    /// Every kept-apart pair once, in input order.
    pub(crate) apart_pairs: Vec<(u32, u32)>,
    pub(crate) facilitator_ids: Vec<String>,
    pub(crate) rotation: Rotation,
    /// One weight per feature.
    pub(crate) feature_weights: Vec<i64>,
    pub(crate) meeting_weight: i64,
}

impl Instance {
    pub(crate) fn parse(request: &Request) -> Result<Instance, TablesError> {
        let n = request.members.len();
        if n == 0 {
            return Err(TablesError::NoMembers);
        }
        if n > MAX_MEMBERS {
            return Err(TablesError::TooManyMembers {
                members: n,
                max: MAX_MEMBERS,
            });
        }
        if request.sessions == 0 {
            return Err(TablesError::NoSessions);
        }
        if request.sessions > MAX_SESSIONS {
            return Err(TablesError::TooManySessions {
                sessions: request.sessions,
                max: MAX_SESSIONS,
            });
        }
        let n_features = request.features.len();
        for (index, name) in request.features.iter().enumerate() {
            if request.features[..index].contains(name) {
                return Err(TablesError::DuplicateFeature { name: name.clone() });
            }
        }

        let mut member_ids: Vec<String> = Vec::with_capacity(n);
        let mut sorted_ids: Vec<(&str, usize)> = Vec::with_capacity(n);
        for member in &request.members {
            if member.values.len() != n_features {
                return Err(TablesError::WrongNumberOfValues {
                    member: member.id.clone(),
                    expected: n_features,
                    found: member.values.len(),
                });
            }
            member_ids.push(member.id.clone());
            sorted_ids.push((&member.id, sorted_ids.len()));
        }
        sorted_ids.sort_unstable();
        if let Some(pair) = sorted_ids.windows(2).find(|pair| pair[0].0 == pair[1].0) {
            return Err(TablesError::DuplicateMember {
                id: pair[0].0.to_owned(),
            });
        }

        // Values are numbered per feature in order of first appearance, so codes do not depend on
        // anything but the input order.
        let mut value_names: Vec<Vec<&str>> = vec![Vec::new(); n_features];
        let mut local_codes = vec![0usize; n * n_features];
        for (i, member) in request.members.iter().enumerate() {
            for (f, value) in member.values.iter().enumerate() {
                let names = &mut value_names[f];
                let code = match names.iter().position(|name| *name == value.as_str()) {
                    Some(code) => code,
                    None => {
                        names.push(value);
                        names.len() - 1
                    }
                };
                local_codes[i * n_features + f] = code;
            }
        }
        let mut offsets = Vec::with_capacity(n_features);
        let mut value_feature = Vec::new();
        for (f, names) in value_names.iter().enumerate() {
            offsets.push(value_feature.len());
            value_feature.extend(std::iter::repeat_n(f, names.len()));
        }
        let mut value_totals = vec![0i64; value_feature.len()];
        let mut codes = vec![0u32; n * n_features];
        for i in 0..n {
            for f in 0..n_features {
                let code = offsets[f] + local_codes[i * n_features + f];
                codes[i * n_features + f] = code as u32;
                value_totals[code] += 1;
            }
        }

        let n_tables = match request.layout {
            TableLayout::SeatsPerTable(0) | TableLayout::Tables(0) => {
                return Err(TablesError::NoTables);
            }
            TableLayout::SeatsPerTable(size) => n.div_ceil(size),
            TableLayout::Tables(tables) => tables,
        };
        if n_tables > n {
            return Err(TablesError::TooManyTables {
                tables: n_tables,
                members: n,
            });
        }
        let seats: Vec<usize> = (0..n_tables)
            .map(|t| n / n_tables + usize::from(t < n % n_tables))
            .collect();

        let feature_weights: Vec<i64> = if request.weights.features.is_empty() {
            vec![1; n_features]
        } else if request.weights.features.len() != n_features {
            return Err(TablesError::WrongNumberOfWeights {
                expected: n_features,
                found: request.weights.features.len(),
            });
        } else {
            request
                .weights
                .features
                .iter()
                .map(|&weight| i64::from(weight))
                .collect()
        };

        let index_of = |id: &str, context: &'static str| -> Result<usize, TablesError> {
            match sorted_ids.binary_search_by(|(candidate, _)| (*candidate).cmp(id)) {
                Ok(found) => Ok(sorted_ids[found].1),
                Err(_) => Err(TablesError::UnknownMember {
                    id: id.to_owned(),
                    context,
                }),
            }
        };

        let sessions = request.sessions;
        let mut pinned: Vec<Option<u32>> = vec![None; sessions * n];
        for pin in &request.pins {
            let member = index_of(&pin.member, "a pin")?;
            if pin.table >= n_tables {
                return Err(TablesError::TableOutOfRange {
                    table: pin.table,
                    tables: n_tables,
                });
            }
            let pin_sessions = match pin.session {
                Some(session) if session >= sessions => {
                    return Err(TablesError::SessionOutOfRange { session, sessions });
                }
                Some(session) => session..session + 1,
                None => 0..sessions,
            };
            for session in pin_sessions {
                let slot = &mut pinned[session * n + member];
                match *slot {
                    Some(table) if table as usize != pin.table => {
                        return Err(TablesError::ConflictingPins {
                            member: pin.member.clone(),
                            session,
                            first: table as usize,
                            second: pin.table,
                        });
                    }
                    _ => *slot = Some(pin.table as u32),
                }
            }
        }
        for session in 0..sessions {
            let mut pinned_count = vec![0usize; n_tables];
            for table in pinned[session * n..(session + 1) * n].iter().flatten() {
                pinned_count[*table as usize] += 1;
            }
            for (table, (&count, &capacity)) in pinned_count.iter().zip(&seats).enumerate() {
                if count > capacity {
                    return Err(TablesError::TableOverPinned {
                        session,
                        table,
                        seats: capacity,
                        pinned: count,
                    });
                }
            }
        }

        let mut apart: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut apart_pairs = Vec::new();
        for pair in &request.kept_apart {
            let first = index_of(&pair.first, "a kept-apart pair")?;
            let second = index_of(&pair.second, "a kept-apart pair")?;
            if first == second {
                return Err(TablesError::KeptApartFromSelf {
                    member: pair.first.clone(),
                });
            }
            if apart[first].contains(&(second as u32)) {
                continue;
            }
            for session in 0..sessions {
                if let (Some(a), Some(b)) =
                    (pinned[session * n + first], pinned[session * n + second])
                    && a == b
                {
                    return Err(TablesError::KeptApartButPinnedTogether {
                        first: pair.first.clone(),
                        second: pair.second.clone(),
                        session,
                        table: a as usize,
                    });
                }
            }
            apart[first].push(second as u32);
            apart[second].push(first as u32);
            apart_pairs.push((first as u32, second as u32));
        }

        if !request.facilitators.is_empty() {
            if request.facilitators.len() < n_tables {
                return Err(TablesError::NotEnoughFacilitators {
                    facilitators: request.facilitators.len(),
                    tables: n_tables,
                });
            }
            for (index, id) in request.facilitators.iter().enumerate() {
                if request.facilitators[..index].contains(id) {
                    return Err(TablesError::DuplicateFacilitator { id: id.clone() });
                }
            }
        }

        Ok(Instance {
            member_ids,
            n_features,
            codes,
            value_feature,
            value_totals,
            sessions,
            seats,
            pinned,
            apart,
            apart_pairs,
            facilitator_ids: request.facilitators.clone(),
            rotation: request.rotation,
            feature_weights,
            meeting_weight: i64::from(request.weights.meetings),
        })
    }

    pub(crate) fn n_members(&self) -> usize {
        self.member_ids.len()
    }

    pub(crate) fn n_tables(&self) -> usize {
        self.seats.len()
    }

    pub(crate) fn n_values(&self) -> usize {
        self.value_feature.len()
    }

    pub(crate) fn member_index(&self, id: &str) -> Option<usize> {
        self.member_ids.iter().position(|member| member == id)
    }

    /// The first kept-apart pair (in input order) seated together, with the session.
    pub(crate) fn first_kept_apart_violation(
        &self,
        table_of: &[u32],
    ) -> Option<(usize, usize, usize)> {
        let n = self.n_members();
        for session in 0..self.sessions {
            for &(first, second) in &self.apart_pairs {
                let (first, second) = (first as usize, second as usize);
                if table_of[session * n + first] == table_of[session * n + second] {
                    return Some((first, second, session));
                }
            }
        }
        None
    }
}
