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
        let mut gram = Mat::<f64>::from_fn(m, m, |row, col| {
            if col > row {
                return 0.0;
            }
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
        for row in 0..m {
            for col in row + 1..m {
                gram[(row, col)] = gram[(col, row)];
            }
        }
        let pairs = leading_eigenpairs(&gram, m < KRYLOV_FROM);
        let largest = pairs.first().map_or(0.0, |(value, _)| *value);
        for (component, (value, mut axis)) in pairs.into_iter().take(2).enumerate() {
            if value <= 1e-9 * largest.abs().max(1.0) {
                continue;
            }
            eigenvalues[component] = value;
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

/// From this many statements on, the two leading eigenpairs come from faer's Krylov–Schur partial
/// eigensolver (converged to machine precision: the tests check it against the dense solver to
/// 1e-9) instead of the full dense decomposition, whose cost grows with the cube of the statements
/// (0.3 s at 1,000 statements, most of an incremental update).
const KRYLOV_FROM: usize = 256;

/// The leading eigenpairs (at least two when the matrix has them), largest eigenvalue first, of a
/// symmetric matrix: by the dense self-adjoint eigendecomposition, or by the partial Krylov–Schur
/// solver started from the matrix's diagonal plus one (a start that depends on the data only, so a
/// reordering of the statements reorders it alike).
pub(crate) fn leading_eigenpairs(gram: &Mat<f64>, dense: bool) -> Vec<(f64, Vec<f64>)> {
    let m = gram.nrows();
    // faer's Krylov–Schur needs a subspace (64) smaller than the matrix.
    if !dense && m > 128 {
        use faer::dyn_stack::{MemBuffer, MemStack};
        use faer::matrix_free::eigen::{
            PartialEigenParams, partial_self_adjoint_eigen, partial_self_adjoint_eigen_scratch,
        };
        let wanted = 4;
        let params = PartialEigenParams::default();
        let mut buffer = MemBuffer::new(partial_self_adjoint_eigen_scratch(
            gram,
            wanted,
            faer::Par::Seq,
            params,
        ));
        let start = faer::Col::<f64>::from_fn(m, |row| gram[(row, row)] + 1.0);
        let norm = start.norm_l2();
        let start = faer::Col::<f64>::from_fn(m, |row| start[row] / norm);
        let mut vectors = Mat::<f64>::zeros(m, wanted);
        let mut values = vec![0.0; wanted];
        let info = partial_self_adjoint_eigen(
            vectors.as_mut(),
            &mut values,
            gram,
            start.as_ref(),
            f64::EPSILON * 16.0,
            faer::Par::Seq,
            MemStack::new(&mut buffer),
            params,
        );
        if info.n_converged_eigen >= 2 {
            let mut pairs: Vec<(f64, Vec<f64>)> = (0..info.n_converged_eigen.min(wanted))
                .map(|column| {
                    (
                        values[column],
                        (0..m).map(|row| vectors[(row, column)]).collect(),
                    )
                })
                .collect();
            pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
            return pairs;
        }
    }
    let eigen = gram
        .self_adjoint_eigen(Side::Lower)
        .expect("the eigendecomposition of a finite symmetric matrix converges");
    let values = eigen.S().column_vector();
    let vectors = eigen.U();
    (0..m.min(2))
        .map(|k| {
            let column = m - 1 - k;
            (
                values[column],
                (0..m).map(|row| vectors[(row, column)]).collect(),
            )
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A Gram matrix with a planted two-dimensional structure plus noise, as votes give.
    fn planted_gram(m: usize) -> Mat<f64> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut noise = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        };
        let z = Mat::<f64>::from_fn(3 * m, m, |row, col| {
            let group = (row % 3) as f64 - 1.0;
            let side = if col % 2 == 0 {
                group
            } else {
                -group * 0.5 + 0.3
            };
            side + noise()
        });
        z.transpose() * &z
    }

    #[test]
    fn the_krylov_solver_gives_the_dense_solver_s_leading_pairs() {
        for m in [300, 600] {
            let gram = planted_gram(m);
            let dense = leading_eigenpairs(&gram, true);
            let krylov = leading_eigenpairs(&gram, false);
            for k in 0..2 {
                let (a, b) = (&dense[k], &krylov[k]);
                assert!(
                    (a.0 - b.0).abs() <= 1e-9 * a.0.abs(),
                    "eigenvalue {k}: {} vs {}",
                    a.0,
                    b.0
                );
                // Same axis up to sign.
                let dot: f64 = a.1.iter().zip(&b.1).map(|(x, y)| x * y).sum();
                let sign = dot.signum();
                let gap =
                    a.1.iter()
                        .zip(&b.1)
                        .map(|(x, y)| (x - sign * y).abs())
                        .fold(0.0, f64::max);
                assert!(gap < 1e-9, "m {m} axis {k}: largest difference {gap}");
            }
        }
    }
}
