//! The conversation's analysis: the stored form of the `opinion` engine's result ([`StoredAnalysis`], JSON in the
//! conversation's row), how it is computed from the stored votes ([`compute`], pure, run by `web` on a blocking
//! thread), claimed and recorded by the background job ([`claim`], [`record`]), and read back for routing and the
//! results page.
//!
//! The stored analysis is derived data, recomputed from the votes at any time: storing it is not audited (the
//! votes that feed it are). Its base-cluster centres warm-start the next analysis (`opinion`'s incremental mode).

use domain::conversation::{ModerationMode, Stance, StatementStatus};
use opinion::analysis::{Analysis, BaseCluster, Consensus, Options, StatementResult};
use opinion::stats::{Counts, Direction};
use opinion::{Conversation, Moderation, Vote};
use serde::{Deserialize, Serialize};

use super::figures::{self, Figures, FiguresInput};
use crate::{Error, Result};

/// The routing priority of a statement the stored analysis does not know yet (written since): Pol.is's formula
/// (`docs/opinion.md`, step 9) for a statement nobody has seen, ((1 − 1/2) · (0 + 1) · 1/2 · (1 + 8))², so new
/// statements are shown early, as in the engine.
pub const NEW_STATEMENT_PRIORITY: f64 = 5.0625;

/// One statement in the stored analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredStatement {
    /// The statement id.
    pub id: i64,
    /// Whether it took part in the analysis (shown and not meta).
    pub included: bool,
    /// Whether it is a meta statement.
    pub meta: bool,
    /// Agree votes.
    pub agree: u64,
    /// Disagree votes.
    pub disagree: u64,
    /// Votes, passes included.
    pub seen: u64,
    /// The routing priority.
    pub priority: f64,
}

/// One base cluster: a dot of the map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredCluster {
    /// Its centre on the two axes.
    pub x: f64,
    /// Second coordinate.
    pub y: f64,
    /// Its participants.
    pub size: usize,
    /// Its opinion group.
    pub group: usize,
}

/// A statement that sets a group apart, or that (nearly) everyone shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredStatementShare {
    /// The statement id.
    pub statement: i64,
    /// Whether the share is of agreement (`false`: disagreement).
    pub agree: bool,
    /// The smoothed share voting that way (0 to 1).
    pub share: f64,
    /// Votes counted (passes included).
    pub seen: u64,
}

/// One opinion group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredGroup {
    /// The group number (0 is the largest).
    pub id: usize,
    /// Its participants.
    pub size: usize,
    /// Its representative statements, best first.
    pub representative: Vec<StoredStatementShare>,
}

/// The analysis as stored and shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct StoredAnalysis {
    /// Participants with a vote.
    pub participants: usize,
    /// Participants placed in a group.
    pub clustered: usize,
    /// Votes.
    pub votes: u64,
    /// Every statement.
    pub statements: Vec<StoredStatement>,
    /// The base clusters (the map's dots).
    pub clusters: Vec<StoredCluster>,
    /// The opinion groups, largest first.
    pub groups: Vec<StoredGroup>,
    /// Statements most agree with, across groups.
    pub consensus: Vec<StoredStatementShare>,
    /// Each clustered participant's group, by participant id (for the groups' demographics).
    pub members: Vec<(i64, usize)>,
    /// Whether only verified participants' votes were analysed (the organisers' choice at the time).
    #[serde(default)]
    pub verified_only: bool,
    /// The results page's figures, computed with the map (`None` in an analysis stored before they were, or made
    /// without them).
    #[serde(default)]
    pub figures: Option<Figures>,
}

/// Everything [`compute`] needs, read from the store.
#[derive(Debug, Clone)]
pub struct Input {
    /// The assembly.
    pub assembly_id: i64,
    /// The moderation mode (which pending statements are shown).
    pub moderation: ModerationMode,
    /// Every statement: id, status, meta.
    pub statements: Vec<(i64, StatementStatus, bool)>,
    /// Every vote: participant, statement, stance.
    pub votes: Vec<(i64, i64, Stance)>,
    /// The previous analysis, to warm-start from.
    pub previous: Option<StoredAnalysis>,
    /// Whether only verified participants' votes are analysed (the verified ones are those of `figures`).
    pub verified_only: bool,
    /// What the results page's figures are computed from; `None` computes the analysis alone.
    pub figures: Option<FiguresInput>,
}

/// The conversations due for an analysis (see `store::conversation::due_analyses`).
pub async fn due(conn: &mut store::AnyConnection, now: i64, min_interval: i64) -> Result<Vec<i64>> {
    Ok(store::conversation::due_analyses(conn, now, min_interval).await?)
}

/// Claims a conversation's analysis for this worker; `false` if another holds it or nothing changed.
pub async fn claim(tx: &mut store::Tx, assembly_id: i64, now: i64) -> Result<bool> {
    Ok(store::conversation::claim_analysis(tx, assembly_id, now).await?)
}

/// Reads what [`compute`] needs: statements, every vote (counted per day as it is read), every participant, and,
/// when the assembly has quotas, the demographic answers and the population targets.
pub async fn input(conn: &mut store::AnyConnection, assembly_id: i64) -> Result<Input> {
    let conversation = store::conversation::get(conn, assembly_id)
        .await?
        .ok_or(Error::NotFound)?;
    let statements = store::conversation::all_statements(conn, assembly_id).await?;
    let rows = store::conversation_bulk::votes_for_analysis(conn, assembly_id).await?;
    let participants =
        store::conversation_bulk::participants_for_analysis(conn, assembly_id).await?;
    let population: Vec<(String, String, i64)> = store::selection::quotas(conn, assembly_id)
        .await?
        .into_iter()
        .map(|quota| (quota.feature, quota.value, quota.share_ppm))
        .collect();
    let answers = if population.is_empty() {
        Vec::new()
    } else {
        store::conversation::all_answers(conn, assembly_id).await?
    };
    let mut by_day: std::collections::BTreeMap<i64, i64> = Default::default();
    let votes = rows
        .into_iter()
        .map(|vote| {
            *by_day.entry(figures::day_of(vote.voted_at)).or_default() += 1;
            (vote.participant_id, vote.statement_id, vote.stance)
        })
        .collect();
    let previous = conversation
        .analysis_json
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok());
    Ok(Input {
        assembly_id,
        moderation: conversation.settings.moderation,
        statements,
        votes,
        previous,
        verified_only: conversation.verified_only,
        figures: Some(FiguresInput {
            participants,
            votes_by_day: by_day.into_iter().collect(),
            answers,
            population,
        }),
    })
}

/// Stores a claimed conversation's analysis and releases the claim.
pub async fn record(
    tx: &mut store::Tx,
    assembly_id: i64,
    analysis: &StoredAnalysis,
    now: i64,
) -> Result<()> {
    let json = serde_json::to_string(analysis).map_err(Error::internal)?;
    store::conversation::store_analysis(tx, assembly_id, &json, now).await?;
    Ok(())
}

/// Releases a claim after a failed analysis (the conversation is due again).
pub async fn release(tx: &mut store::Tx, assembly_id: i64, now: i64) -> Result<()> {
    Ok(store::conversation::release_analysis(tx, assembly_id, now).await?)
}

/// The engine's moderation of a stored statement under `mode`.
fn moderation_of(mode: ModerationMode, status: StatementStatus, is_meta: bool) -> Moderation {
    if !mode.shows(status) {
        Moderation::ModeratedOut
    } else if is_meta {
        Moderation::Meta
    } else {
        Moderation::Included
    }
}

/// Builds the engine's conversation from stored statements and votes (participant ids are positive, so they
/// are the engine's ids as they are); with `verified_only`, only the votes of participants verified in `figures`.
pub fn conversation_of(input: &Input) -> Conversation {
    let mut conversation = Conversation::new();
    for &(id, status, is_meta) in &input.statements {
        conversation.set_statement(id as u64, moderation_of(input.moderation, status, is_meta));
    }
    let verified: Option<std::collections::HashSet<i64>> = input.verified_only.then(|| {
        input
            .figures
            .iter()
            .flat_map(|figures| &figures.participants)
            .filter(|(_, verified, _)| *verified)
            .map(|(id, _, _)| *id)
            .collect()
    });
    for &(participant, statement, stance) in &input.votes {
        if verified
            .as_ref()
            .is_some_and(|verified| !verified.contains(&participant))
        {
            continue;
        }
        let vote = match stance {
            Stance::Agree => Vote::Agree,
            Stance::Disagree => Vote::Disagree,
            Stance::Pass => Vote::Pass,
        };
        conversation.vote(participant as u64, statement as u64, vote);
    }
    conversation
}

/// Runs the `opinion` engine on the stored votes (warm-started from the previous analysis) and, with the groups
/// it finds, the results page's figures; returns what is stored. Pure and CPU-bound: `web` runs it on a blocking
/// thread.
pub fn compute(input: &Input) -> StoredAnalysis {
    let conversation = conversation_of(input);
    let previous = input
        .previous
        .as_ref()
        .map(|stored| engine_view(stored, &[]));
    let analysis = opinion::analyse(
        &conversation,
        &Options::default(),
        previous.as_ref(),
        &mut |_| {},
    );
    let mut stored = from_engine(&analysis, conversation.n_votes());
    stored.verified_only = input.verified_only;
    stored.figures = input.figures.as_ref().map(|figures_input| {
        let groups: Vec<usize> = stored.groups.iter().map(|group| group.id).collect();
        figures::compute(
            figures_input,
            &input.votes,
            &input.statements,
            &stored.members,
            &groups,
        )
    });
    stored
}

/// The stored form of an engine analysis.
pub fn from_engine(analysis: &Analysis, votes: u64) -> StoredAnalysis {
    let share =
        |statement: u64, direction: Direction, probability: f64, seen: u64| StoredStatementShare {
            statement: statement as i64,
            agree: direction == Direction::Agree,
            share: probability,
            seen,
        };
    StoredAnalysis {
        participants: analysis.participants.len(),
        clustered: analysis
            .participants
            .iter()
            .filter(|p| p.group.is_some())
            .count(),
        votes,
        statements: analysis
            .statements
            .iter()
            .map(|s| StoredStatement {
                id: s.id as i64,
                included: s.moderation == Moderation::Included,
                meta: s.moderation == Moderation::Meta,
                agree: s.counts.agree,
                disagree: s.counts.disagree,
                seen: s.counts.seen,
                priority: s.priority,
            })
            .collect(),
        clusters: analysis
            .base_clusters
            .iter()
            .map(|b| StoredCluster {
                x: b.centre[0],
                y: b.centre[1],
                size: b.size,
                group: b.group,
            })
            .collect(),
        groups: analysis
            .groups
            .iter()
            .map(|g| StoredGroup {
                id: g.id,
                size: g.size,
                representative: g
                    .representative
                    .iter()
                    .map(|r| {
                        share(
                            r.statement,
                            r.repness.direction,
                            r.repness.probability,
                            r.repness.counts.seen,
                        )
                    })
                    .collect(),
            })
            .collect(),
        consensus: analysis
            .consensus
            .agree
            .iter()
            .map(|c| share(c.statement, Direction::Agree, c.probability, c.counts.seen))
            .chain(analysis.consensus.disagree.iter().map(|c| {
                share(
                    c.statement,
                    Direction::Disagree,
                    c.probability,
                    c.counts.seen,
                )
            }))
            .collect(),
        members: analysis
            .participants
            .iter()
            .filter_map(|p| p.group.map(|group| (p.id as i64, group)))
            .collect(),
        verified_only: false,
        figures: None,
    }
}

/// An engine `Analysis` holding what routing and the warm start read (statements with their priorities, base
/// clusters), rebuilt from the stored one; `shown_new` are statements shown since, with
/// [`NEW_STATEMENT_PRIORITY`].
pub fn engine_view(stored: &StoredAnalysis, shown_new: &[i64]) -> Analysis {
    let mut statements: Vec<StatementResult> = stored
        .statements
        .iter()
        .map(|s| StatementResult {
            id: s.id as u64,
            moderation: if s.meta {
                Moderation::Meta
            } else if s.included {
                Moderation::Included
            } else {
                Moderation::ModeratedOut
            },
            counts: Counts {
                agree: s.agree,
                disagree: s.disagree,
                seen: s.seen,
            },
            position: None,
            priority: s.priority,
        })
        .collect();
    for &id in shown_new {
        statements.push(StatementResult {
            id: id as u64,
            moderation: Moderation::Included,
            counts: Counts::default(),
            position: None,
            priority: NEW_STATEMENT_PRIORITY,
        });
    }
    Analysis {
        participants: Vec::new(),
        statements,
        axes: Vec::new(),
        eigenvalues: [0.0, 0.0],
        base_clusters: stored
            .clusters
            .iter()
            .map(|c| BaseCluster {
                centre: [c.x, c.y],
                size: c.size,
                group: c.group,
            })
            .collect(),
        groups: Vec::new(),
        choices: Vec::new(),
        consensus: Consensus {
            agree: Vec::new(),
            disagree: Vec::new(),
        },
        group_informed_consensus: Vec::new(),
    }
}

/// Reads a stored analysis (`None` if there is none yet or it cannot be read, which the next run replaces).
pub fn parse_stored(json: Option<&str>) -> Option<StoredAnalysis> {
    json.and_then(|json| serde_json::from_str(json).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two planted camps of 20 participants each, voting opposite ways on 8 statements.
    fn planted() -> Input {
        let statements: Vec<(i64, StatementStatus, bool)> = (1..=8)
            .map(|id| (id, StatementStatus::Accepted, false))
            .collect();
        let mut votes = Vec::new();
        for participant in 1..=40_i64 {
            for statement in 1..=8_i64 {
                let camp = participant <= 20;
                let agree = (statement % 2 == 0) == camp;
                votes.push((
                    participant,
                    statement,
                    if agree {
                        Stance::Agree
                    } else {
                        Stance::Disagree
                    },
                ));
            }
        }
        Input {
            assembly_id: 1,
            moderation: ModerationMode::AcceptedOnly,
            statements,
            votes,
            previous: None,
            verified_only: false,
            figures: None,
        }
    }

    #[test]
    fn two_planted_camps_make_two_groups_that_survive_the_stored_form() {
        let input = planted();
        let stored = compute(&input);
        assert_eq!(stored.participants, 40);
        assert_eq!(stored.votes, 320);
        assert_eq!(stored.groups.len(), 2);
        assert_eq!(stored.groups.iter().map(|g| g.size).sum::<usize>(), 40);
        let group_of = |p: i64| stored.members.iter().find(|m| m.0 == p).unwrap().1;
        assert_eq!(group_of(1), group_of(20));
        assert_ne!(group_of(1), group_of(21));
        let json = serde_json::to_string(&stored).unwrap();
        assert_eq!(parse_stored(Some(&json)), Some(stored.clone()));

        // Warm-started from the stored form, the same votes give the same groups.
        let again = compute(&Input {
            previous: Some(stored.clone()),
            ..planted()
        });
        assert_eq!(again.members, stored.members);
    }

    #[test]
    fn a_rejected_statement_leaves_the_analysis_and_routing() {
        let mut input = planted();
        input.statements[0].1 = StatementStatus::Rejected;
        let stored = compute(&input);
        let first = stored.statements.iter().find(|s| s.id == 1).unwrap();
        assert!(!first.included);
        let view = engine_view(&stored, &[99]);
        for uniform in [0.0, 0.3, 0.7, 0.999] {
            let next = view.next_statement(&[], uniform).unwrap();
            assert_ne!(next, 1);
        }
        let all_but_new: Vec<u64> = (1..=8).collect();
        assert_eq!(view.next_statement(&all_but_new, 0.5), Some(99));
    }

    #[test]
    fn verified_only_analyses_the_verified_votes_and_the_figures_count_everyone() {
        // Participants 1 to 10 and 21 to 30 verified: ten of each camp.
        let participants = (1..=40_i64)
            .map(|p| (p, p <= 10 || (21..=30).contains(&p), 86_400 * 20_000))
            .collect();
        let input = Input {
            verified_only: true,
            figures: Some(FiguresInput {
                participants,
                votes_by_day: vec![(20_000, 320)],
                answers: Vec::new(),
                population: Vec::new(),
            }),
            ..planted()
        };
        let stored = compute(&input);
        assert!(stored.verified_only);
        assert_eq!(stored.participants, 20);
        assert_eq!(stored.votes, 160);
        assert!(
            stored
                .members
                .iter()
                .all(|(p, _)| *p <= 10 || (21..=30).contains(p))
        );
        let figures = stored.figures.as_ref().unwrap();
        assert_eq!(
            (figures.participants, figures.voters, figures.votes),
            (40, 40, 320)
        );
        assert_eq!(figures.verified.participants, 20);
        assert_eq!(figures.verified.votes, 160);
        assert_eq!(figures.by_day, vec![(20_000, 40, 320)]);
        let json = serde_json::to_string(&stored).unwrap();
        assert_eq!(parse_stored(Some(&json)), Some(stored.clone()));

        // The same votes with everyone counted.
        let everyone = compute(&Input {
            verified_only: false,
            ..input
        });
        assert_eq!(everyone.participants, 40);
        assert_eq!(everyone.figures.unwrap().votes, 320);
    }
}
