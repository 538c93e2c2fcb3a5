//! Figures checked against values computed by hand on a tiny fixture (the arithmetic is written
//! out in the comments).

use opinion::stats::{self, Counts, Direction};
use opinion::{Conversation, Moderation, Vote};

const EPS: f64 = 1e-12;

/// Five participants, four statements:
/// statement 1: p1 A, p2 D, p3 A, p4 D, p5 A  (mean 1/5)
/// statement 2: p1 A, p2 A, p3 D, p4 D        (mean 0)
/// statement 3: everyone agrees               (mean 1, no variance)
/// statement 4: everyone disagrees            (mean -1, no variance)
/// statement 9: moderated out, p1 agrees      (out of the analysis)
fn fixture() -> Conversation {
    let mut c = Conversation::new();
    c.set_statement(9, Moderation::ModeratedOut);
    let a = Vote::Agree;
    let d = Vote::Disagree;
    for (p, v1, v2) in [
        (1, a, Some(a)),
        (2, d, Some(a)),
        (3, a, Some(d)),
        (4, d, Some(d)),
        (5, a, None),
    ] {
        c.vote(p, 1, v1);
        if let Some(v2) = v2 {
            c.vote(p, 2, v2);
        }
        c.vote(p, 3, a);
        c.vote(p, 4, d);
    }
    c.vote(1, 9, a);
    c
}

#[test]
fn projection_matches_the_hand_computed_components_and_scaling() {
    let analysis = crate::fixtures::analyse(&fixture());
    // Centred columns: s1 = (0.8, -1.2, 0.8, -1.2, 0.8), s2 = (1, 1, -1, -1, ·), s3 = s4 = 0.
    // Gram: g11 = 3·0.64 + 2·1.44 = 4.8, g22 = 4, g12 = 0.8 - 1.2 - 0.8 + 1.2 = 0:
    // first axis = statement 1 (eigenvalue 4.8), second = statement 2 (eigenvalue 4).
    assert!((analysis.eigenvalues[0] - 4.8).abs() < EPS);
    assert!((analysis.eigenvalues[1] - 4.0).abs() < EPS);
    let axis = |id: u64| analysis.axes.iter().find(|(s, _)| *s == id).unwrap().1;
    assert!((axis(1)[0] - 1.0).abs() < EPS && axis(1)[1].abs() < EPS);
    assert!(axis(2)[0].abs() < EPS && (axis(2)[1] - 1.0).abs() < EPS);
    assert_eq!(analysis.axes.len(), 4, "statement 9 is out of the analysis");
    let position = |id: u64| {
        analysis
            .participants
            .iter()
            .find(|p| p.id == id)
            .unwrap()
            .position
            .unwrap()
    };
    // p1 voted on the 4 statements in the analysis: scale sqrt(4/4) = 1; position (0.8, 1).
    assert!((position(1)[0] - 0.8).abs() < EPS && (position(1)[1] - 1.0).abs() < EPS);
    // p4: (-1.2, -1).
    assert!((position(4)[0] + 1.2).abs() < EPS && (position(4)[1] + 1.0).abs() < EPS);
    // p5 voted on 3 of the 4: (0.8, 0) · sqrt(4/3).
    assert!((position(5)[0] - 0.8 * (4.0f64 / 3.0).sqrt()).abs() < EPS);
    assert!(position(5)[1].abs() < EPS);
    // Statement 1's position: (1 - 0.2) · 1 · sqrt(4) = 1.6 on the first axis.
    let statement = analysis.statements.iter().find(|s| s.id == 1).unwrap();
    let p = statement.position.unwrap();
    assert!((p[0] - 1.6).abs() < EPS && p[1].abs() < EPS);
    let moderated = analysis.statements.iter().find(|s| s.id == 9).unwrap();
    assert_eq!(moderated.position, None);
    assert_eq!(moderated.priority, 0.0);
}

#[test]
fn consensus_matches_the_hand_computed_figures() {
    let analysis = crate::fixtures::analyse(&fixture());
    // Statement 3: 5 agrees of 5 seen: p = 6/7, z = 2·sqrt(7)·(6/7 - 1/2).
    let p = 6.0 / 7.0;
    let z = 2.0 * 7f64.sqrt() * (p - 0.5);
    assert!((z - 1.889_822_365_046_136_5).abs() < 1e-12);
    assert_eq!(analysis.consensus.agree.len(), 1);
    let agree = &analysis.consensus.agree[0];
    assert_eq!(agree.statement, 3);
    assert!((agree.probability - p).abs() < EPS && (agree.test - z).abs() < EPS);
    assert_eq!(analysis.consensus.disagree.len(), 1);
    assert_eq!(analysis.consensus.disagree[0].statement, 4);
    // Statement 1 (3 of 5 agree): p = 4/7, z = 2·sqrt(7)·(1/14) = 0.378: not significant.
    assert!(!analysis.consensus.agree.iter().any(|c| c.statement == 1));
    // Statement 9 is moderated out: never consensus.
    assert!(!analysis.consensus.agree.iter().any(|c| c.statement == 9));
}

#[test]
fn repness_matches_the_hand_computed_figures() {
    let group = Counts {
        agree: 8,
        disagree: 1,
        seen: 10,
    };
    let rest = Counts {
        agree: 2,
        disagree: 7,
        seen: 10,
    };
    let r = stats::repness(group, rest, 1.2816);
    // p = 9/12 = 0.75; z = 2·sqrt(12)·0.25 = sqrt(3); rest 3/12 = 0.25; ratio 3;
    // pooled (8 + 2 + 2) / 24 = 0.5; se = sqrt(0.25·(1/12 + 1/12)) = sqrt(1/24); z = 0.5·sqrt(24) = sqrt(6).
    assert_eq!(r.direction, Direction::Agree);
    assert!((r.probability - 0.75).abs() < EPS);
    assert!((r.probability_test - 3f64.sqrt()).abs() < EPS);
    assert!((r.ratio - 3.0).abs() < EPS);
    assert!((r.ratio_test - 6f64.sqrt()).abs() < EPS);
    assert!((r.metric - 3.0 * 6f64.sqrt() * 0.75 * 3f64.sqrt()).abs() < 1e-9);
    assert!(r.significant);
    // The mirror image is representative in the disagree direction, with the same figures.
    let mirror = stats::repness(
        Counts {
            agree: 1,
            disagree: 8,
            seen: 10,
        },
        Counts {
            agree: 7,
            disagree: 2,
            seen: 10,
        },
        1.2816,
    );
    assert_eq!(mirror.direction, Direction::Disagree);
    assert!((mirror.metric - r.metric).abs() < 1e-9);
}

#[test]
fn group_informed_consensus_is_the_geometric_mean_and_does_not_shrink_with_more_groups() {
    let group = Counts {
        agree: 7,
        disagree: 1,
        seen: 8,
    }; // smoothed 8/10 = 0.8
    let other = Counts {
        agree: 4,
        disagree: 4,
        seen: 8,
    }; // 5/10 = 0.5
    assert!((stats::group_informed_consensus(&[group, other]) - 0.4f64.sqrt()).abs() < EPS);
    // Four groups that all agree at 0.8 score 0.8, as two such groups do (Pol.is: 0.8^4 = 0.41).
    assert!((stats::group_informed_consensus(&[group; 4]) - 0.8).abs() < EPS);
    assert!((stats::group_informed_consensus(&[group; 2]) - 0.8).abs() < EPS);
}

#[test]
fn priority_follows_the_documented_formula() {
    // A = 6, D = 2, S = 10 (2 passes), extremity 0.5:
    // importance = (1 - 3/12) · 1.5 · 7/12; priority = (importance · (1 + 8·2^-2))².
    let counts = Counts {
        agree: 6,
        disagree: 2,
        seen: 10,
    };
    let importance = 0.75 * 1.5 * (7.0 / 12.0);
    let expected = (importance * 3.0f64).powi(2);
    assert!((stats::priority(counts, 0.5) - expected).abs() < EPS);
    // A statement nobody has seen yet gets the full novelty boost: (0.5 · 1 · 0.5 · 9)².
    assert!((stats::priority(Counts::default(), 0.0) - (0.5f64 * 0.5 * 9.0).powi(2)).abs() < EPS);
}

#[test]
fn routing_draws_among_unvoted_statements_in_proportion_to_priority() {
    let analysis = crate::fixtures::analyse(&fixture());
    let total: f64 = analysis
        .statements
        .iter()
        .filter(|s| s.id != 1 && s.moderation != Moderation::ModeratedOut)
        .map(|s| s.priority)
        .sum();
    // Walk the cumulative distribution: each statement owns a slice of [0, 1) of its share.
    let mut start = 0.0;
    for statement in analysis
        .statements
        .iter()
        .filter(|s| s.id != 1 && s.id != 9)
    {
        let middle = (start + statement.priority / 2.0) / total;
        assert_eq!(analysis.next_statement(&[1], middle), Some(statement.id));
        start += statement.priority;
    }
    assert_eq!(analysis.next_statement(&[1, 2, 3, 4], 0.3), None);
}

#[test]
fn a_meta_statement_is_out_of_the_analysis_with_pol_is_s_fixed_priority() {
    let mut conversation = fixture();
    conversation.set_statement(7, Moderation::Meta);
    for participant in 1..=5 {
        conversation.vote(participant, 7, Vote::Agree);
    }
    let analysis = crate::fixtures::analyse(&conversation);
    let meta = analysis.statements.iter().find(|s| s.id == 7).unwrap();
    assert_eq!(meta.priority, stats::META_PRIORITY);
    assert_eq!(meta.position, None);
    assert_eq!(meta.counts.agree, 5);
    assert!(!analysis.consensus.agree.iter().any(|c| c.statement == 7));
    // The projection is unchanged: p1 still at (0.8, 1) with scale sqrt(4/4).
    let p1 = analysis.participants.iter().find(|p| p.id == 1).unwrap();
    let position = p1.position.unwrap();
    assert!((position[0] - 0.8).abs() < EPS && (position[1] - 1.0).abs() < EPS);
}
