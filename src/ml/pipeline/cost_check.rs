//! The cost check: everything that can be known about a training before it runs.

use crate::ml::error::Result;
use crate::ml::models::cost::{check_budget, process_budget_mb, DataShape, TrainingCost};
use crate::ml::models::ModelParams;
use crate::ml::progress::SilentProgress;

use super::config::{TrainingConfig, TrainingJob};
use super::prepare::prepare;

/// Everything that can be known about a training before it runs: its data load (so a bad
/// upload is named now), and its estimated memory within `EXO_MAX_TRAINING_MB`. Returns the
/// estimate. Reads the tables (tens of milliseconds for the bundled ones): call it off the
/// async threads.
pub fn check_training(config: &TrainingConfig) -> Result<TrainingCost> {
    let setup = match &config.job {
        TrainingJob::Train { model, .. } | TrainingJob::Transfer { model, .. } => model,
        TrainingJob::FineTune(job) => {
            let (objects, _) = crate::ml::fine_tune::read_labelled_rows(&job.config.file, job.config.columns.as_ref())?;
            let rows = objects.x.nrows();
            let shape =
                DataShape { train_rows: rows, test_rows: rows, features: objects.x.ncols(), cross_validation: false };
            return check_budget(
                &ModelParams::GradientBoosting(job.config.params.clone()),
                &shape,
                process_budget_mb(),
            );
        }
    };
    let data = prepare(config, &SilentProgress)?;
    let cost = check_budget(&setup.params, &data.shape(setup.cross_validation), process_budget_mb())?;
    match &setup.tune {
        None => Ok(cost),
        Some(settings) => {
            let tuning =
                crate::ml::tuning::check_tuning_budget(setup.params.kind(), settings, config.seed, &data.shape(true))?;
            Ok(TrainingCost {
                work: cost.work + tuning.work,
                peak_bytes: cost.peak_bytes.max(tuning.peak_bytes),
                ..cost
            })
        }
    }
}
