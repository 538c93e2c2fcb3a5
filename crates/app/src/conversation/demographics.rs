//! How each opinion group's self-described demographics compare with the population targets of the assembly's
//! quotas (issue 16), so nobody mistakes a self-selected crowd for the public.
//!
//! A feature of a group is shown only when at least [`MIN_ANSWERS`] of its members answered it; below that the
//! figures could point at a person, and the page says only that there are too few answers.
//! The background job computes them with the map (`super::figures`); the page reads the stored result.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The fewest answers a group needs on a feature before its figures are shown.
pub const MIN_ANSWERS: usize = 5;

/// One value of a feature: how many of the group gave it, and the population's share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueRow {
    /// The value (`16-29`).
    pub value: String,
    /// Members of the group who gave it.
    pub count: usize,
    /// Their share of the group's answers, in whole percent (half up).
    pub percent: u32,
    /// The population's share, in whole percent (half up), from the quotas' `share_ppm`.
    pub population_percent: u32,
}

/// One feature of one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureRows {
    /// The feature (`age_band`).
    pub feature: String,
    /// Members of the group who answered it.
    pub answered: usize,
    /// Its values, in the quotas' order; empty when fewer than [`MIN_ANSWERS`] answered.
    pub rows: Vec<ValueRow>,
}

/// The demographics of one group (`None`: every participant placed in a group).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDemographics {
    /// The group number, or `None` for all of them together.
    pub group: Option<usize>,
    /// Its features.
    pub features: Vec<FeatureRows>,
}

/// `n / d` in whole percent, half up (integer arithmetic; 0 for an empty whole).
fn percent(n: u64, d: u64) -> u32 {
    if d == 0 {
        return 0;
    }
    ((200 * n + d) / (2 * d)) as u32
}

/// Compares each group of `members` (participant → group) with the population: `answers` are (participant,
/// feature, value) and `population` the quotas' (feature, value, share in parts per million), in their order.
/// Answers of participants in no group, or to a feature or value the quotas do not know, are left out.
pub fn compare(
    members: &[(i64, usize)],
    groups: &[usize],
    answers: &[(i64, String, String)],
    population: &[(String, String, i64)],
) -> Vec<GroupDemographics> {
    let group_of: HashMap<i64, usize> = members.iter().copied().collect();
    let mut features: Vec<&str> = Vec::new();
    for (feature, _, _) in population {
        if !features.contains(&feature.as_str()) {
            features.push(feature);
        }
    }
    let tally = |group: Option<usize>| -> GroupDemographics {
        let features = features
            .iter()
            .map(|&feature| {
                let values: Vec<(&str, i64)> = population
                    .iter()
                    .filter(|(f, _, _)| f == feature)
                    .map(|(_, value, ppm)| (value.as_str(), *ppm))
                    .collect();
                let mut counts = vec![0usize; values.len()];
                for (participant, answered_feature, value) in answers {
                    let Some(&member_group) = group_of.get(participant) else {
                        continue;
                    };
                    if answered_feature != feature || group.is_some_and(|g| g != member_group) {
                        continue;
                    }
                    if let Some(index) = values.iter().position(|(v, _)| v == value) {
                        counts[index] += 1;
                    }
                }
                let answered: usize = counts.iter().sum();
                let rows = if answered < MIN_ANSWERS {
                    Vec::new()
                } else {
                    values
                        .iter()
                        .zip(&counts)
                        .map(|(&(value, ppm), &count)| ValueRow {
                            value: value.to_owned(),
                            count,
                            percent: percent(count as u64, answered as u64),
                            population_percent: percent(ppm.max(0) as u64, 1_000_000),
                        })
                        .collect()
                };
                FeatureRows {
                    feature: feature.to_owned(),
                    answered,
                    rows,
                }
            })
            .collect();
        GroupDemographics { group, features }
    };
    std::iter::once(None)
        .chain(groups.iter().map(|&g| Some(g)))
        .map(tally)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn population() -> Vec<(String, String, i64)> {
        vec![
            ("gender".into(), "woman".into(), 510_000),
            ("gender".into(), "man".into(), 490_000),
        ]
    }

    #[test]
    fn groups_with_five_answers_are_compared_and_smaller_ones_show_nothing() {
        // Group 0: six members, five answered (4 women, 1 man); group 1: four members, all answered.
        let members: Vec<(i64, usize)> = (1..=6)
            .map(|p| (p, 0))
            .chain((7..=10).map(|p| (p, 1)))
            .collect();
        let mut answers: Vec<(i64, String, String)> = Vec::new();
        for p in 1..=4 {
            answers.push((p, "gender".into(), "woman".into()));
        }
        answers.push((5, "gender".into(), "man".into()));
        for p in 7..=10 {
            answers.push((p, "gender".into(), "man".into()));
        }
        // Someone in no group, and an unknown value: both left out.
        answers.push((99, "gender".into(), "woman".into()));
        answers.push((6, "gender".into(), "other".into()));
        let result = compare(&members, &[0, 1], &answers, &population());
        assert_eq!(result.len(), 3);
        let all = &result[0];
        assert_eq!(all.group, None);
        assert_eq!(all.features[0].answered, 9);
        assert_eq!(all.features[0].rows[0].count, 4);
        assert_eq!(all.features[0].rows[0].percent, 44);
        assert_eq!(all.features[0].rows[1].percent, 56);
        let first = &result[1];
        assert_eq!(first.group, Some(0));
        assert_eq!(first.features[0].answered, 5);
        assert_eq!(
            first.features[0].rows,
            vec![
                ValueRow {
                    value: "woman".into(),
                    count: 4,
                    percent: 80,
                    population_percent: 51
                },
                ValueRow {
                    value: "man".into(),
                    count: 1,
                    percent: 20,
                    population_percent: 49
                },
            ]
        );
        let second = &result[2];
        assert_eq!(second.features[0].answered, 4);
        assert!(
            second.features[0].rows.is_empty(),
            "four answers show nothing"
        );
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(percent(1, 8), 13);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(505_000, 1_000_000), 51);
    }
}
