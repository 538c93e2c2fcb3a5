//! Two principal components of the vote matrix, computed exactly from the conversation's integer
//! sums, and the sparsity-aware projection of participants and statements onto them.
//!
//! Missing cells are imputed with their statement's mean vote, as Pol.is does.
//! After centring, an imputed cell is exactly zero, so the centred matrix Z is as sparse as the
//! votes, and its Gram matrix ZᵀZ (statements × statements) expands into the pair sums:
//! for statements j, k with means μ_j, μ_k, over the participants who voted on both,
//! (ZᵀZ)_jk = Σ x_j x_k − μ_k Σ x_j − μ_j Σ x_k + μ_j μ_k · count.
//! The two leading eigenvectors of that dense symmetric matrix (faer's self-adjoint
//! eigendecomposition) are the principal axes: the same ones Pol.is's power iteration approaches,
//! without its iteration limit, random start or warm-start history.

use crate::conversation::{Conversation, Moderation};
use faer::{Mat, Side};

/// The principal components over the statements in the analysis.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Components {
    /// Statement indices in the analysis, ordered by statement id.
    pub(crate) included: Vec<usize>,
    /// For each statement index, its position in `included`.
    pub(crate) slot: Vec<Option<usize>>,
    /// Mean vote of each included statement over those who voted on it.
    pub(crate) mean: Vec<f64>,
    /// The two unit principal axes, over `included`.
    pub(crate) axes: [Vec<f64>; 2],
    /// The matching eigenvalues of ZᵀZ (largest first).
    pub(crate) eigenvalues: [f64; 2],
}

/// Computes the two principal components of the included statements.
pub(crate) fn components(conversation: &Conversation) -> Components {
    let ids = conversation.statement_ids();
    let mut included: Vec<usize> = (0..ids.len())
        .filter(|&index| conversation.moderation_at(index) == Moderation::Included)
        .collect();
    included.sort_by_key(|&index| ids[index]);
    let mut slot = vec![None; ids.len()];
    for (position, &index) in included.iter().enumerate() {
        slot[index] = Some(position);
    }
    let mean: Vec<f64> = included
        .iter()
        .map(|&index| {
            let column = conversation.column(index);
            if column.seen == 0 {
                0.0
            } else {
                column.sum() as f64 / column.seen as f64
            }
        })
        .collect();
    let m = included.len();
    let mut axes = [vec![0.0; m], vec![0.0; m]];
    let mut eigenvalues = [0.0; 2];
    if m > 0 {
        let gram = Mat::<f64>::from_fn(m, m, |row, col| {
            let (a, b) = (included[row], included[col]);
            if a == b {
                let column = conversation.column(a);
                let mu = mean[row];
                // Σ x² − 2μ Σ x + μ² n; x² is 1 for agree and disagree, 0 for pass.
                (column.agree + column.disagree) as f64 - 2.0 * mu * column.sum() as f64
                    + mu * mu * column.seen as f64
            } else {
                let (low, high, mu_low, mu_high) = if a < b {
                    (a, b, mean[row], mean[col])
                } else {
                    (b, a, mean[col], mean[row])
                };
                let pair = conversation.pair(low, high);
                f64::from(pair.product)
                    - mu_high * f64::from(pair.sum_low)
                    - mu_low * f64::from(pair.sum_high)
                    + mu_low * mu_high * f64::from(pair.count)
            }
        });
        let eigen = gram
            .self_adjoint_eigen(Side::Lower)
            .expect("the eigendecomposition of a finite symmetric matrix converges");
        let values = eigen.S().column_vector();
        let vectors = eigen.U();
        for component in 0..2.min(m) {
            let column = m - 1 - component;
            let value = values[column];
            if value <= 1e-9 * values[m - 1].abs().max(1.0) {
                continue;
            }
            eigenvalues[component] = value;
            let mut axis: Vec<f64> = (0..m).map(|row| vectors[(row, column)]).collect();
            orient(&mut axis, &included, ids);
            axes[component] = axis;
        }
    }
    Components {
        included,
        slot,
        mean,
        axes,
        eigenvalues,
    }
}

/// Gives an axis a sign that depends on the data only, not on the order of statements:
/// the sum of cubed loadings is positive (the long tail of loadings points to +);
/// if that sum is zero, the largest loading, with ties to the smallest statement id, is positive.
fn orient(axis: &mut [f64], included: &[usize], ids: &[u64]) {
    let skew: f64 = axis.iter().map(|v| v * v * v).sum();
    let flip = if skew.abs() > 1e-12 {
        skew < 0.0
    } else {
        let mut best = 0;
        for position in 1..axis.len() {
            let (a, b) = (axis[position].abs(), axis[best].abs());
            if a > b + 1e-12
                || ((a - b).abs() <= 1e-12 && ids[included[position]] < ids[included[best]])
            {
                best = position;
            }
        }
        axis.get(best).is_some_and(|&v| v < 0.0)
    };
    if flip {
        for value in axis.iter_mut() {
            *value = -*value;
        }
    }
}

/// A participant's position and how many included statements they voted on, or `None` when they
/// voted on none.
/// Pol.is's sparsity-aware scaling: the projection of the centred votes, multiplied by
/// sqrt(n_included / n_voted), so that people who voted on few statements are not all pulled to the
/// centre.
pub(crate) fn project(
    conversation: &Conversation,
    components: &Components,
    participant: usize,
) -> Option<([f64; 2], usize)> {
    let mut position = [0.0; 2];
    let mut n_voted = 0;
    for (statement, vote) in conversation.row(participant) {
        if let Some(slot) = components.slot[statement] {
            let centred = f64::from(vote.value()) - components.mean[slot];
            position[0] += centred * components.axes[0][slot];
            position[1] += centred * components.axes[1][slot];
            n_voted += 1;
        }
    }
    if n_voted == 0 {
        return None;
    }
    let scale = (components.included.len() as f64 / n_voted as f64).sqrt();
    Some(([position[0] * scale, position[1] * scale], n_voted))
}

/// A statement's position: the projection of someone who agreed with it and voted on nothing else.
pub(crate) fn project_statement(components: &Components, slot: usize) -> [f64; 2] {
    let centred = 1.0 - components.mean[slot];
    let scale = (components.included.len() as f64).sqrt();
    [
        centred * components.axes[0][slot] * scale,
        centred * components.axes[1][slot] * scale,
    ]
}
