//! The training run itself: prepare the data, fit, cross-validate, predict and explain.

use std::time::Instant;

use crate::ml::calibrator::{Calibrator, ProbabilityScores};
use crate::ml::dataset::count_classes;
use crate::ml::error::{MlError, Result};
use crate::ml::explain::explain;
use crate::ml::metrics::evaluate;
use crate::ml::models::cost::{check_budget, process_budget_mb};
use crate::ml::models::TrainedModel;
use crate::ml::progress::{ProgressSink, ProgressSlice};
use crate::ml::shift::feature_shifts;
use crate::ml::tuning::{check_tuning_budget, tune};
use crate::ml::ClassLabel;

use super::calibration_slice::{fit_part, CalibratedOutcome};
use super::config::{TrainingConfig, TrainingJob};
use super::cross_validation::cross_validate;
use super::outcome::{HeldOutPrediction, TrainingOutcome};
use super::prepare::prepare;

pub fn run(config: &TrainingConfig, sink: &dyn ProgressSink) -> Result<TrainingOutcome> {
    run_with(config, sink, &mut |_| {})
}

/// [`run`], handing `predicted` the outcome as soon as the held-out objects are predicted
/// and scored (its `explanations` still `None`), before the explanations that can take
/// many times as long as the fit: the server shows scores and predictions from it while
/// the explanations are computed. A fine-tuning explains little and is handed nothing.
pub fn run_with(
    config: &TrainingConfig,
    sink: &dyn ProgressSink,
    predicted: &mut dyn FnMut(&TrainingOutcome),
) -> Result<TrainingOutcome> {
    let setup = match &config.job {
        TrainingJob::FineTune(job) => return crate::ml::fine_tune::run(&job.base, &job.config, sink),
        TrainingJob::Train { model, .. } | TrainingJob::Transfer { model, .. } => model,
    };
    let check = || if sink.is_cancelled() { Err(MlError::Cancelled) } else { Ok(()) };
    let data = prepare(config, sink)?;
    // Checked before queueing too; again here, so a training queued under other limits (or
    // by an older server) can never allocate past the budget.
    check_budget(&setup.params, &data.shape(setup.cross_validation), process_budget_mb())?;
    if let Some(settings) = &setup.tune {
        // Every trial's settings must fit the same budget (the widest draw of each range).
        check_tuning_budget(setup.params.kind(), settings, config.seed, &data.shape(true))?;
    }
    let (x_train, y_train, x_test) = (&data.x_train, &data.y_train, &data.x_test);
    check()?;
    // A calibrated training learns from the training part less the slice it calibrates on.
    let fit = fit_part(x_train, y_train, &data.train_groups, setup.calibrate, config.seed)?;

    // Tuning takes most of the bar when asked for: each trial is a 5-fold cross-validation.
    let fit_start = if setup.tune.is_some() { 0.6 } else { 0.08 };
    let tuning = match &setup.tune {
        Some(settings) => {
            let slice = ProgressSlice { sink, start: 0.08, end: fit_start };
            Some(tune(setup.params.kind(), settings, &fit.x, &fit.y, &fit.groups, config.seed, &slice)?)
        }
        None => None,
    };
    let params = tuning.as_ref().map_or(&setup.params, |t| &t.best_params);
    let fit_end = if setup.cross_validation { fit_start + (0.85 - fit_start) * 0.4 } else { 0.85 };
    let fit_slice = ProgressSlice { sink, start: fit_start, end: fit_end };
    let started = Instant::now();
    let model = TrainedModel::fit(params, &fit.x, &fit.y, config.seed, &fit_slice)?;
    let fit_seconds = started.elapsed().as_secs_f64();
    check()?;
    let calibrator = fit.slice.as_ref().map(|slice| {
        sink.report(fit_end, &format!("Calibrating on {} held-back objects", slice.y.len()));
        Calibrator::fit(slice.method, &slice.y, &model.predict_proba(&slice.x))
    });

    let cross_validation = if setup.cross_validation {
        let progress = ProgressSlice { sink, start: fit_end, end: 0.85 };
        Some(cross_validate(params, config.seed, x_train, y_train, &data.train_groups, &progress)?)
    } else {
        None
    };

    let shift = matches!(config.job, TrainingJob::Transfer { .. })
        .then(|| feature_shifts(&data.feature_names, x_train, x_test));
    let test_rows = data.test_ids.len();
    sink.report(
        0.85,
        &format!("{} {test_rows} held-out objects", if data.y_test.is_some() { "Evaluating on" } else { "Predicting" }),
    );
    let started = Instant::now();
    let raw = model.predict_proba(x_test);
    let probabilities = match &calibrator {
        Some(c) => c.apply_all(&raw),
        None => raw.clone(),
    };
    let predict_ms = started.elapsed().as_secs_f64() * 1000.0;
    let calibrated = calibrator.map(|calibrator| {
        let slice = fit.slice.as_ref().expect("a calibrator comes from a slice");
        let scores = |p: &[[f64; 3]]| data.y_test.as_ref().map(|y| ProbabilityScores::of(y, p));
        CalibratedOutcome {
            before: scores(&raw),
            after: scores(&probabilities),
            calibrator,
            slice_rows: slice.y.len(),
            slice_stars: slice.stars,
        }
    });
    let metrics = data.y_test.as_ref().map(|y| evaluate(y, &probabilities));
    let temporal = data.temporal.clone().map(|super::prepare::TemporalPart { cutoff, date_column, split }| {
        let p_confirmed: Vec<f64> = probabilities.iter().map(|p| p[ClassLabel::Confirmed.index()]).collect();
        let ranking = data.y_test.as_ref().and_then(|y| crate::ml::temporal::ranking_quality(y, &p_confirmed));
        super::outcome::TemporalOutcome { cutoff, date_column, split, ranking }
    });
    let predictions = probabilities
        .into_iter()
        .enumerate()
        .map(|(i, probabilities)| HeldOutPrediction {
            id: data.test_ids[i].clone(),
            actual: data.y_test.as_ref().map(|y| y[i]),
            probabilities,
        })
        .collect();

    let mut outcome = TrainingOutcome {
        model_kind: params.kind(),
        metrics,
        predictions,
        explanations: None,
        explain_seconds: 0.0,
        train_rows: fit.y.len(),
        test_rows,
        train_stars: fit.groups.iter().collect::<std::collections::HashSet<_>>().len(),
        test_stars: data.test_stars,
        train_class_counts: count_classes(fit.y.iter().copied()),
        dataset_name: data.name,
        feature_names: data.feature_names,
        feature_descriptions: data.feature_descriptions,
        test_features: data.x_test,
        fit_seconds,
        predict_ms,
        model_summary: model.summary(),
        model,
        cross_validation,
        shift,
        fine_tune: None,
        temporal,
        calibrated,
        tuning,
    };
    check()?;
    predicted(&outcome);

    let explain_slice = ProgressSlice { sink, start: 0.87, end: 0.99 };
    explain_slice.report(0.0, "Explaining predictions");
    let started = Instant::now();
    let explanations = explain(&outcome.model, &outcome.test_features, &fit.x, config.seed, &explain_slice);
    outcome.explain_seconds = started.elapsed().as_secs_f64();
    outcome.explanations = Some(explanations);
    check()?;

    sink.report(1.0, "Done");
    Ok(outcome)
}
