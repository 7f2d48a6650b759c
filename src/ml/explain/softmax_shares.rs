//! From class scores to probabilities: how a change of the three class scores (the
//! booster's margins, logistic regression's log-odds) between a reference object and the
//! explained one becomes a change of each class's probability, split exactly among the
//! scores.
//!
//! The softmax is not additive, so the probability change cannot be split per feature
//! directly. Per reference, [`shares`] splits `p_k(m_x) − p_k(m_r)` among the three
//! scores by their exact Shapley values in the three-player game "which scores have
//! moved" (eight softmax evaluations), and returns, per class pair, the share per unit of
//! score change. Each feature then receives, from each score, its own part of that score's
//! change times that rate (the features' exact SHAP values of the scores add up to the
//! score changes). With a single score this is Python shap's rule for
//! `model_output="probability"`, `(T(m_x) − T(m_r)) / (m_x − m_r)` per reference.

use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

/// `rate[k][c]`: the change of class k's probability per unit change of class c's score,
/// such that `Σ_c rate[k][c] · (m_x[c] − m_r[c]) = p_k(m_x) − p_k(m_r)` (Shapley
/// efficiency). A class whose score is not finite (absent from training) has no change
/// and a zero rate.
pub(super) fn shares(m_x: &[f64; K], m_r: &[f64; K]) -> [[f64; K]; K] {
    let delta: [f64; K] = std::array::from_fn(|c| {
        let d = m_x[c] - m_r[c];
        if d.is_finite() {
            d
        } else {
            0.0
        }
    });
    let mut rate = [[0.0; K]; K];
    for c in 0..K {
        // Every subset of the other scores moved before c: weight |S|! (K − 1 − |S|)! / K!.
        for subset in 0..(1usize << K) {
            if subset & (1 << c) != 0 {
                continue;
            }
            let size = subset.count_ones() as usize;
            let weight = (factorial(size) * factorial(K - 1 - size)) as f64 / factorial(K) as f64;
            let y: [f64; K] = std::array::from_fn(|i| if subset & (1 << i) != 0 { m_r[i] + delta[i] } else { m_r[i] });
            let q = quotients(&y, c, delta[c]);
            for k in 0..K {
                rate[k][c] += weight * q[k];
            }
        }
    }
    rate
}

/// `(p_k(y + h·e_c) − p_k(y)) / h` for every k, exact and stable for any h (the derivative
/// at h = 0). Adding h to score c changes each other probability by
/// `−p_k · e^(y_c − lse(y + h·e_c)) · (e^h − 1)`, and p_c by minus their sum. Computed in
/// logarithms: written directly (`1 + p_c (e^h − 1)` as a denominator) it loses every digit
/// when h is large and negative and p_c near 1 (1e-8 errors seen), and overflows or gives
/// 0/0 for scores hundreds apart, where a vanishing p_k meets a huge growth factor.
fn quotients(y: &[f64; K], c: usize, h: f64) -> [f64; K] {
    let log_total = log_sum_exp(y);
    let mut q = [0.0; K];
    if h == 0.0 {
        let p = crate::ml::models::linear::softmax(y);
        for k in (0..K).filter(|&k| k != c) {
            q[k] = -p[k] * p[c];
        }
    } else {
        let mut moved = *y;
        moved[c] += h;
        // ln |e^h − 1|, without overflow or cancellation.
        let log_growth = if h > 0.0 { h + (-(-h).exp_m1()).ln() } else { (-h.exp()).ln_1p() };
        let log_factor = y[c] - log_sum_exp(&moved) + log_growth - log_total;
        for k in (0..K).filter(|&k| k != c) {
            let log_change = y[k] + log_factor;
            q[k] = if log_change.is_nan() || log_change == f64::NEG_INFINITY {
                0.0
            } else {
                -h.signum() * log_change.exp() / h
            };
        }
    }
    q[c] = -(0..K).filter(|&k| k != c).map(|k| q[k]).sum::<f64>();
    q
}

/// `ln Σ e^y`, with absent (−∞) scores left out.
fn log_sum_exp(y: &[f64; K]) -> f64 {
    let max = y.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max == f64::NEG_INFINITY {
        return max;
    }
    max + y.iter().map(|v| (v - max).exp()).sum::<f64>().ln()
}

fn factorial(n: usize) -> usize {
    (1..=n).product()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::models::linear::softmax;

    fn check_efficiency(m_x: [f64; K], m_r: [f64; K]) {
        let rate = shares(&m_x, &m_r);
        let (px, pr) = (softmax(&m_x), softmax(&m_r));
        for k in 0..K {
            let total: f64 = (0..K).map(|c| rate[k][c] * (m_x[c] - m_r[c])).sum();
            // A rate times a score change of up to 1,600 (the extreme case below) carries a
            // few ulps of that change: 1e-13 is still far below any shown digit.
            assert!((total - (px[k] - pr[k])).abs() < 1e-13, "{m_x:?} {m_r:?} class {k}: {total}");
        }
        for c in 0..K {
            let column: f64 = (0..K).map(|k| rate[k][c]).sum();
            assert!(column.abs() < 1e-14, "probabilities keep summing to 1");
        }
    }

    #[test]
    fn the_shares_add_up_to_each_probability_change() {
        check_efficiency([0.3, -1.2, 2.0], [-0.5, 0.1, 0.4]);
        check_efficiency([40.0, -30.0, 1.0], [-35.0, 20.0, 0.0]);
        check_efficiency([1.0, 1.0, 1.0], [1.0, 1.0, 1.0]);
        check_efficiency([1.0, 2.0 + 1e-12, 3.0], [1.0, 2.0, 3.0 - 1e-9]);
        check_efficiency([800.0, 0.0, -800.0], [-800.0, 0.0, 800.0]);
    }

    #[test]
    fn an_absent_class_gets_no_share() {
        let rate = shares(&[0.5, f64::NEG_INFINITY, -0.5], &[-0.2, f64::NEG_INFINITY, 0.3]);
        for k in 0..K {
            assert_eq!(rate[k][1], 0.0);
            assert!(rate[k].iter().all(|r| r.is_finite()));
        }
        assert_eq!(rate[1], [0.0; K]);
    }

    #[test]
    fn a_tiny_move_is_worth_the_derivative() {
        // Only score 0 moved, by a tiny amount: its rate is ∂p_k/∂m_0 = p_k (δ_k0 − p_0).
        let m = [0.2, -0.4, 0.9];
        let p = softmax(&m);
        let rate = shares(&[m[0] + 1e-9, m[1], m[2]], &m);
        for k in 0..K {
            let derivative = p[k] * (f64::from(u8::from(k == 0)) - p[0]);
            assert!((rate[k][0] - derivative).abs() < 1e-8, "{k}: {} vs {derivative}", rate[k][0]);
        }
    }
}
