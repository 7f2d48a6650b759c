//! "Planet or not" at a threshold: the held-out objects' probabilities the threshold
//! explorer works from, the server's 2×2 at a threshold, and the threshold saved with a model.

use serde::{Deserialize, Serialize};

use crate::domain::{BinaryCounts, ClassLabel, DecisionThreshold, PlanetQuestion};

/// One labelled held-out object: its probabilities (in [`ClassLabel::ALL`] order) and class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredObject {
    /// As text: the explorer counts objects at a threshold as the server does.
    #[serde(with = "super::exact_float::array")]
    pub probabilities: [f64; ClassLabel::COUNT],
    pub actual: ClassLabel,
}

/// What the threshold explorer needs: every labelled held-out object, the saved threshold,
/// and whether this reader may save one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionScores {
    pub objects: Vec<ScoredObject>,
    #[serde(with = "saved_as_text")]
    pub saved: Option<DecisionThreshold>,
    pub can_save: bool,
}

/// The saved threshold with its number as text ([`super::exact_float`]): the explorer starts
/// from it and counts as the server does.
mod saved_as_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::domain::{DecisionThreshold, PlanetQuestion};

    #[derive(Serialize, Deserialize)]
    struct Wire {
        question: PlanetQuestion,
        #[serde(with = "super::super::exact_float::one")]
        threshold: f64,
    }

    pub fn serialize<S: Serializer>(saved: &Option<DecisionThreshold>, serializer: S) -> Result<S::Ok, S::Error> {
        saved.map(|t| Wire { question: t.question, threshold: t.threshold }).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DecisionThreshold>, D::Error> {
        Ok(Option::<Wire>::deserialize(deserializer)?
            .map(|w| DecisionThreshold { question: w.question, threshold: w.threshold }))
    }
}

/// `GET /api/v1/trainings/{id}/decision?question=…&threshold=…`: the held-out objects called
/// planets at the threshold (score ≥ threshold) against the truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionReport {
    pub question: PlanetQuestion,
    pub threshold: f64,
    pub objects: usize,
    pub counts: BinaryCounts,
    /// `null` when no object is called a planet.
    pub precision: Option<f64>,
    /// `null` when there are no planets.
    pub recall: Option<f64>,
    pub f1: f64,
}

impl DecisionReport {
    pub fn new(question: PlanetQuestion, threshold: f64, objects: &[ScoredObject]) -> DecisionReport {
        let counts = BinaryCounts::at(&scored(question, objects), threshold);
        DecisionReport {
            question,
            threshold,
            objects: objects.len(),
            counts,
            precision: counts.precision(),
            recall: counts.recall(),
            f1: counts.f1(),
        }
    }
}

/// `(planet score, is a planet)` per object for `question`.
pub fn scored(question: PlanetQuestion, objects: &[ScoredObject]) -> Vec<(f64, bool)> {
    objects.iter().map(|o| (question.score(&o.probabilities), question.is_planet(o.actual))).collect()
}
