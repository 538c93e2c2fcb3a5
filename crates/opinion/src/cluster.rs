//! Clustering in the plane: weighted Lloyd k-means with deterministic starts, the base clusters
//! (many small buckets of nearby participants) and the opinion groups formed from them, with the
//! number of groups chosen by a size-weighted silhouette under a minimum group size.
//!
//! Nothing here draws random numbers: starts come from quantiles of the points and from
//! farthest-point traversal, ties go to the lower index, and the caller passes the points in a
//! canonical order (by participant id), so the same votes always give the same clusters.

/// A point of the plane.
pub(crate) type Point = [f64; 2];

fn distance2(a: Point, b: Point) -> f64 {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    dx * dx + dy * dy
}

/// Centres sorted by x, for a nearest-centre search that stops once the x gap alone exceeds the best
/// distance found.
struct Nearest {
    order: Vec<usize>,
    xs: Vec<f64>,
}

impl Nearest {
    fn new(centres: &[Point]) -> Nearest {
        let mut order: Vec<usize> = (0..centres.len()).collect();
        order.sort_by(|&a, &b| centres[a][0].total_cmp(&centres[b][0]).then(a.cmp(&b)));
        let xs = order.iter().map(|&index| centres[index][0]).collect();
        Nearest { order, xs }
    }

    /// The nearest centre; on equal distance, the lower centre index.
    fn find(&self, centres: &[Point], point: Point) -> usize {
        let start = self.xs.partition_point(|&x| x < point[0]);
        let mut best = usize::MAX;
        let mut best_distance = f64::INFINITY;
        let consider = |index: usize, best: &mut usize, best_distance: &mut f64| {
            let distance = distance2(centres[index], point);
            if distance < *best_distance || (distance == *best_distance && index < *best) {
                *best = index;
                *best_distance = distance;
            }
        };
        let (mut left, mut right) = (start, start);
        loop {
            let mut progressed = false;
            if right < self.xs.len() {
                let gap = self.xs[right] - point[0];
                if gap * gap <= best_distance {
                    consider(self.order[right], &mut best, &mut best_distance);
                    right += 1;
                    progressed = true;
                } else {
                    right = self.xs.len();
                }
            }
            if left > 0 {
                let gap = point[0] - self.xs[left - 1];
                if gap * gap <= best_distance {
                    consider(self.order[left - 1], &mut best, &mut best_distance);
                    left -= 1;
                    progressed = true;
                } else {
                    left = 0;
                }
            }
            if !progressed {
                return best;
            }
        }
    }
}

/// The result of k-means: centres (empty clusters removed) and each point's cluster.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Clustering {
    pub(crate) centres: Vec<Point>,
    pub(crate) assignment: Vec<usize>,
}

/// Weighted Lloyd iterations from `start` until no point changes cluster, no centre moves by more
/// than a hundredth of the points' spread (their standard deviation around their mean), or
/// `max_iterations` rounds; clusters that end up empty are removed (and the remaining ones
/// renumbered in order).
pub(crate) fn kmeans(
    points: &[Point],
    weights: Option<&[f64]>,
    start: &[Point],
    max_iterations: usize,
) -> Clustering {
    let tolerance2 = {
        let mut sum = [0.0f64; 3];
        for (index, point) in points.iter().enumerate() {
            let weight = weights.map_or(1.0, |w| w[index]);
            sum[0] += weight * point[0];
            sum[1] += weight * point[1];
            sum[2] += weight;
        }
        let mean = [sum[0] / sum[2].max(1e-300), sum[1] / sum[2].max(1e-300)];
        let variance: f64 = points
            .iter()
            .enumerate()
            .map(|(index, &point)| weights.map_or(1.0, |w| w[index]) * distance2(point, mean))
            .sum::<f64>()
            / sum[2].max(1e-300);
        variance * 1e-4
    };
    let mut centres = start.to_vec();
    let mut assignment = vec![usize::MAX; points.len()];
    for _ in 0..max_iterations.max(1) {
        let nearest = Nearest::new(&centres);
        let mut changed = false;
        for (point, slot) in points.iter().zip(assignment.iter_mut()) {
            let cluster = nearest.find(&centres, *point);
            if cluster != *slot {
                *slot = cluster;
                changed = true;
            }
        }
        let mut sums = vec![[0.0f64; 3]; centres.len()];
        for (index, (point, &cluster)) in points.iter().zip(&assignment).enumerate() {
            let weight = weights.map_or(1.0, |w| w[index]);
            let sum = &mut sums[cluster];
            sum[0] += weight * point[0];
            sum[1] += weight * point[1];
            sum[2] += weight;
        }
        let mut largest_move2: f64 = 0.0;
        for (centre, sum) in centres.iter_mut().zip(&sums) {
            if sum[2] > 0.0 {
                let moved = [sum[0] / sum[2], sum[1] / sum[2]];
                largest_move2 = largest_move2.max(distance2(moved, *centre));
                *centre = moved;
            }
        }
        if !changed || largest_move2 <= tolerance2 {
            break;
        }
    }
    // Drop empty clusters.
    let mut used = vec![false; centres.len()];
    for &cluster in &assignment {
        used[cluster] = true;
    }
    let mut renumber = vec![usize::MAX; centres.len()];
    let mut kept = Vec::new();
    for (index, centre) in centres.iter().enumerate() {
        if used[index] {
            renumber[index] = kept.len();
            kept.push(*centre);
        }
    }
    for cluster in assignment.iter_mut() {
        *cluster = renumber[*cluster];
    }
    Clustering {
        centres: kept,
        assignment,
    }
}

/// Starting centres from quantiles: the points sorted by x are cut into `columns` slices of equal
/// weight, each slice sorted by y is cut into `rows` cells, and each cell's mean is a centre
/// (duplicates removed).
pub(crate) fn quantile_start(
    points: &[Point],
    weights: Option<&[f64]>,
    columns: usize,
    rows: usize,
    first_axis: usize,
) -> Vec<Point> {
    let second_axis = 1 - first_axis;
    let weight = |index: usize| weights.map_or(1.0, |w| w[index]);
    let mut order: Vec<usize> = (0..points.len()).collect();
    let by_axis = |axis: usize| {
        move |a: &usize, b: &usize| {
            points[*a][axis]
                .total_cmp(&points[*b][axis])
                .then(points[*a][1 - axis].total_cmp(&points[*b][1 - axis]))
                .then(a.cmp(b))
        }
    };
    order.sort_by(by_axis(first_axis));
    let mut centres = Vec::new();
    for mut slice in split_by_weight(&order, columns, &weight) {
        slice.sort_by(by_axis(second_axis));
        for cell in split_by_weight(&slice, rows, &weight) {
            let mut sum = [0.0; 3];
            for &index in &cell {
                let w = weight(index);
                sum[0] += w * points[index][0];
                sum[1] += w * points[index][1];
                sum[2] += w;
            }
            if sum[2] > 0.0 {
                centres.push([sum[0] / sum[2], sum[1] / sum[2]]);
            }
        }
    }
    centres.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    centres.dedup();
    centres
}

/// Cuts `order` into at most `parts` consecutive non-empty runs of about equal total weight.
fn split_by_weight(
    order: &[usize],
    parts: usize,
    weight: &dyn Fn(usize) -> f64,
) -> Vec<Vec<usize>> {
    let total: f64 = order.iter().map(|&index| weight(index)).sum();
    let mut runs: Vec<Vec<usize>> = Vec::new();
    let mut current = Vec::new();
    let mut cumulative = 0.0;
    let mut part = 1;
    for &index in order {
        current.push(index);
        cumulative += weight(index);
        if part < parts && cumulative >= total * part as f64 / parts as f64 {
            runs.push(std::mem::take(&mut current));
            while part < parts && cumulative >= total * part as f64 / parts as f64 {
                part += 1;
            }
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// Farthest-point traversal: the heaviest point (lowest index on ties), then repeatedly the point
/// farthest from all chosen ones.
fn farthest_start(points: &[Point], weights: &[f64], k: usize) -> Vec<Point> {
    let mut first = 0;
    for index in 1..points.len() {
        if weights[index] > weights[first] {
            first = index;
        }
    }
    let mut chosen = vec![points[first]];
    let mut distance: Vec<f64> = points
        .iter()
        .map(|&p| distance2(p, points[first]))
        .collect();
    while chosen.len() < k {
        let mut far = 0;
        for index in 1..points.len() {
            if distance[index] > distance[far] {
                far = index;
            }
        }
        if distance[far] == 0.0 {
            break;
        }
        chosen.push(points[far]);
        for (index, d) in distance.iter_mut().enumerate() {
            *d = d.min(distance2(points[index], points[far]));
        }
    }
    chosen
}

/// Base clusters of the participants' positions: about `k` buckets from the quantile grid start,
/// or, when warm-starting, from the previous analysis's bucket centres.
pub(crate) fn base_clusters(
    points: &[Point],
    k: usize,
    previous: Option<&[Point]>,
    max_iterations: usize,
) -> Clustering {
    if points.is_empty() {
        return Clustering {
            centres: Vec::new(),
            assignment: Vec::new(),
        };
    }
    let start = match previous {
        Some(centres) if !centres.is_empty() => centres.to_vec(),
        _ => {
            let k = k.clamp(1, points.len());
            let columns = (k as f64).sqrt().ceil() as usize;
            let rows = (k / columns).max(1);
            quantile_start(points, None, columns, rows, 0)
        }
    };
    kmeans(points, None, &start, max_iterations)
}

/// Weighted k-means of the bucket centres into exactly `k` groups, or `None` if fewer than `k`
/// non-empty groups come out: the best (lowest weighted within-group sum of squares) of three
/// deterministic starts (weighted quantiles along each axis, and farthest-point traversal).
pub(crate) fn group_clustering(
    centres: &[Point],
    weights: &[f64],
    k: usize,
    max_iterations: usize,
) -> Option<Clustering> {
    let starts = [
        quantile_start(centres, Some(weights), k, 1, 0),
        quantile_start(centres, Some(weights), k, 1, 1),
        farthest_start(centres, weights, k),
    ];
    let mut best: Option<(f64, Clustering)> = None;
    for start in starts {
        if start.len() < k {
            continue;
        }
        let clustering = kmeans(centres, Some(weights), &start, max_iterations);
        if clustering.centres.len() < k {
            continue;
        }
        let inertia: f64 = centres
            .iter()
            .zip(weights)
            .zip(&clustering.assignment)
            .map(|((&point, &weight), &group)| weight * distance2(point, clustering.centres[group]))
            .sum();
        if best
            .as_ref()
            .is_none_or(|(best_inertia, _)| inertia < *best_inertia - 1e-12 * best_inertia.abs())
        {
            best = Some((inertia, clustering));
        }
    }
    best.map(|(_, clustering)| clustering)
}

/// The size-weighted silhouette of a grouping of buckets: each bucket stands for its members placed
/// at its centre, so this is the participant-level silhouette of that placement (a member's own
/// bucket-mates are at distance 0); a group of a single participant scores 0.
pub(crate) fn silhouette(centres: &[Point], weights: &[f64], groups: &[usize], k: usize) -> f64 {
    let mut group_weight = vec![0.0; k];
    for (&group, &weight) in groups.iter().zip(weights) {
        group_weight[group] += weight;
    }
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return 0.0;
    }
    let mut score = 0.0;
    let mut to_group = vec![0.0; k];
    for (bucket, &centre) in centres.iter().enumerate() {
        to_group.iter_mut().for_each(|d| *d = 0.0);
        for (other, &other_centre) in centres.iter().enumerate() {
            if other != bucket {
                to_group[groups[other]] += weights[other] * distance2(centre, other_centre).sqrt();
            }
        }
        let own = groups[bucket];
        if group_weight[own] <= 1.0 {
            continue;
        }
        let a = to_group[own] / (group_weight[own] - 1.0);
        let b = (0..k)
            .filter(|&group| group != own && group_weight[group] > 0.0)
            .map(|group| to_group[group] / group_weight[group])
            .fold(f64::INFINITY, f64::min);
        if !b.is_finite() {
            continue;
        }
        let denominator = a.max(b);
        if denominator > 0.0 {
            score += weights[bucket] * (b - a) / denominator;
        }
    }
    score / total
}
