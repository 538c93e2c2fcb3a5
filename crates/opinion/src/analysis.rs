//! The pipeline: who is in, principal components, projection, base clusters, opinion groups,
//! representative statements, consensus, group-informed consensus and routing priorities.
//!
//! `analyse` is a pure function of the conversation and the options, plus, for the incremental
//! update, the previous analysis, whose base-cluster centres warm-start the k-means (the only thing
//! taken from it: see `docs/opinion.md` for what may then differ from a batch run).

use crate::cluster::{self, Point};
use crate::conversation::{Conversation, Moderation};
use crate::pca::{self, Scaling};
use crate::stats::{self, Counts, Direction, Repness};

/// Settings of the analysis; `Options::default()` is the documented reference configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// A participant is clustered once they voted on at least min(min_votes, included statements)
    /// statements in the analysis (Pol.is: 7).
    pub min_votes: usize,
    /// If fewer participants qualify, the most active ones are added until there are this many
    /// (Pol.is: 15).
    pub min_clustered: usize,
    /// Number of base clusters (Pol.is: 100).
    pub base_clusters: usize,
    /// Upper bound on the number of opinion groups; the bound actually used is also at most
    /// 2 + ⌊base clusters / 12⌋ (Pol.is's rule, without its cap of 5).
    pub max_groups: usize,
    /// Every opinion group holds at least this share of the clustered participants (and at least
    /// two of them): no degenerate groups.
    pub min_group_share: f64,
    /// Iteration limit of every k-means.
    pub max_iterations: usize,
    /// Representative statements listed per group.
    pub representatives: usize,
    /// Consensus statements listed per direction.
    pub consensus: usize,
    /// One-sided z threshold of every test (Pol.is: 1.2816, 90%).
    pub z_threshold: f64,
    /// How the projection counts statements out of the analysis.
    pub scaling: Scaling,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            min_votes: 7,
            min_clustered: 15,
            base_clusters: 100,
            max_groups: 10,
            min_group_share: 0.05,
            max_iterations: 100,
            representatives: 5,
            consensus: 5,
            z_threshold: 1.2816,
            scaling: Scaling::Included,
        }
    }
}

/// A stage of the pipeline, reported to the progress callback as it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Eigendecomposition of the statements' Gram matrix.
    Components,
    /// Projection of the participants.
    Projection,
    /// k-means into base clusters.
    BaseClusters,
    /// Choice of the opinion groups.
    Groups,
    /// Representative statements, consensus and priorities.
    Statistics,
}

/// One participant in the result.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    /// The participant's id.
    pub id: u64,
    /// Position on the opinion map, or `None` if they voted on no statement in the analysis.
    pub position: Option<Point>,
    /// Votes on any statement (passes and moderated-out statements included, as Pol.is counts).
    pub n_votes: usize,
    /// Votes on statements in the analysis (what the projection scales by).
    pub n_votes_included: usize,
    /// Index of their base cluster, if clustered.
    pub base_cluster: Option<usize>,
    /// Their opinion group, if clustered.
    pub group: Option<usize>,
}

/// A base cluster: a bucket of nearby clustered participants.
#[derive(Clone, Debug, PartialEq)]
pub struct BaseCluster {
    /// Mean position of its members.
    pub centre: Point,
    /// Number of members.
    pub size: usize,
    /// Its opinion group.
    pub group: usize,
}

/// An opinion group.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// 0 for the largest group, then by decreasing size.
    pub id: usize,
    /// Number of members.
    pub size: usize,
    /// Mean position of its members.
    pub centre: Point,
    /// Its representative statements, best first.
    pub representative: Vec<Representative>,
}

/// A representative statement of a group with the figures behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Representative {
    /// The statement's id.
    pub statement: u64,
    /// The statistics (direction, counts, probability, ratio, tests, metric).
    pub repness: Repness,
}

/// A consensus statement with its figures.
#[derive(Clone, Debug, PartialEq)]
pub struct ConsensusStatement {
    /// The statement's id.
    pub statement: u64,
    /// Counts over every participant who voted on it.
    pub counts: Counts,
    /// Smoothed share voting this way.
    pub probability: f64,
    /// Its z-score against 1/2.
    pub test: f64,
}

/// Statements most participants agree, or disagree, with.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Consensus {
    /// Best first by probability × test.
    pub agree: Vec<ConsensusStatement>,
    /// Best first by probability × test.
    pub disagree: Vec<ConsensusStatement>,
}

/// Group-informed consensus of one statement.
#[derive(Clone, Debug, PartialEq)]
pub struct InformedConsensus {
    /// The statement's id.
    pub statement: u64,
    /// Geometric mean over groups of the smoothed agree share.
    pub value: f64,
}

/// One statement in the result.
#[derive(Clone, Debug, PartialEq)]
pub struct StatementResult {
    /// The statement's id.
    pub id: u64,
    /// Its moderation.
    pub moderation: Moderation,
    /// Counts over every participant who voted on it.
    pub counts: Counts,
    /// Position of a participant who agreed with it alone, if it is in the analysis.
    pub position: Option<Point>,
    /// Routing priority (0 for moderated-out statements).
    pub priority: f64,
}

/// The score of one candidate number of groups.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupChoice {
    /// Number of groups.
    pub k: usize,
    /// Size-weighted silhouette, if every group reached the minimum size.
    pub silhouette: Option<f64>,
    /// Sizes of the groups k-means found, largest first.
    pub sizes: Vec<usize>,
}

/// The result of an analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    /// Every participant with a vote, by increasing id.
    pub participants: Vec<Placement>,
    /// Every statement, by increasing id.
    pub statements: Vec<StatementResult>,
    /// The two principal axes over the statements in the analysis: (statement id, loadings).
    pub axes: Vec<(u64, Point)>,
    /// Eigenvalues of the two components.
    pub eigenvalues: [f64; 2],
    /// Base clusters, by centre.
    pub base_clusters: Vec<BaseCluster>,
    /// Opinion groups, largest first (empty when nobody is clustered).
    pub groups: Vec<Group>,
    /// Every number of groups tried, with its score.
    pub choices: Vec<GroupChoice>,
    /// Consensus over all participants.
    pub consensus: Consensus,
    /// Group-informed consensus of every statement in the analysis, best first (empty with fewer
    /// than two groups).
    pub group_informed_consensus: Vec<InformedConsensus>,
}

impl Analysis {
    /// The statement to show next to a participant who has voted on `voted`: drawn with probability
    /// proportional to priority among the statements shown (not moderated out) that they have not
    /// voted on, using `uniform` ∈ [0, 1) supplied by the caller (the engine draws no randomness).
    pub fn next_statement(&self, voted: &[u64], uniform: f64) -> Option<u64> {
        let candidates: Vec<&StatementResult> = self
            .statements
            .iter()
            .filter(|s| s.moderation != Moderation::ModeratedOut && !voted.contains(&s.id))
            .collect();
        let total: f64 = candidates.iter().map(|s| s.priority).sum();
        if candidates.is_empty() {
            return None;
        }
        if total <= 0.0 {
            let index = ((uniform * candidates.len() as f64) as usize).min(candidates.len() - 1);
            return Some(candidates[index].id);
        }
        let mut target = uniform.clamp(0.0, 1.0) * total;
        for statement in &candidates {
            if target < statement.priority {
                return Some(statement.id);
            }
            target -= statement.priority;
        }
        candidates
            .iter()
            .rev()
            .find(|s| s.priority > 0.0)
            .map(|s| s.id)
    }
}

/// Runs the whole pipeline; with `previous`, the base clusters are warm-started from its centres.
pub fn analyse(
    conversation: &Conversation,
    options: &Options,
    previous: Option<&Analysis>,
    progress: &mut dyn FnMut(Stage),
) -> Analysis {
    progress(Stage::Components);
    let components = pca::components(conversation);
    let n_included = components.included.len();

    progress(Stage::Projection);
    let ids = conversation.participant_ids();
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_by_key(|&index| ids[index]);
    let projector = pca::Projector::new(&components, options.scaling);
    let mut participants: Vec<Placement> = Vec::with_capacity(order.len());
    for &index in &order {
        let cells = conversation.cells(index);
        let projected = projector.project(cells);
        participants.push(Placement {
            id: ids[index],
            position: projected.map(|(position, _)| position),
            n_votes: cells.len(),
            n_votes_included: projected.map_or(0, |(_, n)| n),
            base_cluster: None,
            group: None,
        });
    }

    // Who is clustered (Pol.is's rule): min(min_votes, statements) votes on any statement, topped
    // up to `min_clustered` with the most active participants (ties to the lower id); a participant
    // must also have voted on a statement in the analysis, or they would have no position.
    let threshold = options.min_votes.min(conversation.n_statements()).max(1);
    let placed = |p: &Placement| p.n_votes_included > 0;
    let mut clustered: Vec<usize> = (0..participants.len())
        .filter(|&p| placed(&participants[p]) && participants[p].n_votes >= threshold)
        .collect();
    if clustered.len() < options.min_clustered {
        let mut others: Vec<usize> = (0..participants.len())
            .filter(|&p| placed(&participants[p]) && participants[p].n_votes < threshold)
            .collect();
        others.sort_by(|&a, &b| {
            participants[b]
                .n_votes
                .cmp(&participants[a].n_votes)
                .then(a.cmp(&b))
        });
        let missing = options.min_clustered - clustered.len();
        clustered.extend(others.into_iter().take(missing));
        clustered.sort_unstable();
    }

    progress(Stage::BaseClusters);
    let points: Vec<Point> = clustered
        .iter()
        .map(|&p| {
            participants[p]
                .position
                .expect("clustered participants have votes")
        })
        .collect();
    let previous_centres: Option<Vec<Point>> =
        previous.map(|analysis| analysis.base_clusters.iter().map(|b| b.centre).collect());
    let base = cluster::base_clusters(
        &points,
        options.base_clusters,
        previous_centres.as_deref(),
        options.max_iterations,
    );
    // Canonical order of buckets: by centre.
    let mut bucket_order: Vec<usize> = (0..base.centres.len()).collect();
    bucket_order.sort_by(|&a, &b| {
        base.centres[a][0]
            .total_cmp(&base.centres[b][0])
            .then(base.centres[a][1].total_cmp(&base.centres[b][1]))
    });
    let mut bucket_rank = vec![0; base.centres.len()];
    for (rank, &bucket) in bucket_order.iter().enumerate() {
        bucket_rank[bucket] = rank;
    }
    let bucket_centres: Vec<Point> = bucket_order.iter().map(|&b| base.centres[b]).collect();
    let mut bucket_sizes = vec![0usize; bucket_centres.len()];
    for (&p, &bucket) in clustered.iter().zip(&base.assignment) {
        let rank = bucket_rank[bucket];
        participants[p].base_cluster = Some(rank);
        bucket_sizes[rank] += 1;
    }

    progress(Stage::Groups);
    let (bucket_groups, choices) =
        choose_groups(&bucket_centres, &bucket_sizes, clustered.len(), options);
    let n_groups = choices
        .iter()
        .filter_map(|choice| choice.silhouette.map(|s| (choice.k, s)))
        .fold(None, |best: Option<(usize, f64)>, (k, s)| match best {
            Some((_, best_s)) if best_s >= s => best,
            _ => Some((k, s)),
        })
        .map_or(if clustered.is_empty() { 0 } else { 1 }, |(k, _)| k);
    let bucket_groups: Vec<usize> = if n_groups <= 1 {
        vec![0; bucket_centres.len()]
    } else {
        bucket_groups
            .into_iter()
            .find(|(k, _)| *k == n_groups)
            .map(|(_, groups)| groups)
            .expect("the chosen k was clustered")
    };
    for &p in &clustered {
        let bucket = participants[p].base_cluster.expect("clustered");
        participants[p].group = Some(bucket_groups[bucket]);
    }
    let mut groups: Vec<Group> = (0..n_groups)
        .map(|id| Group {
            id,
            size: 0,
            centre: [0.0; 2],
            representative: Vec::new(),
        })
        .collect();
    for &p in &clustered {
        let group = &mut groups[participants[p].group.expect("clustered")];
        let position = participants[p].position.expect("clustered");
        group.size += 1;
        group.centre[0] += position[0];
        group.centre[1] += position[1];
    }
    for group in &mut groups {
        if group.size > 0 {
            group.centre = [
                group.centre[0] / group.size as f64,
                group.centre[1] / group.size as f64,
            ];
        }
    }
    let base_clusters: Vec<BaseCluster> = bucket_centres
        .iter()
        .zip(&bucket_sizes)
        .zip(&bucket_groups)
        .map(|((&centre, &size), &group)| BaseCluster {
            centre,
            size,
            group,
        })
        .collect();

    progress(Stage::Statistics);
    let statement_ids = conversation.statement_ids();
    // Tally packed cells (statement << 2 | vote code) per group: one increment per vote.
    let n_cells = 4 * statement_ids.len();
    let mut tallies = vec![0u64; n_groups * n_cells];
    for &p in &clustered {
        let group = participants[p].group.expect("clustered");
        let tally = &mut tallies[group * n_cells..(group + 1) * n_cells];
        for &cell in conversation.cells(order[p]) {
            tally[cell as usize] += 1;
        }
    }
    let group_counts: Vec<Vec<Counts>> = (0..n_groups)
        .map(|group| {
            let tally = &tallies[group * n_cells..(group + 1) * n_cells];
            components
                .included
                .iter()
                .map(|&statement| {
                    let (pass, agree, disagree) = (
                        tally[4 * statement],
                        tally[4 * statement + 1],
                        tally[4 * statement + 2],
                    );
                    Counts {
                        agree,
                        disagree,
                        seen: pass + agree + disagree,
                    }
                })
                .collect()
        })
        .collect();
    let mut clustered_counts = vec![Counts::default(); n_included];
    for counts in &group_counts {
        for (total, &c) in clustered_counts.iter_mut().zip(counts) {
            total.add(c);
        }
    }
    if n_groups >= 2 {
        for (group, counts) in groups.iter_mut().zip(&group_counts) {
            let mut candidates: Vec<Representative> = components
                .included
                .iter()
                .enumerate()
                .map(|(slot, &statement)| Representative {
                    statement: statement_ids[statement],
                    repness: stats::repness(
                        counts[slot],
                        clustered_counts[slot].minus(counts[slot]),
                        options.z_threshold,
                    ),
                })
                .filter(|r| r.repness.significant)
                .collect();
            candidates.sort_by(|a, b| {
                b.repness
                    .metric
                    .total_cmp(&a.repness.metric)
                    .then(a.statement.cmp(&b.statement))
            });
            candidates.truncate(options.representatives);
            group.representative = candidates;
        }
    }

    let all_counts = |statement: usize| {
        let column = conversation.column(statement);
        Counts {
            agree: column.agree as u64,
            disagree: column.disagree as u64,
            seen: column.seen as u64,
        }
    };
    let consensus_list = |direction: Direction| {
        let mut list: Vec<ConsensusStatement> = components
            .included
            .iter()
            .map(|&statement| {
                let counts = all_counts(statement);
                let successes = counts.successes(direction);
                ConsensusStatement {
                    statement: statement_ids[statement],
                    counts,
                    probability: stats::smoothed(successes, counts.seen),
                    test: stats::proportion_test(successes, counts.seen),
                }
            })
            .filter(|c| c.probability > 0.5 && c.test > options.z_threshold)
            .collect();
        list.sort_by(|a, b| {
            (b.probability * b.test)
                .total_cmp(&(a.probability * a.test))
                .then(a.statement.cmp(&b.statement))
        });
        list.truncate(options.consensus);
        list
    };
    let consensus = Consensus {
        agree: consensus_list(Direction::Agree),
        disagree: consensus_list(Direction::Disagree),
    };

    let mut group_informed_consensus: Vec<InformedConsensus> = if n_groups >= 2 {
        components
            .included
            .iter()
            .enumerate()
            .map(|(slot, &statement)| {
                let per_group: Vec<Counts> = group_counts.iter().map(|c| c[slot]).collect();
                InformedConsensus {
                    statement: statement_ids[statement],
                    value: stats::group_informed_consensus(&per_group),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    group_informed_consensus.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then(a.statement.cmp(&b.statement))
    });

    let mut statements: Vec<StatementResult> = (0..statement_ids.len())
        .map(|statement| {
            let moderation = conversation.moderation_at(statement);
            let position =
                components.slot[statement].map(|slot| pca::project_statement(&components, slot));
            let priority = match moderation {
                Moderation::ModeratedOut => 0.0,
                Moderation::Meta => stats::META_PRIORITY,
                Moderation::Included => {
                    let slot = components.slot[statement].expect("included");
                    let p = position.expect("included");
                    let extremity = (p[0] * p[0] + p[1] * p[1]).sqrt();
                    stats::priority(clustered_counts[slot], extremity)
                }
            };
            StatementResult {
                id: statement_ids[statement],
                moderation,
                counts: all_counts(statement),
                position,
                priority,
            }
        })
        .collect();
    statements.sort_by_key(|s| s.id);

    let axes = components
        .included
        .iter()
        .enumerate()
        .map(|(slot, &statement)| {
            (
                statement_ids[statement],
                [components.axes[0][slot], components.axes[1][slot]],
            )
        })
        .collect();

    Analysis {
        participants,
        statements,
        axes,
        eigenvalues: components.eigenvalues,
        base_clusters,
        groups,
        choices,
        consensus,
        group_informed_consensus,
    }
}

/// Clusters the buckets into k = 2..=k_max groups and scores each k; returns the groupings
/// (labels canonical: 0 = largest group) and the scores.
#[allow(clippy::type_complexity)]
fn choose_groups(
    centres: &[Point],
    sizes: &[usize],
    n_clustered: usize,
    options: &Options,
) -> (Vec<(usize, Vec<usize>)>, Vec<GroupChoice>) {
    let weights: Vec<f64> = sizes.iter().map(|&s| s as f64).collect();
    let k_max = options
        .max_groups
        .min(2 + centres.len() / 12)
        .min(centres.len());
    let min_size = ((options.min_group_share * n_clustered as f64).ceil() as usize).max(2);
    let mut groupings = Vec::new();
    let mut choices = Vec::new();
    for k in 2..=k_max {
        let Some(clustering) =
            cluster::group_clustering(centres, &weights, k, options.max_iterations)
        else {
            continue;
        };
        // Canonical labels: by size (descending), then by centre.
        let mut size = vec![0usize; k];
        for (&group, &s) in clustering.assignment.iter().zip(sizes) {
            size[group] += s;
        }
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&a, &b| {
            size[b].cmp(&size[a]).then(
                clustering.centres[a][0]
                    .total_cmp(&clustering.centres[b][0])
                    .then(clustering.centres[a][1].total_cmp(&clustering.centres[b][1])),
            )
        });
        let mut label = vec![0; k];
        for (rank, &group) in order.iter().enumerate() {
            label[group] = rank;
        }
        let groups: Vec<usize> = clustering.assignment.iter().map(|&g| label[g]).collect();
        let sizes_sorted: Vec<usize> = order.iter().map(|&g| size[g]).collect();
        let valid = sizes_sorted.iter().all(|&s| s >= min_size);
        let silhouette = valid.then(|| cluster::silhouette(centres, &weights, &groups, k));
        choices.push(GroupChoice {
            k,
            silhouette,
            sizes: sizes_sorted,
        });
        groupings.push((k, groups));
    }
    (groupings, choices)
}
