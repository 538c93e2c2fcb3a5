//! The swap local search: from a feasible panel, move one seat at a time towards heavier profiles while every
//! quota and the household rule still hold; cheap pricing and the moves of the panel pool.

use super::master::PanelSet;
use crate::SelectionError;
use crate::solver::Reduced;
use crate::watch::Watch;

/// Local search for pricing: from a feasible panel, repeatedly swap one seat from one profile to
/// another while that keeps every quota and the household rule and increases the weight.
pub(super) struct SwapSearch {
    values: Vec<Vec<usize>>,
    sizes: Vec<u32>,
    low: Vec<Vec<i64>>,
    high: Vec<Vec<i64>>,
    group_of: Vec<Option<usize>>,
    groups: usize,
}

impl SwapSearch {
    pub(super) fn new(instance: &crate::model::Instance, reduced: &Reduced) -> SwapSearch {
        let mut low = Vec::new();
        let mut high = Vec::new();
        for (f, feature) in instance.features.iter().enumerate() {
            low.push(
                feature
                    .quotas
                    .iter()
                    .enumerate()
                    .map(|(v, q)| q.min as i64 - reduced.already_counts[f][v] as i64)
                    .collect(),
            );
            high.push(
                feature
                    .quotas
                    .iter()
                    .enumerate()
                    .map(|(v, q)| q.max as i64 - reduced.already_counts[f][v] as i64)
                    .collect(),
            );
        }
        let mut group_of = vec![None; reduced.profiles.len()];
        for (g, group) in reduced.households.iter().enumerate() {
            for &t in group {
                group_of[t] = Some(g);
            }
        }
        SwapSearch {
            values: reduced.profiles.iter().map(|p| p.values.clone()).collect(),
            sizes: reduced
                .profiles
                .iter()
                .map(|p| p.members.len() as u32)
                .collect(),
            low,
            high,
            group_of,
            groups: reduced.households.len(),
        }
    }

    /// Up to `starts` distinct new panels with weight above `threshold`, each the local optimum
    /// reached from one of the best known panels.
    pub(super) fn violating_panels(
        &self,
        known: &PanelSet,
        weights: &[f64],
        threshold: f64,
        starts: usize,
        watch: &mut Watch<'_>,
    ) -> Result<Vec<Vec<u32>>, SelectionError> {
        let value =
            |panel: &[u32]| -> f64 { panel.iter().zip(weights).map(|(&c, &w)| c as f64 * w).sum() };
        let sparse_value = |panel: &[(u32, u32)]| -> f64 {
            panel
                .iter()
                .map(|&(t, c)| c as f64 * weights[t as usize])
                .sum()
        };
        let mut ranked: Vec<(f64, usize)> = known
            .sparse
            .iter()
            .enumerate()
            .map(|(i, p)| (sparse_value(p), i))
            .collect();
        let starts = starts.min(ranked.len());
        if starts < ranked.len() {
            ranked.select_nth_unstable_by(starts, |a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            ranked.truncate(starts);
        }
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        // Profiles by decreasing weight: a swap only helps towards a heavier profile, so each scan
        // stops as soon as the gain can no longer beat the best one found.
        let mut by_weight: Vec<usize> = (0..weights.len()).collect();
        by_weight.sort_by(|&a, &b| weights[b].total_cmp(&weights[a]).then(a.cmp(&b)));
        let mut found: Vec<Vec<u32>> = Vec::new();
        for &(_, start) in &ranked {
            // On pools of 10,000 one round of starts takes seconds: a cancel is heard between two starts.
            watch.check()?;
            let panel = self.improve(&known.dense[start], weights, &by_weight, usize::MAX);
            if value(&panel) > threshold && !known.contains(&panel) && !found.contains(&panel) {
                found.push(panel);
            }
        }
        Ok(found)
    }

    /// Best-improvement swaps from `start`, at most `max_swaps` of them (and at most `4 k`).
    pub(super) fn improve(
        &self,
        start: &[u32],
        weights: &[f64],
        by_weight: &[usize],
        max_swaps: usize,
    ) -> Vec<u32> {
        let mut panel = start.to_vec();
        let mut totals: Vec<Vec<i64>> = self.low.iter().map(|l| vec![0; l.len()]).collect();
        let mut used = vec![0u32; self.groups];
        for (t, &c) in panel.iter().enumerate() {
            for (f, &v) in self.values[t].iter().enumerate() {
                totals[f][v] += c as i64;
            }
            if let Some(g) = self.group_of[t] {
                used[g] += c;
            }
        }
        let mut support: Vec<usize> = (0..panel.len()).filter(|&t| panel[t] > 0).collect();
        let heaviest = by_weight.first().map_or(0.0, |&t| weights[t]);
        for _ in 0..max_swaps.min(4 * support.len().max(1)) {
            // Lightest seats first: they can gain the most, so the best swap is found early and
            // the scans from heavier seats stop at once.
            support.retain(|&t| panel[t] > 0);
            support.sort_by(|&a, &b| weights[a].total_cmp(&weights[b]).then(a.cmp(&b)));
            // Which values may lose or gain a seat without breaking a quota.
            let can_lose: Vec<Vec<bool>> = totals
                .iter()
                .zip(&self.low)
                .map(|(t, l)| t.iter().zip(l).map(|(&t, &l)| t > l).collect())
                .collect();
            let can_gain: Vec<Vec<bool>> = totals
                .iter()
                .zip(&self.high)
                .map(|(t, h)| t.iter().zip(h).map(|(&t, &h)| t < h).collect())
                .collect();
            let mut best: Option<(f64, usize, usize)> = None;
            for &a in &support {
                if best.is_some_and(|(g, _, _)| heaviest - weights[a] <= g) {
                    break;
                }
                for &b in by_weight {
                    let gain = weights[b] - weights[a];
                    if gain <= 1e-12 || best.is_some_and(|(g, _, _)| gain <= g) {
                        break;
                    }
                    if b == a || panel[b] >= self.sizes[b] {
                        continue;
                    }
                    if let Some(g) = self.group_of[b]
                        && used[g] >= 1
                        && self.group_of[a] != Some(g)
                    {
                        continue;
                    }
                    let fits = self.values[a]
                        .iter()
                        .zip(&self.values[b])
                        .zip(&can_lose)
                        .zip(&can_gain)
                        .all(|(((&va, &vb), lose), gain)| va == vb || (lose[va] && gain[vb]));
                    if fits {
                        best = Some((gain, a, b));
                        break;
                    }
                }
            }
            let Some((_, a, b)) = best else { break };
            panel[a] -= 1;
            panel[b] += 1;
            if panel[b] == 1 {
                support.push(b);
            }
            for f in 0..self.values[a].len() {
                totals[f][self.values[a][f]] -= 1;
                totals[f][self.values[b][f]] += 1;
            }
            if let Some(g) = self.group_of[a] {
                used[g] -= 1;
            }
            if let Some(g) = self.group_of[b] {
                used[g] += 1;
            }
        }
        panel
    }
}
