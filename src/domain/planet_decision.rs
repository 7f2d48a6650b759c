//! "Planet or not" at a threshold the user chooses: which probability is the planet score,
//! the 2×2 counts at a threshold, the precision–recall curve and its presets. One code path
//! for the browser's threshold explorer and the server's check of it (and the saved
//! threshold a model's predictions apply), so both give the same numbers.

use serde::{Deserialize, Serialize};

use super::ClassLabel;

/// Which probability decides "planet": P(confirmed), or P(not a false positive) = P(confirmed)
/// + P(candidate) (a candidate counts as a planet until shown otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanetQuestion {
    #[default]
    Confirmed,
    NotFalsePositive,
}

impl PlanetQuestion {
    pub const ALL: [PlanetQuestion; 2] = [PlanetQuestion::Confirmed, PlanetQuestion::NotFalsePositive];

    pub fn id(self) -> &'static str {
        match self {
            PlanetQuestion::Confirmed => "confirmed",
            PlanetQuestion::NotFalsePositive => "not_false_positive",
        }
    }

    pub fn from_id(id: &str) -> Option<PlanetQuestion> {
        PlanetQuestion::ALL.into_iter().find(|q| q.id() == id)
    }

    pub fn title(self) -> &'static str {
        match self {
            PlanetQuestion::Confirmed => "P(confirmed)",
            PlanetQuestion::NotFalsePositive => "P(not a false positive)",
        }
    }

    /// The planet score of an object's probabilities (in [`ClassLabel::ALL`] order).
    pub fn score(self, p: &[f64; ClassLabel::COUNT]) -> f64 {
        let (confirmed, candidate) = (p[ClassLabel::Confirmed.index()], p[ClassLabel::Candidate.index()]);
        match self {
            PlanetQuestion::Confirmed => confirmed,
            PlanetQuestion::NotFalsePositive => confirmed + candidate,
        }
    }

    /// Whether an object of this class is a planet for the question.
    pub fn is_planet(self, actual: ClassLabel) -> bool {
        match self {
            PlanetQuestion::Confirmed => actual == ClassLabel::Confirmed,
            PlanetQuestion::NotFalsePositive => actual != ClassLabel::FalsePositive,
        }
    }
}

/// A threshold saved with a model: an object is called a planet when its score for the
/// question is at least `threshold`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DecisionThreshold {
    pub question: PlanetQuestion,
    pub threshold: f64,
}

impl DecisionThreshold {
    pub fn calls_planet(&self, p: &[f64; ClassLabel::COUNT]) -> bool {
        self.question.score(p) >= self.threshold
    }
}

/// The 2×2 confusion matrix of "score ≥ threshold" against the truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BinaryCounts {
    pub true_positive: usize,
    pub false_positive: usize,
    pub false_negative: usize,
    pub true_negative: usize,
}

impl BinaryCounts {
    /// Counts of `(score, is planet)` pairs at `threshold`.
    pub fn at(scored: &[(f64, bool)], threshold: f64) -> BinaryCounts {
        let mut c = BinaryCounts::default();
        for &(score, planet) in scored {
            match (score >= threshold, planet) {
                (true, true) => c.true_positive += 1,
                (true, false) => c.false_positive += 1,
                (false, true) => c.false_negative += 1,
                (false, false) => c.true_negative += 1,
            }
        }
        c
    }

    /// Share of the objects called planets that are; `None` when none is called.
    pub fn precision(&self) -> Option<f64> {
        let called = self.true_positive + self.false_positive;
        (called > 0).then(|| self.true_positive as f64 / called as f64)
    }

    /// Share of the planets called planets; `None` when there are none.
    pub fn recall(&self) -> Option<f64> {
        let planets = self.true_positive + self.false_negative;
        (planets > 0).then(|| self.true_positive as f64 / planets as f64)
    }

    /// Harmonic mean of precision and recall (0 when either is 0 or undefined).
    pub fn f1(&self) -> f64 {
        let denominator = 2 * self.true_positive + self.false_positive + self.false_negative;
        if denominator == 0 {
            0.0
        } else {
            2.0 * self.true_positive as f64 / denominator as f64
        }
    }
}

/// One point of the precision–recall curve: the counts at a threshold equal to one of the
/// objects' scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrPoint {
    pub threshold: f64,
    pub counts: BinaryCounts,
}

/// The curve at every distinct score, highest threshold first (each point calls planets
/// the objects scoring at least its threshold).
pub fn pr_curve(scored: &[(f64, bool)]) -> Vec<PrPoint> {
    let mut sorted: Vec<(f64, bool)> = scored.to_vec();
    sorted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let planets = sorted.iter().filter(|s| s.1).count();
    let others = sorted.len() - planets;
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut curve = Vec::new();
    for (i, &(score, planet)) in sorted.iter().enumerate() {
        if planet {
            tp += 1;
        } else {
            fp += 1;
        }
        // Emit once all objects of this score are in.
        if sorted.get(i + 1).is_none_or(|next| next.0 != score) {
            curve.push(PrPoint {
                threshold: score,
                counts: BinaryCounts {
                    true_positive: tp,
                    false_positive: fp,
                    false_negative: planets - tp,
                    true_negative: others - fp,
                },
            });
        }
    }
    curve
}

/// The explorer's presets: thresholds chosen on the curve for a stated goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThresholdPreset {
    /// The highest threshold that still calls 90 % of the planets planets.
    KeepNinetyPercent,
    /// The lowest threshold at which 90 % of the objects called planets are (most planets
    /// found at that precision).
    NinetyPercentPrecision,
    /// The threshold of the highest F1 (the highest such threshold on ties).
    BestF1,
}

impl ThresholdPreset {
    pub const ALL: [ThresholdPreset; 3] =
        [ThresholdPreset::KeepNinetyPercent, ThresholdPreset::NinetyPercentPrecision, ThresholdPreset::BestF1];

    pub fn label(self) -> &'static str {
        match self {
            ThresholdPreset::KeepNinetyPercent => "Keep 90 % of planets",
            ThresholdPreset::NinetyPercentPrecision => "90 % precision",
            ThresholdPreset::BestF1 => "Best F1",
        }
    }

    /// The preset's threshold on `curve` (from [`pr_curve`]); `None` when no point reaches it.
    pub fn threshold(self, curve: &[PrPoint]) -> Option<f64> {
        match self {
            ThresholdPreset::KeepNinetyPercent => {
                curve.iter().find(|p| p.counts.recall().is_some_and(|r| r >= 0.9)).map(|p| p.threshold)
            }
            ThresholdPreset::NinetyPercentPrecision => {
                curve.iter().rev().find(|p| p.counts.precision().is_some_and(|r| r >= 0.9)).map(|p| p.threshold)
            }
            ThresholdPreset::BestF1 => curve
                .iter()
                .fold(None::<&PrPoint>, |best, p| match best {
                    Some(b) if b.counts.f1() >= p.counts.f1() => Some(b),
                    _ => Some(p),
                })
                .map(|p| p.threshold),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Six objects worked by hand: scores 0.9 (planet), 0.8 (not), 0.7 (planet), 0.7 (planet),
    /// 0.4 (not), 0.1 (planet).
    fn six() -> Vec<(f64, bool)> {
        vec![(0.9, true), (0.8, false), (0.7, true), (0.7, true), (0.4, false), (0.1, true)]
    }

    #[test]
    fn counts_precision_recall_and_f1_by_hand() {
        let c = BinaryCounts::at(&six(), 0.7);
        assert_eq!(c, BinaryCounts { true_positive: 3, false_positive: 1, false_negative: 1, true_negative: 1 });
        assert_eq!((c.precision(), c.recall()), (Some(0.75), Some(0.75)));
        assert!((c.f1() - 0.75).abs() < 1e-15);
        let none = BinaryCounts::at(&six(), 0.95);
        assert_eq!((none.precision(), none.recall(), none.f1()), (None, Some(0.0), 0.0));
    }

    #[test]
    fn the_curve_has_a_point_per_distinct_score_and_matches_direct_counts() {
        let curve = pr_curve(&six());
        let thresholds: Vec<f64> = curve.iter().map(|p| p.threshold).collect();
        assert_eq!(thresholds, vec![0.9, 0.8, 0.7, 0.4, 0.1]);
        for p in &curve {
            assert_eq!(p.counts, BinaryCounts::at(&six(), p.threshold));
        }
        // Recall ≥ 0.9 needs all four planets: only at 0.1.
        assert_eq!(ThresholdPreset::KeepNinetyPercent.threshold(&curve), Some(0.1));
        // Precision ≥ 0.9 only at 0.9 (1/1); at 0.8 it is 1/2.
        assert_eq!(ThresholdPreset::NinetyPercentPrecision.threshold(&curve), Some(0.9));
        // F1: 0.9 → 2/5, 0.8 → 2/6, 0.7 → 6/8, 0.4 → 6/9, 0.1 → 8/10: best at 0.1.
        assert_eq!(ThresholdPreset::BestF1.threshold(&curve), Some(0.1));
    }

    #[test]
    fn questions_score_and_judge_objects() {
        let p = [0.2, 0.5, 0.3];
        assert_eq!(PlanetQuestion::Confirmed.score(&p), 0.2);
        assert_eq!(PlanetQuestion::NotFalsePositive.score(&p), 0.7);
        assert!(PlanetQuestion::NotFalsePositive.is_planet(ClassLabel::Candidate));
        assert!(!PlanetQuestion::Confirmed.is_planet(ClassLabel::Candidate));
        let saved = DecisionThreshold { question: PlanetQuestion::NotFalsePositive, threshold: 0.7 };
        assert!(saved.calls_planet(&p));
        assert_eq!(serde_json::to_string(&saved).unwrap(), r#"{"question":"not_false_positive","threshold":0.7}"#);
    }
}
