//! Why a model predicted what it did: per-object SHAP values, reasons in words, global importance.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{observation_note, ClassLabel, ExplanationSpace};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub id: String,
    pub prediction: ClassLabel,
    pub confidence: f64,
    pub probabilities: BTreeMap<ClassLabel, f64>,
    /// The object's label; `None` when the test file had no labels.
    pub actual: Option<ClassLabel>,
    pub correct: Option<bool>,
    /// Why this object got its predicted class (SHAP values for that class).
    pub explanation: Option<Explanation>,
    /// The three largest contributions, for tables.
    #[serde(default)]
    pub reasons: Vec<Reason>,
    /// Whether the threshold saved with the model calls it a planet (predictions with a
    /// saved model that has one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planet: Option<bool>,
}

impl Prediction {
    /// The probabilities in [`ClassLabel::ALL`] order (a class missing from the map is 0).
    pub fn probability_array(&self) -> [f64; ClassLabel::COUNT] {
        std::array::from_fn(|c| self.probabilities.get(&ClassLabel::ALL[c]).copied().unwrap_or(0.0))
    }
}

/// SHAP values of one object for one class: `base_value + Σ contributions = output_value`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub class: ClassLabel,
    /// What the values add up to.
    pub space: ExplanationSpace,
    pub base_value: f64,
    pub output_value: f64,
    pub contributions: BTreeMap<String, f64>,
    /// The object's feature values (`None` = missing), to label the contributions.
    #[serde(default)]
    pub feature_values: BTreeMap<String, Option<f64>>,
    /// How the values were computed.
    #[serde(default)]
    pub method: String,
    /// Reference objects (training rows) the values are measured against; 0 when the method
    /// uses none.
    #[serde(default)]
    pub background_objects: usize,
}

/// One feature's push on a prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub feature: String,
    pub value: Option<f64>,
    pub contribution: f64,
    /// "koi_model_snr = 12.3 pushes toward false positive by 0.21".
    pub text: String,
    /// Set when the feature tracks how the object was observed rather than what it is
    /// ("reflects how precisely it was measured: often a sign of follow-up").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Reason {
    pub fn new(feature: &str, value: Option<f64>, contribution: f64, class: ClassLabel) -> Reason {
        let shown = value.map(short_number).unwrap_or_else(|| "missing".into());
        let direction = if contribution >= 0.0 { "toward" } else { "away from" };
        let text = format!(
            "{feature} = {shown} pushes {direction} {} by {:.2}",
            class.title().to_lowercase(),
            contribution.abs()
        );
        let note = observation_note(feature).map(str::to_string);
        Reason { feature: feature.to_string(), value, contribution, text, note }
    }
}

/// A value with about four significant digits, for sentences and chart labels.
pub fn short_number(x: f64) -> String {
    let a = x.abs();
    if a != 0.0 && !(1e-3..1e6).contains(&a) {
        format!("{x:.3e}")
    } else if a >= 100.0 {
        format!("{x:.1}")
    } else {
        let s = format!("{x:.4}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    }
}

/// Global importance: mean |SHAP| over the test set, per feature, overall and per class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportanceReport {
    pub space: ExplanationSpace,
    pub method: String,
    pub base_values: BTreeMap<ClassLabel, f64>,
    /// Most important first.
    pub features: Vec<FeatureImportance>,
    /// SHAP value against feature value for the top features (a beeswarm / dot plot).
    pub dots: DotPlot,
}

/// For an evenly spaced sample of the held-out objects and the most important features:
/// each object's SHAP value per class and where its feature value ranks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct DotPlot {
    /// Objects in the sample (the same objects for every feature).
    pub objects: usize,
    pub features: Vec<DotFeature>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DotFeature {
    pub feature: String,
    /// Per sampled object: the value's rank among the held-out objects' values, 0 (lowest)
    /// to 1 (highest); `None` when missing.
    pub value_rank: Vec<Option<f64>>,
    /// Per class id: the sampled objects' SHAP values.
    pub shap: BTreeMap<ClassLabel, Vec<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureImportance {
    pub feature: String,
    /// The archive's description with unit, e.g. "Orbital Period [days]".
    pub description: String,
    /// Mean over classes of the per-class mean |SHAP|.
    pub overall: f64,
    pub per_class: BTreeMap<ClassLabel, f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_sentences() {
        let r = Reason::new("koi_model_snr", Some(12.3), 0.2149, ClassLabel::FalsePositive);
        assert_eq!(r.text, "koi_model_snr = 12.3 pushes toward false positive by 0.21");
        let r = Reason::new("koi_prad", None, -0.05, ClassLabel::Confirmed);
        assert_eq!(r.text, "koi_prad = missing pushes away from confirmed by 0.05");
        assert_eq!(r.note, None);
        let r = Reason::new("koi_duration_err1", Some(0.1), 0.3, ClassLabel::Confirmed);
        assert!(r.note.unwrap().contains("how precisely it was measured"));
        assert_eq!(short_number(2459229.63), "2.459e6");
        assert_eq!(short_number(0.000123), "1.230e-4");
        assert_eq!(short_number(656.886), "656.9");
        assert_eq!(short_number(2.5), "2.5");
    }
}
