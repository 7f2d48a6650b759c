//! One training run, start to finish: load → split → fit → evaluate.
//! Reports progress at every stage and returns plain results.
//!
//! `config` holds what a run is asked to do, `prepare` loads and splits the data, `run` fits,
//! predicts and explains, `calibration_slice` holds back what a calibrated training calibrates on, `cross_validation` scores the optional folds, `held_out_scores` scores without explaining, `cost_check` vets a
//! training before it is queued, and `outcome` holds what a run returns.

mod calibration_slice;
mod config;
mod cost_check;
mod cross_validation;
mod held_out_scores;
mod outcome;
mod prepare;
mod run;

#[cfg(test)]
mod quality;
#[cfg(test)]
mod tests;

pub use calibration_slice::{CalibratedOutcome, CALIBRATION_FRACTION};
pub use config::{DataSource, FineTuneJob, ModelSetup, SplitRule, TrainingConfig, TrainingJob, UploadSource};
pub use cost_check::check_training;
pub use cross_validation::{cross_validate, mean_std, FoldScore, CV_FOLDS};
pub use held_out_scores::{held_out_scores, HeldOutScores};
pub use outcome::{HeldOutPrediction, TemporalOutcome, TrainingOutcome};
pub use prepare::TestFile;
pub use run::{run, run_with};
