//! The operations of the app, written once and called by both the server functions (for
//! the pages) and the JSON routes (for scripts).

mod access;
mod decision;
mod eta;
mod managing;
mod purging;
mod reading;
mod score_explanations;
mod starting;
mod training_config;
mod with_files;

pub use decision::{decision_at, decision_scores, save_threshold};
pub use managing::{cancel, delete_training, model_file, share};
pub use purging::{purge, PurgeReport, PurgeRequest};
pub use reading::{importance, list_trainings, page_of, predictions, progress, result, summary};
pub use score_explanations::result_in_scores;
pub use starting::{list_datasets, list_models, start_training};
pub use training_config::{training_config, FINE_TUNE_ROUNDS};
pub use with_files::{start_with_files, SentFile, SentFiles};
