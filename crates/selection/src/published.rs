//! Reading a published distribution file (`Distribution::to_csv`, specified in docs/selection.md) back into a
//! [`Distribution`] whose draw replays the published one, and checking that every panel it lists is one the
//! inputs allow. `klero verify --distribution` and the web app's draw (which draws from the distribution committed
//! before the seed, without solving again) both read it here.

use crate::model::{Instance, LineIndex};
use crate::{Distribution, Lottery, Profile, ProfilePanel, SelectionError, Way};
use std::collections::{BTreeSet, HashMap};

/// Reads a distribution file. Errors name the file and the line; ids must be in the pool.
pub fn parse_distribution(
    file: &str,
    text: &str,
    instance: &Instance,
) -> Result<Distribution, SelectionError> {
    let index: HashMap<&str, usize> = instance
        .people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let lines = LineIndex::new(text);
    let bad = |line: u64, message: String| SelectionError::BadDistribution {
        file: file.to_string(),
        line,
        message,
    };
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let mut profiles: Vec<Profile> = Vec::new();
    let mut panels: Vec<(f64, Vec<(usize, u32)>)> = Vec::new();
    let mut lottery: Vec<Vec<usize>> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|error| {
            let line = error.position().map(|p| lines.line(p.byte())).unwrap_or(0);
            bad(line, format!("malformed CSV: {error}"))
        })?;
        let line = record.position().map(|p| lines.line(p.byte())).unwrap_or(0);
        let field = |at: usize| record.get(at).unwrap_or("");
        let members = field(4)
            .split(' ')
            .filter(|id| !id.is_empty())
            .map(|id| {
                index
                    .get(id)
                    .copied()
                    .ok_or_else(|| bad(line, format!("id `{id}` is not in the pool")))
            })
            .collect::<Result<Vec<usize>, _>>()?;
        let number = |at: usize, name: &str| {
            field(at)
                .parse::<u64>()
                .map_err(|_| bad(line, format!("`{}` is not a valid {name}", field(at))))
        };
        match field(0) {
            "already-selected" => {}
            "panel" => {
                let panel = number(1, "panel number")? as usize;
                let probability: f64 = field(2)
                    .parse()
                    .map_err(|_| bad(line, format!("`{}` is not a probability", field(2))))?;
                let seats = number(3, "number of seats")? as u32;
                if seats as usize > members.len()
                    || members.is_empty()
                    || !(0.0..=1.0).contains(&probability)
                {
                    return Err(bad(
                        line,
                        format!(
                            "{seats} seats for {} people, probability {probability}",
                            members.len()
                        ),
                    ));
                }
                let profile = match profiles.iter().position(|p| p.members == members) {
                    Some(position) => position,
                    None => {
                        let values = instance.people[members[0]].values.clone();
                        profiles.push(Profile { members, values });
                        profiles.len() - 1
                    }
                };
                if panel == panels.len() {
                    panels.push((probability, Vec::new()));
                } else if panel + 1 != panels.len() {
                    return Err(bad(
                        line,
                        "panels must be numbered 0, 1, 2, ... in order".to_string(),
                    ));
                }
                panels[panel].1.push((profile, seats));
            }
            "lottery" => lottery.push(members),
            other => return Err(bad(line, format!("unknown row kind `{other}`"))),
        }
    }
    if panels.is_empty() && lottery.is_empty() {
        return Err(SelectionError::EmptyDistribution {
            file: file.to_string(),
        });
    }
    // The draw visits profiles in the engine's order: by their first member's place in the pool.
    let mut order: Vec<usize> = (0..profiles.len()).collect();
    order.sort_by_key(|&p| profiles[p].members[0]);
    let mut rank = vec![0; profiles.len()];
    for (position, &p) in order.iter().enumerate() {
        rank[p] = position;
    }
    let profiles: Vec<Profile> = order.iter().map(|&p| profiles[p].clone()).collect();
    let panels: Vec<ProfilePanel> = panels
        .into_iter()
        .map(|(probability, seats)| {
            let mut counts = vec![0u32; profiles.len()];
            for (profile, count) in seats {
                counts[rank[profile]] = count;
            }
            ProfilePanel {
                counts,
                probability,
            }
        })
        .collect();
    // Each member of a profile has the profile's seats divided by its size, in every panel.
    let mut fair_probabilities = vec![0.0; instance.people.len()];
    for &person in &instance.already_selected {
        fair_probabilities[person] = 1.0;
    }
    for panel in &panels {
        for (profile, &count) in profiles.iter().zip(&panel.counts) {
            for &person in &profile.members {
                fair_probabilities[person] +=
                    panel.probability * count as f64 / profile.members.len() as f64;
            }
        }
    }
    for probability in &mut fair_probabilities {
        *probability = probability.clamp(0.0, 1.0);
    }
    let lottery = (!lottery.is_empty()).then(|| {
        let probabilities = crate::lottery_probabilities(instance.people.len(), &lottery);
        let max_change = probabilities
            .iter()
            .zip(&fair_probabilities)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        Lottery {
            panels: lottery,
            max_change,
        }
    });
    Ok(Distribution {
        profiles,
        panels,
        fair_probabilities,
        lottery,
        unreachable: Vec::new(),
        excluded: Vec::new(),
        by_relaxation: false,
        way: Way::Stages,
    })
}

/// What makes a published distribution one that the inputs cannot have given, in words, or `None`: a profile that
/// mixes feature values, lists a person twice, or puts someone who shares a household with another listed person
/// among others (only a profile of its own keeps the household rule whichever members are drawn); a panel that breaks a
/// quota, the panel size or the household rule; probabilities that do not add up to 1; or a transparent lottery
/// whose number of panels is not `lottery_panels` (which the commitment fixes).
pub fn distribution_problem(
    instance: &Instance,
    lottery_panels: Option<u32>,
    distribution: &Distribution,
) -> Option<String> {
    let numbered = distribution.lottery.as_ref().map(|l| l.panels.len() as u32);
    if numbered != lottery_panels {
        return Some(format!(
            "{} numbered panels, but the inputs say {}",
            numbered.unwrap_or(0),
            lottery_panels.unwrap_or(0)
        ));
    }
    // Members of a profile are interchangeable only if none shares a household with anyone else listed.
    let mut households: HashMap<&str, usize> = HashMap::new();
    let listed = distribution
        .profiles
        .iter()
        .flat_map(|profile| profile.members.iter())
        .chain(&instance.already_selected);
    for &person in listed {
        if let Some(key) = &instance.people[person].household {
            *households.entry(key.as_str()).or_default() += 1;
        }
    }
    let mut seen = BTreeSet::new();
    for profile in &distribution.profiles {
        let first = &instance.people[profile.members[0]];
        for &member in &profile.members {
            let person = &instance.people[member];
            if !seen.insert(member) || instance.already_selected.contains(&member) {
                return Some(format!(
                    "`{}` is listed twice or is already selected",
                    person.id
                ));
            }
            if person.values != first.values {
                return Some(format!(
                    "`{}` and `{}` share a profile with different feature values",
                    first.id, person.id
                ));
            }
            let shared = person
                .household
                .as_ref()
                .is_some_and(|key| households[key.as_str()] > 1);
            if profile.members.len() > 1 && shared {
                return Some(format!(
                    "`{}` shares a household with someone else and a profile with others",
                    person.id
                ));
            }
        }
    }
    for index in 0..distribution.panels.len() {
        if let Err(problem) = instance.check_panel(&distribution.representative(instance, index)) {
            return Some(format!("panel {index}: {problem}"));
        }
    }
    if let Some(lottery) = &distribution.lottery {
        for (number, panel) in lottery.panels.iter().enumerate() {
            if let Err(problem) = instance.check_panel(panel) {
                return Some(format!("numbered panel {number}: {problem}"));
            }
        }
    }
    let total: f64 = distribution.panels.iter().map(|p| p.probability).sum();
    if (total - 1.0).abs() > 1e-6 {
        return Some(format!("the probabilities add up to {total}, not 1"));
    }
    None
}
