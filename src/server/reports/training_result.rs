//! A finished training's result: the report (model details, split in words, caveats,
//! scores, importance, shift) and its prediction rows.

use std::collections::BTreeMap;

use super::importance::importance_report;
use super::metrics::{cross_validation_report, fine_tune_report, metrics_report};
use super::model_info::{effective_hyperparameters, with_defaults};
use super::prediction_rows::prediction_rows;
use crate::api::*;
use crate::ml::pipeline::TrainingOutcome;
use crate::ml::{ClassLabel, Mission};
use crate::server::store::UploadedFiles;

/// The result of a finished training; `upload`: the tables it was trained on, when they were the user's.
pub fn training_result(
    id: &str,
    request: &TrainRequest,
    upload: Option<&UploadedFiles>,
    outcome: &TrainingOutcome,
) -> TrainingResult {
    let mission = Mission::from_id(&request.dataset).unwrap_or(Mission::Kepler);
    let features = &outcome.feature_names;
    let explained = &outcome.explanations;
    let ids: Vec<String> = outcome.predictions.iter().map(|p| p.id.clone()).collect();
    let actual: Vec<Option<ClassLabel>> = outcome.predictions.iter().map(|p| p.actual).collect();
    let probabilities: Vec<[f64; ClassLabel::COUNT]> = outcome.predictions.iter().map(|p| p.probabilities).collect();
    let predictions =
        prediction_rows(&ids, &actual, &probabilities, &outcome.test_features, features, explained.as_ref());
    let mut predicted_counts: BTreeMap<ClassLabel, usize> = ClassLabel::ALL.iter().map(|c| (*c, 0)).collect();
    for p in &predictions {
        *predicted_counts.entry(p.prediction).or_default() += 1;
    }
    let model_info = ModelDetails {
        dataset: if upload.is_some() { DatasetRef::Upload } else { DatasetRef::Mission(mission) },
        dataset_name: outcome.dataset_name.clone(),
        model: outcome.model_kind.id().into(),
        model_name: if outcome.fine_tune.is_some() {
            format!("{}, fine-tuned from the pretrained model", outcome.model_kind.name())
        } else {
            outcome.model_kind.name().into()
        },
        hyperparameters: match &outcome.tuning {
            Some(t) => with_defaults(outcome.model_kind, &t.trials[t.best].hyperparameters),
            None => effective_hyperparameters(outcome.model_kind, request),
        },
        seed: request.seed,
        features: outcome.feature_names.clone(),
        feature_set: request.feature_set.filter(|_| upload.is_none()),
        missing_values: outcome.model_kind.missing_values().into(),
        split: match &outcome.calibrated {
            None => split_description(request, upload, outcome, mission),
            Some(c) => format!(
                "{} Of the training part, {} objects ({} host stars) were held back to calibrate the probabilities; the model learned from the other {}.",
                split_description(request, upload, outcome, mission),
                c.slice_rows,
                c.slice_stars,
                outcome.train_rows
            ),
        },
        train_rows: outcome.train_rows,
        test_rows: outcome.test_rows,
        train_stars: outcome.train_stars,
        test_stars: outcome.test_stars,
        structure: outcome.model_summary.clone(),
        fit_seconds: outcome.fit_seconds,
        explain_seconds: outcome.explain_seconds,
        explanation_method: explained.as_ref().map(|e| e.method.clone()).unwrap_or_default(),
        predict_ms: outcome.predict_ms,
        caveats: if upload.is_some() { upload_caveats(request, outcome) } else { caveats(mission) },
    };
    let report = ResultReport {
        id: id.into(),
        metrics: outcome.metrics.as_ref().map(metrics_report),
        model_info,
        predicted_counts,
        importance: importance_report(outcome),
        cross_validation: outcome.cross_validation.as_deref().map(cross_validation_report),
        shift: outcome.shift.as_ref().map(|all| {
            all.iter()
                .take(6)
                .map(|f| FeatureShiftInfo {
                    feature: f.feature.clone(),
                    ks: f.ks,
                    train_median: f.source_median,
                    test_median: f.target_median,
                    train_missing: f.source_missing,
                    test_missing: f.target_missing,
                })
                .collect()
        }),
        fine_tune: outcome.fine_tune.as_ref().map(fine_tune_report),
        explaining: explained.is_none(),
        temporal: outcome.temporal.as_ref().map(temporal_report),
        calibrated: outcome.calibrated.as_ref().map(recalibration_report),
        tuning: outcome.tuning.as_ref().map(|t| tuning_report(outcome.model_kind, t)),
    };
    TrainingResult { report, predictions }
}

fn tuning_report(kind: crate::ml::models::ModelKind, t: &crate::ml::tuning::TuningOutcome) -> TuningReport {
    let best = &t.trials[t.best];
    TuningReport {
        method: t.method,
        scoring: format!(
            "Macro-F1 of grouped 5-fold cross-validation on the training part (whole stars per fold, seeded); the held-out objects are scored only once, by the winner.{}",
            if t.method == crate::domain::TuneMethod::Halving {
                " Successive halving: every setting first on a share of the stars, the best third of each round on three times as many."
            } else {
                ""
            }
        ),
        trials: t
            .trials
            .iter()
            .enumerate()
            .map(|(i, trial)| TrialReport {
                number: trial.number,
                hyperparameters: trial.hyperparameters.clone(),
                round: trial.rung + 1,
                stars_share: trial.stars_share,
                rows: trial.rows,
                cv_macro_f1_mean: trial.cv_mean,
                cv_macro_f1_std: trial.cv_std,
                seconds: trial.seconds,
                best: i == t.best,
            })
            .collect(),
        best_hyperparameters: with_defaults(kind, &best.hyperparameters),
        best_trial: best.number,
        stopped_early: t.stopped_early,
        seconds: t.trials.iter().map(|t| t.seconds).sum(),
    }
}

fn recalibration_report(c: &crate::ml::pipeline::CalibratedOutcome) -> RecalibrationReport {
    let scores = |s: &crate::ml::calibrator::ProbabilityScores| ProbabilityScoreSet {
        log_loss: s.log_loss,
        brier: s.brier,
        ece: s.ece,
    };
    RecalibrationReport {
        method: c.calibrator.method(),
        slice_objects: c.slice_rows,
        slice_stars: c.slice_stars,
        temperature: match c.calibrator {
            crate::ml::calibrator::Calibrator::Platt { temperature } => Some(temperature),
            crate::ml::calibrator::Calibrator::Isotonic { .. } => None,
        },
        before: c.before.as_ref().map(scores),
        after: c.after.as_ref().map(scores),
    }
}

fn temporal_report(t: &crate::ml::pipeline::TemporalOutcome) -> crate::api::TemporalSplitReport {
    let column = t.date_column.as_str();
    crate::api::TemporalSplitReport {
        cutoff: t.cutoff.as_str().to_string(),
        date_column: column.to_string(),
        train_objects: t.split.split.train.len(),
        test_objects: t.split.split.test.len(),
        still_open: t.split.still_open,
        undated: t.split.undated,
        shared_star: t.split.shared_star,
        ranking: t.ranking.as_ref().map(crate::server::sky::figures),
        notes: crate::server::sky::notes(column),
    }
}

/// How the test objects were chosen, in words.
fn split_description(
    request: &TrainRequest,
    upload: Option<&UploadedFiles>,
    outcome: &TrainingOutcome,
    mission: Mission,
) -> String {
    if let Some(t) = &outcome.temporal {
        return format!(
            "Temporal split at {}: trained on the {} objects whose row was last updated before it (any class; {} left out because their star has a test object), tested on the {} objects updated on or after it that are now confirmed or false positives; {} objects updated after it are still open and in neither part.",
            t.cutoff.as_str(),
            outcome.train_rows,
            t.split.shared_star,
            outcome.test_rows,
            t.split.still_open
        );
    }
    if let (Some(f), Some(files)) = (&outcome.fine_tune, upload) {
        let mut text = format!(
            "Fine-tuning: {} split by host star (or by row when it has no star column), stratified by class, seed {}: the pretrained model continued boosting on {} rows ({} stars) and both models are scored on {} held-out rows ({} stars).",
            files.train_name, request.seed, outcome.train_rows, outcome.train_stars, outcome.test_rows, outcome.test_stars
        );
        if f.user_rows_left_out > 0 {
            text.push_str(&format!(
                " {} held-out rows are objects the pretrained model learned from and are left out.",
                f.user_rows_left_out
            ));
        }
        return text;
    }
    match upload {
        Some(files) if files.test_name.is_some() => format!(
            "Trained on {} ({} objects), tested on {} ({} objects), as uploaded: the two files decide which objects are held out.",
            files.train_name, outcome.train_rows, files.test_name.clone().unwrap_or_default(), outcome.test_rows
        ),
        Some(files) => {
            let groups = match request.mapping.as_ref().and_then(|m| m.group_column.clone()) {
                Some(column) => format!("grouped by '{column}'"),
                None if request.mapping.is_none() => "grouped by host star".into(),
                None => "one group per row (no star column chosen)".into(),
            };
            format!(
                "{} split {groups}, stratified by class, seed {}: {} training objects ({} groups), {} test objects ({} groups); no group is on both sides.",
                files.train_name, request.seed, outcome.train_rows, outcome.train_stars, outcome.test_rows, outcome.test_stars
            )
        }
        None if request.transfer_to.is_some() => format!(
            "Cross-mission transfer: trained on the training part of {} ({} objects, {} stars), tested on the held-out part of {} ({} objects, {} stars); each table split by its own stars, seed {}, on the harmonised features. Stars seen by two missions cannot be matched across their catalogues.",
            mission.table_name(), outcome.train_rows, outcome.train_stars,
            request.transfer_to.as_deref().and_then(Mission::from_id).map(|m| m.table_name()).unwrap_or(""), outcome.test_rows, outcome.test_stars, request.seed
        ),
        None => format!(
            "Grouped by host star ({}), stratified by class, seed {}: {} training objects ({} stars), {} test objects ({} stars); no star is on both sides.",
            mission.group_column(), request.seed, outcome.train_rows, outcome.train_stars, outcome.test_rows, outcome.test_stars
        ),
    }
}

fn upload_caveats(request: &TrainRequest, outcome: &TrainingOutcome) -> Vec<String> {
    if let Some(f) = &outcome.fine_tune {
        let mut notes = vec![
            "Fine-tuning adapts the model to your rows; the NASA rows of the comparison show what it may have unlearned. Your figures are only as good as your labels.".to_string(),
        ];
        if f.unlabelled_rows > 0 {
            notes.push(format!("{} rows of your file have no label and were not used.", f.unlabelled_rows));
        }
        if f.nasa_objects_left_out > 0 {
            notes.push(format!(
                "{} NASA held-out objects are in your training part (your file includes archive objects), so they are left out of the NASA comparison.",
                f.nasa_objects_left_out
            ));
        }
        return notes;
    }
    let mut notes = vec!["Your own table: the figures are only as good as its labels, and rows of one star on both sides of the split would flatter them.".to_string()];
    if outcome.metrics.is_none() {
        notes.push("The test file has no labels (its label column is missing or empty), so this result has predictions and explanations but no scores.".into());
    }
    if request.mapping.as_ref().is_some_and(|m| m.group_column.is_none()) {
        notes.push("No star column was chosen, so each row is its own group: planets of one star may sit on both sides of the split.".into());
    }
    notes
}

/// What a user should keep in mind when reading this mission's figures.
fn caveats(mission: Mission) -> Vec<String> {
    let mut notes = vec!["Candidates are the hard class: they are unresolved signals, and many will later become confirmed planets or false positives.".to_string()];
    match mission {
        Mission::K2 => notes.push("On K2, which cells are empty depends on the reference paper, and that alone predicts the label: a forest that sees only the missing-value pattern reaches accuracy 0.80 (majority class: 0.54). Read K2 figures with that in mind.".into()),
        Mission::Tess => notes.push("About two thirds of TESS objects are candidates: always answering 'candidate' already scores accuracy 0.665.".into()),
        Mission::Kepler => {}
    }
    notes
}
