//! The optional 5-fold cross-validation on the training part, and its per-fold scores.

use crate::ml::error::{MlError, Result};
use crate::ml::metrics::evaluate;
use crate::ml::models::TrainedModel;
use crate::ml::progress::{Prefixed, ProgressSlice};
use crate::ml::split::assign_folds;
use crate::ml::ClassLabel;

use crate::ml::models::ModelParams;

/// Folds of the optional cross-validation.
pub const CV_FOLDS: usize = 5;

/// Scores of one cross-validation fold (trained on the other folds of the training part).
#[derive(Debug, Clone, PartialEq)]
pub struct FoldScore {
    pub rows: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub weighted_f1: f64,
    pub roc_auc: Option<f64>,
    pub log_loss: f64,
}

/// Mean and (population) standard deviation of a list of values.
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len().max(1) as f64;
    let mean = values.iter().sum::<f64>() / n;
    (mean, (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt())
}

/// 5-fold cross-validation on the training part, folds grouped by star and stratified, each
/// fold's model fitted with the same hyperparameters and seed on the other four.
pub fn cross_validate(
    params: &ModelParams,
    seed: u64,
    x: &ndarray::Array2<f64>,
    y: &[ClassLabel],
    groups: &[String],
    progress: &ProgressSlice,
) -> Result<Vec<FoldScore>> {
    let (sink, start, end) = (progress.sink, progress.start, progress.end);
    let fold_of_row = assign_folds(y, groups, CV_FOLDS, seed)?;
    let mut scores = Vec::with_capacity(CV_FOLDS);
    for fold in 0..CV_FOLDS {
        if sink.is_cancelled() {
            return Err(MlError::Cancelled);
        }
        let (held, kept): (Vec<usize>, Vec<usize>) = (0..y.len()).partition(|&i| fold_of_row[i] == fold);
        let width = (end - start) / CV_FOLDS as f64;
        let slice = ProgressSlice { sink, start: start + width * fold as f64, end: start + width * (fold + 1) as f64 };
        let prefixed = Prefixed::new(&slice, format!("Cross-validation fold {}/{CV_FOLDS}: ", fold + 1));
        let slice = ProgressSlice { sink: &prefixed, start: 0.0, end: 1.0 };
        let x_fit = x.select(ndarray::Axis(0), &kept);
        let y_fit: Vec<ClassLabel> = kept.iter().map(|&i| y[i]).collect();
        let model = TrainedModel::fit(params, &x_fit, &y_fit, seed, &slice)?;
        let x_held = x.select(ndarray::Axis(0), &held);
        let y_held: Vec<ClassLabel> = held.iter().map(|&i| y[i]).collect();
        let m = evaluate(&y_held, &model.predict_proba(&x_held));
        scores.push(FoldScore {
            rows: held.len(),
            accuracy: m.accuracy,
            macro_f1: m.macro_f1,
            weighted_f1: m.weighted_f1,
            roc_auc: m.roc_auc_macro,
            log_loss: m.log_loss,
        });
    }
    Ok(scores)
}
