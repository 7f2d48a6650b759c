//! One fine-tuning run: split the user's rows by host star, continue boosting from the
//! pretrained model, score both models, explain the fine-tuned one's predictions.

use std::collections::HashSet;
use std::time::Instant;

use ndarray::Array2;

use super::comparison::{nasa_comparisons, scores, BeforeAfter};
use super::labelled_rows::read_labelled_rows;
use crate::domain::ScoredOn;
use crate::ml::dataset::count_classes;
use crate::ml::error::{MlError, Result};
use crate::ml::explain::explain;
use crate::ml::metrics::evaluate;
use crate::ml::models::gradient_boosting::{BoostingParams, GradientBoosting};
use crate::ml::models::TrainedModel;
use crate::ml::pipeline::{HeldOutPrediction, TrainingOutcome};
use crate::ml::predict::ColumnChoice;
use crate::ml::pretrained::{MissionScore, PretrainedModel};
use crate::ml::progress::{ProgressSink, ProgressSlice};
use crate::ml::split::grouped_stratified_split;
use crate::ml::upload::TableFile;
use crate::ml::ClassLabel;

/// What a fine-tuning run needs besides the base model.
#[derive(Debug, Clone)]
pub struct FineTuneConfig {
    /// The user's file: the name they gave it (for messages) and its bytes.
    pub file: TableFile,
    /// Which column holds what, for a table that is neither an archive export nor on the
    /// harmonised names.
    pub columns: Option<ColumnChoice>,
    pub params: BoostingParams,
    pub seed: u64,
    pub test_fraction: f64,
    /// Folder holding the bundled NASA tables (for the NASA comparison).
    pub data_dir: std::path::PathBuf,
}

/// Everything the result page shows about a fine-tuning besides the usual result.
#[derive(Debug, Clone)]
pub struct FineTuneOutcome {
    /// The fine-tuned model in the shipped model's format (features, mission handling, the
    /// ids it learned from), saved as the training's model file.
    pub model: PretrainedModel,
    /// Your held-out rows first, then each mission's NASA held-out part, then NASA pooled.
    pub comparisons: Vec<BeforeAfter>,
    pub base_trees: usize,
    pub added_trees: usize,
    pub unlabelled_rows: usize,
    /// Held-out rows of the user's table that the shipped model learned from (left out).
    pub user_rows_left_out: usize,
    /// NASA held-out objects the fine-tuning learned from (left out of the NASA comparison).
    pub nasa_objects_left_out: usize,
}

fn booster(model: &TrainedModel) -> Result<&GradientBoosting> {
    match model {
        TrainedModel::GradientBoosting(b) => Ok(b),
        _ => {
            Err(MlError::Training("only a gradient-boosted model can be fine-tuned by continuing its boosting".into()))
        }
    }
}

/// Fine-tunes `base` on the user's file; the outcome is a training result (the user's
/// held-out rows predicted and explained by the fine-tuned model) plus the comparison.
pub fn run(base: &PretrainedModel, config: &FineTuneConfig, sink: &dyn ProgressSink) -> Result<TrainingOutcome> {
    let check = || if sink.is_cancelled() { Err(MlError::Cancelled) } else { Ok(()) };
    let name = &config.file.name;
    sink.report(0.0, &format!("Reading {name}"));
    let (rows, unlabelled_rows) = read_labelled_rows(&config.file, config.columns.as_ref())?;
    let labels: Vec<ClassLabel> = rows.labels.iter().map(|l| l.expect("labelled rows only")).collect();
    sink.report(0.04, &format!("Splitting {} labelled rows by host star (seed {})", labels.len(), config.seed));
    let split = grouped_stratified_split(&labels, &rows.groups, config.test_fraction, config.seed)?;
    let train = rows.select(&split.train);
    // Held-out rows the shipped model learned from would flatter "before": left out.
    let (test_rows, seen): (Vec<usize>, Vec<usize>) =
        split.test.iter().partition(|&&i| !base.learned_from(rows.missions[i], &rows.ids[i]));
    if test_rows.is_empty() {
        return Err(MlError::Training(format!(
            "every held-out row of {name} is an object the pretrained model learned from, so no fair before/after is possible; use a larger test fraction or another seed"
        )));
    }
    let test = rows.select(&test_rows);
    let y_train: Vec<ClassLabel> = train.labels.iter().map(|l| l.expect("labelled")).collect();
    let y_test: Vec<ClassLabel> = test.labels.iter().map(|l| l.expect("labelled")).collect();
    let x_train = base.model_input_per_row(&train.x, &train.missions);
    let x_test = base.model_input_per_row(&test.x, &test.missions);
    check()?;

    let base_booster = booster(&base.model)?;
    let fit_slice = ProgressSlice { sink, start: 0.06, end: 0.75 };
    fit_slice.report(0.0, &format!("Continuing boosting from the pretrained model on {} rows", y_train.len()));
    let started = Instant::now();
    let tuned_booster =
        GradientBoosting::fit_from(base_booster, &config.params, &x_train, &y_train, config.seed, &fit_slice)?;
    let fit_seconds = started.elapsed().as_secs_f64();
    let added_trees = tuned_booster.trees.len() - base_booster.trees.len();
    let mut tuned = PretrainedModel { model: TrainedModel::GradientBoosting(tuned_booster), ..base.clone() };
    // Its later predictions leave the user's training rows out of metrics, as the base's.
    tuned.add_train_ids(train.missions.iter().copied().zip(train.ids.iter().map(String::as_str)));
    check()?;

    sink.report(0.76, &format!("Scoring both models on {} held-out rows of {name}", y_test.len()));
    let started = Instant::now();
    let after = tuned.predict_proba_per_row(&test.x, &test.missions);
    let predict_ms = started.elapsed().as_secs_f64() * 1000.0;
    let before = base.predict_proba_per_row(&test.x, &test.missions);
    let mut comparisons = vec![BeforeAfter {
        on: ScoredOn::YourTable,
        objects: y_test.len(),
        before: scores(&y_test, &before),
        after: scores(&y_test, &after),
    }];

    sink.report(0.8, "Scoring both models on NASA's held-out objects");
    let (nasa, nasa_objects_left_out) = nasa_comparisons(base, &tuned, &config.data_dir)?;
    // The saved model's own record of its NASA scores (as the shipped model's file has).
    tuned.scores = nasa
        .iter()
        .filter_map(|c| match c.on {
            ScoredOn::Mission(mission) => Some((mission, c)),
            _ => None,
        })
        .map(|(mission, c)| MissionScore {
            mission,
            test_objects: c.objects,
            accuracy: c.after.accuracy,
            macro_f1: c.after.macro_f1,
            roc_auc: c.after.roc_auc,
            log_loss: c.after.log_loss,
            brier: None,
            ece: None,
        })
        .collect();
    comparisons.extend(nasa);
    check()?;

    let explain_slice = ProgressSlice { sink, start: 0.88, end: 0.99 };
    explain_slice.report(0.0, "Explaining the fine-tuned model's predictions");
    let started = Instant::now();
    let empty = Array2::<f64>::zeros((0, x_test.ncols()));
    let explanations = explain(&tuned.model, &x_test, &empty, config.seed, &explain_slice);
    let explain_seconds = started.elapsed().as_secs_f64();
    check()?;

    let metrics = evaluate(&y_test, &after);
    let predictions = (0..y_test.len())
        .map(|i| HeldOutPrediction { id: test.ids[i].clone(), actual: Some(y_test[i]), probabilities: after[i] })
        .collect();
    let feature_descriptions = tuned.feature_descriptions();
    sink.report(1.0, "Done");
    Ok(TrainingOutcome {
        dataset_name: name.clone(),
        model_kind: crate::ml::models::ModelKind::GradientBoosting,
        metrics: Some(metrics),
        predictions,
        feature_names: tuned.features.clone(),
        feature_descriptions,
        test_features: x_test,
        explanations: Some(explanations),
        explain_seconds,
        train_rows: y_train.len(),
        test_rows: y_test.len(),
        train_stars: train.groups.iter().collect::<HashSet<_>>().len(),
        test_stars: test.groups.iter().collect::<HashSet<_>>().len(),
        train_class_counts: count_classes(y_train.iter().copied()),
        fit_seconds,
        predict_ms,
        model_summary: format!(
            "{} trees of the pretrained model + {added_trees} new ({} rounds)",
            base_booster.trees.len(),
            config.params.n_rounds
        ),
        model: tuned.model.clone(),
        cross_validation: None,
        shift: None,
        fine_tune: Some(FineTuneOutcome {
            base_trees: base_booster.trees.len(),
            added_trees,
            unlabelled_rows,
            user_rows_left_out: seen.len(),
            nasa_objects_left_out,
            comparisons,
            model: tuned,
        }),
        temporal: None,
        calibrated: None,
        tuning: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::progress::SilentProgress;
    use crate::ml::Mission;
    use std::path::PathBuf;

    fn root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    fn params(rounds: u64) -> BoostingParams {
        BoostingParams::check(&serde_json::from_value(serde_json::json!({"n_rounds": rounds})).unwrap()).unwrap()
    }

    /// Fine-tuning on the archive's K2 export with another seed than the shipped model's:
    /// the user's held-out rows that the shipped model learned from are left out, NASA's
    /// K2 held-out objects that the fine-tuning learned from are left out of the NASA rows,
    /// and "before" is exactly the shipped model on the same objects.
    #[test]
    fn fine_tuning_on_the_k2_export_compares_both_models_on_the_same_objects() {
        let base = crate::ml::pretrained::load(&root().join(crate::ml::pretrained::FILE)).unwrap();
        let config = FineTuneConfig {
            file: TableFile::read(&root().join("data/k2pandc.csv")).unwrap(),
            columns: None,
            params: params(20),
            seed: 7,
            test_fraction: 0.2,
            data_dir: root().join("data"),
        };
        let outcome = run(&base, &config, &SilentProgress).unwrap();
        let f = outcome.fine_tune.as_ref().unwrap();
        let on: Vec<&str> = f.comparisons.iter().map(|c| c.on.as_str()).collect();
        assert_eq!(on, ["your_table", "kepler", "tess", "k2", "nasa"]);
        assert!(
            f.user_rows_left_out > 0 && f.nasa_objects_left_out > 0,
            "seed 7 splits K2 differently from the shipped model's seed 42"
        );
        let k2 = &f.comparisons[3];
        assert_eq!(
            k2.objects + f.nasa_objects_left_out,
            base.scores.iter().find(|s| s.mission == Mission::K2).unwrap().test_objects
        );
        // Kepler and TESS held-out parts are untouched by a K2 file: "before" is the model card's figure.
        let kepler = base.scores.iter().find(|s| s.mission == Mission::Kepler).unwrap();
        assert_eq!(f.comparisons[1].objects, kepler.test_objects);
        assert!((f.comparisons[1].before.macro_f1 - kepler.macro_f1).abs() < 1e-12);
        // The held-out rows of the result are the user's comparison's objects, none of them learned from.
        assert_eq!(outcome.predictions.len(), f.comparisons[0].objects);
        assert!(outcome
            .predictions
            .iter()
            .all(|p| !base.was_trained_on(Mission::K2, &p.id) && !f.model.was_trained_on(Mission::K2, &p.id)));
        assert_eq!(f.added_trees, 20 * 3);
        assert!(f.model.train_ids[2].len() > base.train_ids[2].len());
        // The result's metrics are the fine-tuned model's on the user's held-out rows.
        assert!((outcome.metrics.as_ref().unwrap().macro_f1 - f.comparisons[0].after.macro_f1).abs() < 1e-12);
    }
}
