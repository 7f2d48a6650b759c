//! Data transfer types. The JSON routes under `/api/v1` serialise exactly these.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The three classes, in the order every probability vector and matrix uses.
pub const CLASSES: [&str; 3] = ["confirmed", "candidate", "false_positive"];

/// A human label for a class id.
pub fn class_title(class: &str) -> &'static str {
    match class {
        "confirmed" => "Confirmed",
        "candidate" => "Candidate",
        "false_positive" => "False positive",
        _ => "Unknown",
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExcludedColumn {
    pub column: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetInfo {
    pub id: String,
    pub name: String,
    pub description: String,
    pub file: String,
    pub downloaded: String,
    pub rows: usize,
    pub label_column: String,
    /// Archive label value → class id.
    pub label_map: BTreeMap<String, String>,
    pub features: Vec<String>,
    pub excluded: Vec<ExcludedColumn>,
    /// Objects per class id.
    pub classes: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HyperparameterInfo {
    pub name: String,
    pub label: String,
    /// "integer", "number", "choice" or "boolean".
    #[serde(rename = "type")]
    pub kind: String,
    pub default: serde_json::Value,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Allowed values of a "choice".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    pub help: String,
}

impl HyperparameterInfo {
    /// Checks one form value the way the server will; `Err` holds the message to show.
    pub fn validate(&self, text: &str) -> Result<serde_json::Value, String> {
        let text = text.trim();
        let range = |x: f64| match (self.min, self.max) {
            (Some(lo), Some(hi)) if x < lo || x > hi => Err(format!("Must be between {lo} and {hi}.")),
            _ => Ok(()),
        };
        match self.kind.as_str() {
            "integer" => {
                let n: i64 = text.parse().map_err(|_| "Enter a whole number.".to_string())?;
                range(n as f64)?;
                Ok(n.into())
            }
            "number" => {
                let x: f64 = text.parse().ok().filter(|x: &f64| x.is_finite()).ok_or("Enter a number.")?;
                range(x)?;
                Ok(x.into())
            }
            "boolean" => match text {
                "true" | "false" => Ok((text == "true").into()),
                _ => Err("Choose yes or no.".into()),
            },
            _ if self.options.iter().any(|o| o == text) => Ok(text.into()),
            _ => Err(format!("Choose one of: {}.", self.options.join(", "))),
        }
    }

    /// The default as form text.
    pub fn default_text(&self) -> String {
        value_text(&self.default)
    }
}

/// A hyperparameter value as form text (strings without their quotes).
pub fn value_text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub id: String,
    pub name: String,
    pub description: String,
    pub missing_values: String,
    pub hyperparameters: Vec<HyperparameterInfo>,
    /// Named starting points ("fast", "balanced", "accurate").
    pub presets: Vec<PresetInfo>,
    /// Whether the family offers `class_weight: "balanced"`.
    pub class_weights: bool,
    /// How its predictions are explained (method and space).
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PresetInfo {
    pub id: String,
    pub label: String,
    pub description: String,
    /// Hyperparameters that differ from the defaults.
    pub values: BTreeMap<String, serde_json::Value>,
}

fn default_seed() -> u64 {
    42
}

fn default_test_fraction() -> f64 {
    0.2
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainRequest {
    pub dataset: String,
    pub model: String,
    #[serde(default)]
    pub hyperparameters: BTreeMap<String, serde_json::Value>,
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default = "default_test_fraction")]
    pub test_fraction: f64,
    /// A preset's values are applied first; `hyperparameters` override them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// Also run 5-fold cross-validation (grouped by star) on the training part.
    #[serde(default)]
    pub cross_validation: bool,
    /// For `"dataset": "upload"` with a table that is not an archive export: how its
    /// columns become labels and features.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<UploadMapping>,
    /// Set by the server when files were uploaded with the request (never by clients).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload: Option<UploadedFiles>,
    /// Cross-mission transfer: train on `dataset`, test on this mission's held-out part
    /// (both on the harmonised features).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_to: Option<String>,
    /// Fine-tuning: `"pretrained"` continues boosting the shipped model on the uploaded
    /// `train_file` (an archive export or a table with the harmonised columns and a
    /// label), instead of training a new model. Needs `"dataset": "upload"` and
    /// `"model": "gradient_boosting"`; its hyperparameters are the booster's (100 rounds
    /// unless set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine_tune: Option<String>,
    /// Fine-tuning a table that is neither an archive export nor on the harmonised names:
    /// the column choice of a prediction request (`columns` there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<BTreeMap<String, String>>,
}

/// How an uploaded table's columns become labels and features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadMapping {
    pub label_column: String,
    /// Label value → class id (`confirmed`, `candidate`, `false_positive`); other values
    /// are left out.
    pub label_values: BTreeMap<String, String>,
    pub features: Vec<String>,
    #[serde(default)]
    pub id_column: Option<String>,
    #[serde(default)]
    pub group_column: Option<String>,
}

/// Files stored with a training: the names the user gave them (for display only) and the
/// server's own ids for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadedFiles {
    pub train_name: String,
    pub train_id: String,
    #[serde(default)]
    pub test_name: Option<String>,
    #[serde(default)]
    pub test_id: Option<String>,
}

/// What the server made of an uploaded table, for the mapping form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadInspection {
    pub file: String,
    pub rows: usize,
    /// `kepler`, `tess` or `k2` when the table is that archive export.
    pub detected: Option<String>,
    pub columns: Vec<ColumnInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    pub numeric: bool,
    pub missing_rate: f64,
    pub sample: Vec<String>,
    pub distinct: Vec<String>,
    /// Set for known label-leaking archive columns (off by default as features).
    pub leak: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TrainingStatus {
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,
}

impl TrainingStatus {
    pub fn is_finished(self) -> bool {
        matches!(self, TrainingStatus::Completed | TrainingStatus::Failed | TrainingStatus::Cancelled)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TrainingStatus::Queued => "queued",
            TrainingStatus::Running => "running",
            TrainingStatus::Completed => "completed",
            TrainingStatus::Failed => "failed",
            TrainingStatus::Cancelled => "cancelled",
        }
    }
}

/// Key figures of a completed training, for lists and comparisons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Headline {
    /// `None` (like the others) when the test file had no labels.
    pub accuracy: Option<f64>,
    pub macro_f1: Option<f64>,
    pub roc_auc: Option<f64>,
}

/// One training in the list of saved trainings and models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummaryItem {
    pub id: String,
    pub dataset: String,
    pub model: String,
    pub model_name: String,
    pub status: TrainingStatus,
    pub created_at: u64,
    pub finished_at: Option<u64>,
    pub seed: u64,
    pub headline: Option<Headline>,
    /// Whether a trained model file can be downloaded.
    pub has_model: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartedTraining {
    pub id: String,
}

/// A training session's state, as polled by the progress page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingProgress {
    pub id: String,
    pub status: TrainingStatus,
    /// 0–100.
    pub progress: f64,
    pub step: String,
    pub error: Option<String>,
    pub dataset: String,
    pub model: String,
    /// Unix milliseconds.
    pub created_at: u64,
    pub started_at: Option<u64>,
    pub finished_at: Option<u64>,
    /// 1 = next to start; present while queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_position: Option<usize>,
    /// Times it has been started: 1 normally, more after its server process stopped while
    /// it ran (it is then queued again, up to `EXO_MAX_ATTEMPTS` times).
    #[serde(default)]
    pub attempts: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassScores {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfusionMatrix {
    pub labels: Vec<String>,
    /// `matrix[actual][predicted]`.
    pub matrix: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricsReport {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub weighted_f1: f64,
    pub roc_auc: Option<f64>,
    pub log_loss: f64,
    pub per_class: BTreeMap<String, ClassScores>,
    pub confusion_matrix: ConfusionMatrix,
    /// One-vs-rest ROC curve per class.
    pub roc_curves: Vec<RocCurve>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RocCurve {
    pub class: String,
    pub auc: Option<f64>,
    /// (false-positive rate, true-positive rate), from (0, 0) to (1, 1).
    pub points: Vec<[f64; 2]>,
}

/// Mean ± standard deviation of one metric over the cross-validation folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvMetric {
    pub metric: String,
    pub label: String,
    pub mean: f64,
    pub std: f64,
    pub per_fold: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossValidationReport {
    pub folds: usize,
    /// How the folds were made.
    pub method: String,
    pub fold_rows: Vec<usize>,
    pub metrics: Vec<CvMetric>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Prediction {
    pub id: String,
    pub prediction: String,
    pub confidence: f64,
    pub probabilities: BTreeMap<String, f64>,
    /// The object's label; `None` when the test file had no labels.
    pub actual: Option<String>,
    pub correct: Option<bool>,
    /// Why this object got its predicted class (SHAP values for that class).
    pub explanation: Option<Explanation>,
    /// The three largest contributions, for tables.
    #[serde(default)]
    pub reasons: Vec<Reason>,
}

/// SHAP values of one object for one class: `base_value + Σ contributions = output_value`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    pub class: String,
    /// What the values add up to: "probability" for tree models.
    pub space: String,
    pub base_value: f64,
    pub output_value: f64,
    pub contributions: BTreeMap<String, f64>,
    /// The object's feature values (`None` = missing), to label the contributions.
    #[serde(default)]
    pub feature_values: BTreeMap<String, Option<f64>>,
}

/// One feature's push on a prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub feature: String,
    pub value: Option<f64>,
    pub contribution: f64,
    /// "koi_model_snr = 12.3 pushes toward false positive by 0.21".
    pub text: String,
}

impl Reason {
    pub fn new(feature: &str, value: Option<f64>, contribution: f64, class: &str) -> Reason {
        let shown = value.map(short_number).unwrap_or_else(|| "missing".into());
        let direction = if contribution >= 0.0 { "toward" } else { "away from" };
        let text = format!(
            "{feature} = {shown} pushes {direction} {} by {:.2}",
            class_title(class).to_lowercase(),
            contribution.abs()
        );
        Reason { feature: feature.to_string(), value, contribution, text }
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
    pub space: String,
    pub method: String,
    pub base_values: BTreeMap<String, f64>,
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
    pub shap: BTreeMap<String, Vec<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureImportance {
    pub feature: String,
    /// The archive's description with unit, e.g. "Orbital Period [days]".
    pub description: String,
    /// Mean over classes of the per-class mean |SHAP|.
    pub overall: f64,
    pub per_class: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelDetails {
    pub dataset: String,
    pub dataset_name: String,
    pub model: String,
    pub model_name: String,
    pub hyperparameters: BTreeMap<String, serde_json::Value>,
    pub seed: u64,
    pub features: Vec<String>,
    pub missing_values: String,
    pub split: String,
    pub train_rows: usize,
    pub test_rows: usize,
    pub train_stars: usize,
    pub test_stars: usize,
    pub structure: String,
    pub fit_seconds: f64,
    pub predict_ms: f64,
    pub explain_seconds: f64,
    /// How the explanations were computed (and, for estimators, their sampling budget).
    pub explanation_method: String,
    /// Caveats that belong next to these figures (for example K2's missingness leak).
    pub caveats: Vec<String>,
}

/// Everything a finished training produced (the JSON route returns it whole).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingResult {
    pub id: String,
    /// `None` when the test file had no labels: predictions and explanations only.
    pub metrics: Option<MetricsReport>,
    pub predictions: Vec<Prediction>,
    pub model_info: ModelDetails,
    /// Held-out objects per predicted class id.
    pub predicted_counts: BTreeMap<String, usize>,
    pub importance: ImportanceReport,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_validation: Option<CrossValidationReport>,
    /// Cross-mission transfer: the features whose distributions differ most between the
    /// training and the test mission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Vec<FeatureShiftInfo>>,
    /// A fine-tuning: the pretrained model and the fine-tuned one side by side.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine_tune: Option<FineTuneReport>,
}

/// What fine-tuning gained on the user's rows and lost (or gained) on NASA's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FineTuneReport {
    pub base_model: String,
    pub base_trees: usize,
    pub added_trees: usize,
    /// Your held-out rows, each mission's NASA held-out part, then NASA's three pooled;
    /// both models scored on exactly the same objects in each.
    pub comparisons: Vec<BeforeAfterInfo>,
    /// Rows of the file without a label (not used).
    pub unlabelled_rows: usize,
    /// Held-out rows of the file that the pretrained model learned from (left out: they
    /// would flatter "before").
    pub user_rows_left_out: usize,
    /// NASA held-out objects the fine-tuning learned from (left out of the NASA rows).
    pub nasa_objects_left_out: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BeforeAfterInfo {
    /// `your_table`, `kepler`, `tess`, `k2` or `nasa` (the three pooled).
    pub on: String,
    /// "Your held-out rows", "Kepler KOI held-out part", …
    pub label: String,
    pub objects: usize,
    pub before: ScoreSet,
    pub after: ScoreSet,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreSet {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub roc_auc: Option<f64>,
    pub log_loss: f64,
}

/// One feature's shift from the training mission to the test mission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureShiftInfo {
    pub feature: String,
    /// Kolmogorov–Smirnov distance of the present values (0 same, 1 disjoint).
    pub ks: f64,
    pub train_median: Option<f64>,
    pub test_median: Option<f64>,
    pub train_missing: f64,
    pub test_missing: f64,
}

/// The result page's summary: everything except the prediction rows, which are paged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultSummary {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shift: Option<Vec<FeatureShiftInfo>>,
    pub metrics: Option<MetricsReport>,
    pub model_info: ModelDetails,
    pub predicted_counts: BTreeMap<String, usize>,
    pub importance: ImportanceReport,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_validation: Option<CrossValidationReport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine_tune: Option<FineTuneReport>,
    /// What the reader may do with it (share, delete) and who shared it.
    #[serde(default)]
    pub access: super::account::ResultAccess,
}

/// Columns the predictions table can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PredictionSort {
    Id,
    Prediction,
    Confidence,
    Confirmed,
    Candidate,
    FalsePositive,
    Actual,
    Correct,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictionQuery {
    pub sort: PredictionSort,
    pub descending: bool,
    /// 0-based.
    pub page: usize,
    pub per_page: usize,
    /// Show only wrong predictions.
    #[serde(default)]
    pub only_errors: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictionPage {
    pub rows: Vec<Prediction>,
    pub total: usize,
    pub page: usize,
    pub per_page: usize,
}

impl PredictionPage {
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}

/// `POST /api/v1/predictions` (JSON): rows of column → value, by the archive's column names
/// (`koi_period`, `pl_orbper`, …) or the harmonised ones (`period`, `depth`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictRequest {
    /// `"pretrained"`.
    pub model: String,
    #[serde(default)]
    pub rows: Vec<BTreeMap<String, serde_json::Value>>,
    /// The mission of rows that do not say (`kepler`, `tess`, `k2`).
    #[serde(default)]
    pub mission: Option<String>,
    /// For a table that is neither an archive export nor on the harmonised names: which
    /// column holds each model input (`period`, `depth`, …) and, optionally, `id`, `label`,
    /// `mission`, `star`. Inputs left out are missing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<BTreeMap<String, String>>,
}

/// Predictions for every row, each with its explanation, and metrics over the rows that
/// carry a label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PredictionResponse {
    pub model: String,
    /// How the columns were read ("the archive's TESS TOI columns", "harmonised column names").
    pub read_as: String,
    /// The model's inputs, in order.
    pub features: Vec<String>,
    pub predictions: Vec<Prediction>,
    /// Over the rows with a label that the model did not learn from; absent when there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<MetricsReport>,
    /// Rows the metrics cover.
    pub labelled_rows: usize,
    /// Rows that are bundled objects the model learned from (left out of the metrics).
    pub seen_in_training: usize,
    /// What to keep in mind reading these predictions.
    pub notes: Vec<String>,
}

/// Held-out scores of the pretrained model on one mission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissionScoreInfo {
    pub mission: String,
    pub mission_name: String,
    pub test_objects: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub roc_auc: Option<f64>,
    pub log_loss: f64,
}

/// One input of the pretrained model, for the model card and the what-if form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureCard {
    pub name: String,
    pub description: String,
    pub unit: String,
    pub typical_low: f64,
    pub typical_high: f64,
    /// Per mission id, the archive column it is read from (absent: the mission lacks it).
    pub columns: BTreeMap<String, String>,
}

/// What the pretrained model is, how it was made, how good it is and where it is not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    pub model_name: String,
    pub variant: String,
    pub alternative_variant: String,
    pub seed: u64,
    pub test_fraction: f64,
    /// Per mission: name, table and download date.
    pub tables: Vec<(String, String)>,
    pub train_objects: BTreeMap<String, usize>,
    pub train_class_counts: BTreeMap<String, usize>,
    pub features: Vec<FeatureCard>,
    pub scores: Vec<MissionScoreInfo>,
    pub alternative_scores: Vec<MissionScoreInfo>,
    pub build_command: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(kind: &str) -> HyperparameterInfo {
        HyperparameterInfo {
            name: "n".into(),
            label: "N".into(),
            kind: kind.into(),
            default: 5.into(),
            min: Some(1.0),
            max: Some(10.0),
            options: vec!["a".into(), "b".into()],
            help: String::new(),
        }
    }

    #[test]
    fn form_validation_mirrors_server_rules() {
        assert_eq!(spec("integer").validate("7"), Ok(7.into()));
        assert!(spec("integer").validate("7.5").is_err());
        assert_eq!(spec("integer").validate("11"), Err("Must be between 1 and 10.".into()));
        assert!(spec("number").validate("NaN").is_err());
        assert_eq!(spec("choice").validate("b"), Ok("b".into()));
        assert!(spec("choice").validate("c").is_err());
        assert_eq!(spec("boolean").validate("false"), Ok(false.into()));
    }

    #[test]
    fn reasons_read_as_sentences() {
        let r = Reason::new("koi_model_snr", Some(12.3), 0.2149, "false_positive");
        assert_eq!(r.text, "koi_model_snr = 12.3 pushes toward false positive by 0.21");
        let r = Reason::new("koi_prad", None, -0.05, "confirmed");
        assert_eq!(r.text, "koi_prad = missing pushes away from confirmed by 0.05");
        assert_eq!(short_number(2459229.63), "2.459e6");
        assert_eq!(short_number(0.000123), "1.230e-4");
        assert_eq!(short_number(656.886), "656.9");
        assert_eq!(short_number(2.5), "2.5");
    }

    #[test]
    fn train_request_defaults() {
        let r: TrainRequest = serde_json::from_str(r#"{"dataset":"kepler","model":"random_forest"}"#).unwrap();
        assert_eq!(r.seed, 42);
        assert_eq!(r.test_fraction, 0.2);
        assert!(r.hyperparameters.is_empty());
    }
}
