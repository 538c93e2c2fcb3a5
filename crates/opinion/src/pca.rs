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

/// 2^40: the unit of the fixed-point sums of the projection.
const FIXED_ONE: f64 = (1u64 << 40) as f64;

/// How the sparsity-aware projection counts statements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Scaling {
    /// sqrt(statements in the analysis / the participant's votes on them): the reference.
    #[default]
    Included,
    /// Pol.is's arithmetic: moderated-out and meta statements count as statements every participant
    /// voted on, which damps the scaling as more statements are moderated out.
    PolisParity,
}

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
                // Evaluated in the statements' id order whatever their storage order, so that the
                // floating-point result does not depend on which statement was seen first.
                let (first, second) = (row.min(col), row.max(col));
                let (a, b) = (included[first], included[second]);
                let pair = conversation.pair(a.min(b), a.max(b));
                let (sum_first, sum_second) = if a < b {
                    (pair.sum_low, pair.sum_high)
                } else {
                    (pair.sum_high, pair.sum_low)
                };
                let (mu_first, mu_second) = (mean[first], mean[second]);
                f64::from(pair.product)
                    - mu_second * f64::from(sum_first)
                    - mu_first * f64::from(sum_second)
                    + mu_first * mu_second * f64::from(pair.count)
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

/// The projection as a lookup table over packed cells (`statement << 2 | vote code`): each cell's
/// contribution (vote − mean)·axis in fixed point, or nothing for statements out of the analysis.
/// Contributions are rounded to a multiple of 2^-40 and added as integers, so a participant's
/// position is the same whatever order their votes are stored in (bit-identical positions for the
/// same votes), at a precision of about 1e-12, far below anything the map can show.
pub(crate) struct Projector {
    terms: Vec<[i64; 2]>,
    included: Vec<bool>,
    n_included: f64,
    excluded: f64,
}

impl Projector {
    pub(crate) fn new(components: &Components, scaling: Scaling) -> Projector {
        let n_statements = components.slot.len();
        let mut terms = vec![[0i64; 2]; 4 * n_statements];
        let mut included = vec![false; 4 * n_statements];
        for (statement, slot) in components.slot.iter().enumerate() {
            let Some(slot) = *slot else { continue };
            for (code, value) in [(0usize, 0.0), (1, 1.0), (2, -1.0)] {
                let centred = value - components.mean[slot];
                terms[4 * statement + code] = [
                    (centred * components.axes[0][slot] * FIXED_ONE).round() as i64,
                    (centred * components.axes[1][slot] * FIXED_ONE).round() as i64,
                ];
                included[4 * statement + code] = true;
            }
        }
        let excluded = match scaling {
            Scaling::Included => 0.0,
            Scaling::PolisParity => (n_statements - components.included.len()) as f64,
        };
        Projector {
            terms,
            included,
            n_included: components.included.len() as f64,
            excluded,
        }
    }

    /// A participant's position and how many statements in the analysis they voted on, or `None`
    /// when they voted on none.
    /// Pol.is's sparsity-aware scaling: the projection of the centred votes, multiplied by
    /// sqrt(n_included / n_voted), so that people who voted on few statements are not all pulled
    /// to the centre.
    /// With `Scaling::PolisParity`, statements out of the analysis count in both terms, as in
    /// Pol.is, where they are zero-filled columns that everyone "voted" on.
    pub(crate) fn project(&self, cells: &[u32]) -> Option<([f64; 2], usize)> {
        let mut fixed = [0i64; 2];
        let mut n_voted = 0;
        for &cell in cells {
            let cell = cell as usize;
            let term = self.terms[cell];
            fixed[0] += term[0];
            fixed[1] += term[1];
            n_voted += usize::from(self.included[cell]);
        }
        if n_voted == 0 {
            return None;
        }
        let scale = ((self.n_included + self.excluded) / (n_voted as f64 + self.excluded)).sqrt();
        Some((
            [
                fixed[0] as f64 / FIXED_ONE * scale,
                fixed[1] as f64 / FIXED_ONE * scale,
            ],
            n_voted,
        ))
    }
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
