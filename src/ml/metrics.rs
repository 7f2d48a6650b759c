//! Classification metrics on a held-out set, for the three classes.
//!
//! Conventions match scikit-learn so figures compare with the benchmark's reference table:
//! precision of a class never predicted is 0, F1 is 0 when precision + recall is 0,
//! macro = unweighted mean over classes, weighted = mean weighted by support.

use super::ClassLabel;

const K: usize = ClassLabel::COUNT;

#[derive(Debug, Clone, PartialEq)]
pub struct ClassMetrics {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub weighted_f1: f64,
    /// One-vs-rest ROC-AUC averaged over classes; `None` when a class is absent from the test set.
    pub roc_auc_macro: Option<f64>,
    /// One-vs-rest ROC-AUC per class (exact, from every object; `None` when undefined).
    pub roc_auc_per_class: [Option<f64>; K],
    /// Mean negative log-likelihood of the true class (probabilities clipped at 1e-15).
    pub log_loss: f64,
    /// In [`ClassLabel::ALL`] order.
    pub per_class: [ClassMetrics; K],
    /// `confusion[actual][predicted]`.
    pub confusion: [[usize; K]; K],
    /// One-vs-rest ROC curve per class as (false-positive rate, true-positive rate) points
    /// from (0, 0) to (1, 1); empty when the class or its complement is absent.
    pub roc_curves: [Vec<(f64, f64)>; K],
    /// Reliability per class, Brier score and expected calibration error.
    pub calibration: super::calibration::Calibration,
}

/// `probabilities[i]` is object i's class distribution; the prediction is its arg-max.
pub fn evaluate(actual: &[ClassLabel], probabilities: &[[f64; K]]) -> Metrics {
    assert_eq!(actual.len(), probabilities.len(), "one probability vector per object");
    let predicted: Vec<ClassLabel> = probabilities.iter().map(argmax).collect();
    let mut confusion = [[0usize; K]; K];
    for (a, p) in actual.iter().zip(&predicted) {
        confusion[a.index()][p.index()] += 1;
    }
    let n = actual.len();
    let correct: usize = (0..K).map(|c| confusion[c][c]).sum();
    let per_class: [ClassMetrics; K] = std::array::from_fn(|c| {
        let tp = confusion[c][c] as f64;
        let support: usize = confusion[c].iter().sum();
        let predicted_c: usize = (0..K).map(|a| confusion[a][c]).sum();
        let precision = ratio(tp, predicted_c as f64);
        let recall = ratio(tp, support as f64);
        let f1 = ratio(2.0 * precision * recall, precision + recall);
        ClassMetrics { precision, recall, f1, support }
    });
    let macro_f1 = per_class.iter().map(|m| m.f1).sum::<f64>() / K as f64;
    let weighted_f1 = ratio(per_class.iter().map(|m| m.f1 * m.support as f64).sum::<f64>(), n as f64);
    let log_loss = if n == 0 {
        0.0
    } else {
        actual.iter().zip(probabilities).map(|(a, p)| -p[a.index()].clamp(1e-15, 1.0).ln()).sum::<f64>() / n as f64
    };
    let roc_auc_per_class: [Option<f64>; K] = std::array::from_fn(|c| one_vs_rest_auc(actual, probabilities, c));
    let aucs: Option<Vec<f64>> = roc_auc_per_class.iter().copied().collect();
    let roc_auc_macro = aucs.map(|a| a.iter().sum::<f64>() / K as f64);
    Metrics {
        accuracy: ratio(correct as f64, n as f64),
        macro_f1,
        weighted_f1,
        roc_auc_macro,
        roc_auc_per_class,
        log_loss,
        per_class,
        confusion,
        roc_curves: std::array::from_fn(|c| roc_curve(actual, probabilities, c, 200)),
        calibration: super::calibration::calibration(actual, probabilities),
    }
}

/// The ROC curve of `class` against the rest: one point per distinct score threshold
/// (ties move together), thinned to at most about `max_points` points for drawing.
pub fn roc_curve(
    actual: &[ClassLabel],
    probabilities: &[[f64; K]],
    class: usize,
    max_points: usize,
) -> Vec<(f64, f64)> {
    let positives = actual.iter().filter(|a| a.index() == class).count() as f64;
    let negatives = actual.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return Vec::new();
    }
    let mut scored: Vec<(f64, bool)> =
        actual.iter().zip(probabilities).map(|(a, p)| (p[class], a.index() == class)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut points = vec![(0.0, 0.0)];
    let (mut tp, mut fp) = (0.0, 0.0);
    for (i, &(score, positive)) in scored.iter().enumerate() {
        if positive {
            tp += 1.0
        } else {
            fp += 1.0
        }
        if i + 1 == scored.len() || scored[i + 1].0 != score {
            points.push((fp / negatives, tp / positives));
        }
    }
    if points.len() <= max_points {
        return points;
    }
    // Keep the ends and every point that moves far enough from the last kept one.
    let step = 2.0 / max_points as f64;
    let mut thinned = vec![points[0]];
    for &p in &points[1..points.len() - 1] {
        let last = *thinned.last().expect("start point");
        if (p.0 - last.0) + (p.1 - last.1) >= step {
            thinned.push(p);
        }
    }
    thinned.push(*points.last().expect("end point"));
    thinned
}

/// Highest probability wins; ties go to the earlier class in [`ClassLabel::ALL`].
pub fn argmax(p: &[f64; K]) -> ClassLabel {
    let mut best = 0;
    for c in 1..K {
        if p[c] > p[best] {
            best = c;
        }
    }
    ClassLabel::ALL[best]
}

fn ratio(num: f64, den: f64) -> f64 {
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

/// Area under the ROC curve of "class c vs the rest", by the rank statistic with ties
/// counted half (the same value as the trapezoid rule).
fn one_vs_rest_auc(actual: &[ClassLabel], probabilities: &[[f64; K]], c: usize) -> Option<f64> {
    let mut scored: Vec<(f64, bool)> = actual.iter().zip(probabilities).map(|(a, p)| (p[c], a.index() == c)).collect();
    let positives = scored.iter().filter(|s| s.1).count() as f64;
    let negatives = scored.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Average ranks over ties, then Mann–Whitney U.
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < scored.len() {
        let mut j = i;
        while j + 1 < scored.len() && scored[j + 1].0 == scored[i].0 {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum_pos += avg_rank * scored[i..=j].iter().filter(|s| s.1).count() as f64;
        i = j + 1;
    }
    Some((rank_sum_pos - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ClassLabel::*;

    fn one_hot(c: ClassLabel) -> [f64; K] {
        let mut p = [0.0; K];
        p[c.index()] = 1.0;
        p
    }

    /// Worked by hand: actual = [Co, Co, Co, Ca, Ca, FP], predicted = [Co, Co, Ca, Ca, FP, FP].
    /// Confirmed: P = 2/2, R = 2/3, F1 = 0.8. Candidate: P = 1/2, R = 1/2, F1 = 0.5.
    /// False positive: P = 1/2, R = 1/1, F1 = 2/3. Accuracy 4/6.
    #[test]
    fn metrics_match_hand_computed_values() {
        let actual = [Confirmed, Confirmed, Confirmed, Candidate, Candidate, FalsePositive];
        let predicted = [Confirmed, Confirmed, Candidate, Candidate, FalsePositive, FalsePositive];
        let probs: Vec<[f64; K]> = predicted.iter().map(|&p| one_hot(p)).collect();
        let m = evaluate(&actual, &probs);
        let eps = 1e-12;
        assert!((m.accuracy - 4.0 / 6.0).abs() < eps);
        assert!((m.per_class[0].f1 - 0.8).abs() < eps);
        assert!((m.per_class[1].f1 - 0.5).abs() < eps);
        assert!((m.per_class[2].f1 - 2.0 / 3.0).abs() < eps);
        assert!((m.per_class[0].recall - 2.0 / 3.0).abs() < eps);
        assert!((m.per_class[2].precision - 0.5).abs() < eps);
        assert!((m.macro_f1 - (0.8 + 0.5 + 2.0 / 3.0) / 3.0).abs() < eps);
        assert!((m.weighted_f1 - (0.8 * 3.0 + 0.5 * 2.0 + 2.0 / 3.0) / 6.0).abs() < eps);
        assert_eq!(m.confusion, [[2, 1, 0], [0, 1, 1], [0, 0, 1]]);
        assert_eq!(m.per_class.map(|c| c.support), [3, 2, 1]);
    }

    #[test]
    fn never_predicted_class_has_zero_precision_not_nan() {
        let m = evaluate(&[Confirmed, Candidate], &[one_hot(Confirmed), one_hot(Confirmed)]);
        assert_eq!(m.per_class[1].precision, 0.0);
        assert_eq!(m.per_class[1].f1, 0.0);
        assert!(m.roc_auc_macro.is_none(), "false positive is absent, AUC undefined");
    }

    #[test]
    fn auc_and_log_loss_hand_values() {
        // Class 0 scores: positives 0.9, 0.4; negatives 0.5, 0.1 → pairs won: (0.9>0.5, 0.9>0.1, 0.4>0.1) = 3/4.
        let actual = [Confirmed, Confirmed, Candidate, FalsePositive];
        let probs = [[0.9, 0.05, 0.05], [0.4, 0.3, 0.3], [0.5, 0.4, 0.1], [0.1, 0.1, 0.8]];
        assert!((one_vs_rest_auc(&actual, &probs, 0).unwrap() - 0.75).abs() < 1e-12);
        // Its ROC curve, thresholds 0.9, 0.5, 0.4, 0.1: TPR/FPR step by hand, and the
        // trapezoid area under it equals the AUC.
        let curve = roc_curve(&actual, &probs, 0, 200);
        assert_eq!(curve, vec![(0.0, 0.0), (0.0, 0.5), (0.5, 0.5), (0.5, 1.0), (1.0, 1.0)]);
        let area: f64 = curve.windows(2).map(|w| (w[1].0 - w[0].0) * (w[1].1 + w[0].1) / 2.0).sum();
        assert!((area - 0.75).abs() < 1e-12);
        let m = evaluate(&actual, &probs);
        let expected = -(0.9f64.ln() + 0.4f64.ln() + 0.4f64.ln() + 0.8f64.ln()) / 4.0;
        assert!((m.log_loss - expected).abs() < 1e-12);
    }

    #[test]
    fn argmax_breaks_ties_toward_first_class() {
        assert_eq!(argmax(&[0.4, 0.4, 0.2]), Confirmed);
        assert_eq!(argmax(&[0.2, 0.4, 0.4]), Candidate);
    }
}
