//! Whether a model's probabilities mean what they say: per class, a reliability diagram
//! (10 equal-width bins of the predicted probability, each with its count, mean prediction
//! and the share of objects that truly are of the class), the expected calibration error and
//! the Brier score.
//!
//! Conventions, stated so the figures can be recomputed: the Brier score is the multi-class
//! one, the mean over objects of Σ_k (p_k − y_k)² (0 is perfect, 2 the worst; a class's own
//! one-vs-rest Brier is the same sum restricted to k); a class's ECE is
//! Σ_bins (n_b / N) · |observed_b − mean predicted_b|, and the model's ECE the mean of the
//! three classes' ("classwise ECE"). A probability of exactly 1 falls in the last bin.

use super::ClassLabel;

const K: usize = ClassLabel::COUNT;

/// Bins of the reliability diagrams: tenths of the probability scale.
pub const BINS: usize = 10;

#[derive(Debug, Clone, PartialEq)]
pub struct ReliabilityBin {
    /// The bin covers predicted probabilities in `[lower, lower + 0.1)`.
    pub lower: f64,
    pub count: usize,
    /// Mean predicted probability of the class in the bin (`None` when empty).
    pub mean_predicted: Option<f64>,
    /// Share of the bin's objects that are of the class (`None` when empty).
    pub observed: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClassCalibration {
    /// One-vs-rest Brier score of this class: mean of (p − y)².
    pub brier: f64,
    pub ece: f64,
    pub bins: Vec<ReliabilityBin>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Multi-class Brier score: mean over objects of Σ_k (p_k − y_k)².
    pub brier: f64,
    /// Mean of the classes' ECE.
    pub ece: f64,
    /// In [`ClassLabel::ALL`] order.
    pub per_class: [ClassCalibration; K],
}

/// The calibration of `probabilities` against the true classes `actual` (same order).
pub fn calibration(actual: &[ClassLabel], probabilities: &[[f64; K]]) -> Calibration {
    assert_eq!(actual.len(), probabilities.len(), "one probability vector per object");
    let per_class: [ClassCalibration; K] = std::array::from_fn(|c| class_calibration(actual, probabilities, c));
    Calibration {
        brier: per_class.iter().map(|k| k.brier).sum(),
        ece: per_class.iter().map(|k| k.ece).sum::<f64>() / K as f64,
        per_class,
    }
}

fn class_calibration(actual: &[ClassLabel], probabilities: &[[f64; K]], class: usize) -> ClassCalibration {
    let n = actual.len();
    // (count, sum of predictions, objects of the class) per bin.
    let mut bins = [(0usize, 0.0f64, 0usize); BINS];
    let mut squared_error = 0.0;
    for (a, p) in actual.iter().zip(probabilities) {
        let (predicted, truth) = (p[class], usize::from(a.index() == class));
        squared_error += (predicted - truth as f64).powi(2);
        let bin = bin_of(predicted);
        bins[bin].0 += 1;
        bins[bin].1 += predicted;
        bins[bin].2 += truth;
    }
    let mut ece = 0.0;
    let bins = bins
        .iter()
        .enumerate()
        .map(|(b, &(count, sum, positives))| {
            let (mean_predicted, observed) = if count == 0 {
                (None, None)
            } else {
                let (mean, share) = (sum / count as f64, positives as f64 / count as f64);
                ece += count as f64 / n as f64 * (share - mean).abs();
                (Some(mean), Some(share))
            };
            ReliabilityBin { lower: b as f64 / BINS as f64, count, mean_predicted, observed }
        })
        .collect();
    ClassCalibration { brier: if n == 0 { 0.0 } else { squared_error / n as f64 }, ece, bins }
}

/// The bin of a probability: `floor(p · 10)`, with 1 (and anything rounding past it) in
/// the last bin and anything below 0 in the first.
fn bin_of(p: f64) -> usize {
    ((p * BINS as f64).floor().max(0.0) as usize).min(BINS - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClassLabel::*;

    /// Worked by hand. Four objects:
    ///   actual Confirmed,      p = (0.95, 0.05, 0.00)
    ///   actual Confirmed,      p = (0.15, 0.80, 0.05)
    ///   actual FalsePositive,  p = (0.12, 0.08, 0.80)
    ///   actual Candidate,      p = (0.90, 0.10, 0.00)
    /// Confirmed: bins 9 holds 0.95 (yes) and 0.90 (no): mean 0.925, observed 0.5;
    /// bin 1 holds 0.15 (yes) and 0.12 (no): mean 0.135, observed 0.5.
    /// ECE = 2/4·|0.5 − 0.925| + 2/4·|0.5 − 0.135| = 0.2125 + 0.1825 = 0.395.
    /// Brier (Confirmed) = (0.05² + 0.85² + 0.12² + 0.90²) / 4 = (0.0025 + 0.7225 + 0.0144 + 0.81) / 4 = 0.38735.
    #[test]
    fn reliability_ece_and_brier_match_hand_computed_values() {
        let actual = [Confirmed, Confirmed, FalsePositive, Candidate];
        let p = [[0.95, 0.05, 0.0], [0.15, 0.80, 0.05], [0.12, 0.08, 0.80], [0.90, 0.10, 0.0]];
        let c = calibration(&actual, &p);
        let confirmed = &c.per_class[0];
        assert_eq!(confirmed.bins.len(), 10);
        assert_eq!(confirmed.bins[9].count, 2);
        assert!((confirmed.bins[9].mean_predicted.unwrap() - 0.925).abs() < 1e-12);
        assert_eq!(confirmed.bins[9].observed, Some(0.5));
        assert_eq!(confirmed.bins[1].count, 2);
        assert!((confirmed.bins[1].mean_predicted.unwrap() - 0.135).abs() < 1e-12);
        assert_eq!(confirmed.bins[5].mean_predicted, None);
        assert!((confirmed.ece - 0.395).abs() < 1e-12, "{}", confirmed.ece);
        assert!((confirmed.brier - 0.38735).abs() < 1e-12, "{}", confirmed.brier);
        // Multi-class Brier: per object Σ_k (p_k − y_k)², averaged.
        let by_hand = [
            0.05f64.powi(2) + 0.05f64.powi(2),
            0.85f64.powi(2) + 0.80f64.powi(2) + 0.05f64.powi(2),
            0.12f64.powi(2) + 0.08f64.powi(2) + 0.20f64.powi(2),
            0.90f64.powi(2) + 0.90f64.powi(2),
        ]
        .iter()
        .sum::<f64>()
            / 4.0;
        assert!((c.brier - by_hand).abs() < 1e-12, "{} vs {by_hand}", c.brier);
        let mean_ece = c.per_class.iter().map(|k| k.ece).sum::<f64>() / 3.0;
        assert!((c.ece - mean_ece).abs() < 1e-15);
    }

    #[test]
    fn perfectly_calibrated_certain_answers_score_zero_and_one_falls_in_the_last_bin() {
        let actual = [Confirmed, Candidate, FalsePositive];
        let p = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        let c = calibration(&actual, &p);
        assert_eq!((c.brier, c.ece), (0.0, 0.0));
        assert_eq!(c.per_class[0].bins[9].count, 1);
        assert_eq!(c.per_class[0].bins[0].count, 2);
        assert_eq!(bin_of(0.1), 1);
        assert_eq!(bin_of(0.0999), 0);
    }
}
