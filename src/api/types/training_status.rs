//! A training's life: queued to finished, as lists and the progress page show it.

use serde::{Deserialize, Serialize};

use crate::domain::DatasetRef;

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
    pub dataset: DatasetRef,
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
    pub dataset: DatasetRef,
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
    /// Seconds it has run: since it started while it runs, its whole run once finished;
    /// absent before it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed_s: Option<f64>,
    /// Estimated seconds left while it runs, from the rate its progress (trees, rounds,
    /// epochs) moved so far; absent until that rate means something (10 % done, 3 s run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eta_s: Option<f64>,
    /// Estimated seconds until a worker takes it, while queued: the running trainings' time
    /// left, then the typical duration of recent trainings for each one ahead of it; absent
    /// when those are not known yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_wait_s: Option<f64>,
    /// Whether the result page has something to show: true once completed, and already
    /// while it runs once its scores and predictions exist (its explanations follow).
    #[serde(default)]
    pub result_ready: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
}
