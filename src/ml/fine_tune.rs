//! Fine-tuning the pretrained model on a user's labelled table: boosting continues from the
//! shipped model (warm start: its trees kept, its scores the starting point) on the user's
//! training part, and the new model is scored beside the old one on the user's held-out part
//! and on NASA's held-out parts, so the user sees what was gained on their data and what was
//! lost on NASA's.
//!
//! Honest comparisons: the user's table is split by host star (seeded); held-out rows the
//! shipped model learned from are left out (they would flatter "before"); NASA held-out
//! objects the fine-tuning learned from (a user may upload an archive export) are left out of
//! the NASA comparison. Both models are always scored on exactly the same objects.

use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

use ndarray::Array2;

use super::dataset::count_classes;
use super::error::{MlError, Result};
use super::explain::explain;
use super::harmonised;
use super::metrics::{evaluate, Metrics};
use super::models::gradient_boosting::{BoostingParams, GradientBoosting};
use super::models::TrainedModel;
use super::pipeline::{HeldOutPrediction, TrainingOutcome};
use super::predict::{objects_by_columns, objects_from_table, ColumnChoice, ObjectsToPredict};
use super::pretrained::{MissionScore, PretrainedModel};
use super::progress::{ProgressSink, ProgressSlice};
use super::split::grouped_stratified_split;
use super::upload::TableFile;
use super::{ClassLabel, Mission};

const K: usize = ClassLabel::COUNT;
/// Fewest labelled rows a class needs to count, and how many such classes are needed.
pub const MIN_ROWS_PER_CLASS: usize = 10;

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

/// One model's scores on a set of objects.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub roc_auc: Option<f64>,
    pub log_loss: f64,
}

impl From<&Metrics> for Scores {
    fn from(m: &Metrics) -> Scores {
        Scores { accuracy: m.accuracy, macro_f1: m.macro_f1, roc_auc: m.roc_auc_macro, log_loss: m.log_loss }
    }
}

/// The base model and the fine-tuned one on the same objects.
#[derive(Debug, Clone, PartialEq)]
pub struct BeforeAfter {
    /// `"your table"`, or a mission id, or `"nasa"` for the three pooled.
    pub on: String,
    pub objects: usize,
    pub before: Scores,
    pub after: Scores,
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

/// Reads the user's file and keeps its labelled rows, refusing (with the file, the label
/// column and the counts) a table that cannot be fine-tuned on. Also the check run before
/// the request is queued.
pub fn read_labelled_rows(file: &TableFile, columns: Option<&ColumnChoice>) -> Result<(ObjectsToPredict, usize)> {
    let name = file.name.as_str();
    let table = file.table()?;
    let all = match columns {
        Some(choice) => objects_by_columns(&table, choice, None)?,
        None => objects_from_table(&table, None)?,
    };
    let labelled: Vec<usize> = (0..all.labels.len()).filter(|&i| all.labels[i].is_some()).collect();
    let invalid = |message: String| MlError::InvalidUpload { file: name.to_string(), message };
    if labelled.is_empty() {
        return Err(invalid(format!(
            "no row has a label, and fine-tuning learns from labelled rows: an archive export needs its disposition column, another table a 'label' column (confirmed, candidate or false_positive); read by {}",
            all.read_as
        )));
    }
    let counts = count_classes(labelled.iter().filter_map(|&i| all.labels[i]));
    if counts.iter().filter(|&&c| c >= MIN_ROWS_PER_CLASS).count() < 2 {
        let listed: Vec<String> =
            ClassLabel::ALL.iter().zip(counts).map(|(c, n)| format!("{} {n}", c.as_str())).collect();
        return Err(invalid(format!(
            "fine-tuning needs at least {MIN_ROWS_PER_CLASS} labelled rows in each of at least two classes; the file has {}",
            listed.join(", ")
        )));
    }
    Ok((all.select(&labelled), all.labels.len() - labelled.len()))
}

fn booster(model: &TrainedModel) -> Result<&GradientBoosting> {
    match model {
        TrainedModel::GradientBoosting(b) => Ok(b),
        _ => {
            Err(MlError::Training("only a gradient-boosted model can be fine-tuned by continuing its boosting".into()))
        }
    }
}

fn scores(y: &[ClassLabel], p: &[[f64; K]]) -> Scores {
    Scores::from(&evaluate(y, p))
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
        on: "your table".into(),
        objects: y_test.len(),
        before: scores(&y_test, &before),
        after: scores(&y_test, &after),
    }];

    sink.report(0.8, "Scoring both models on NASA's held-out objects");
    let (nasa, nasa_objects_left_out) = nasa_comparisons(base, &tuned, &config.data_dir)?;
    // The saved model's own record of its NASA scores (as the shipped model's file has).
    tuned.scores = nasa
        .iter()
        .filter(|c| Mission::from_id(&c.on).is_some())
        .map(|c| MissionScore {
            mission: c.on.clone(),
            test_objects: c.objects,
            accuracy: c.after.accuracy,
            macro_f1: c.after.macro_f1,
            roc_auc: c.after.roc_auc,
            log_loss: c.after.log_loss,
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
    let mut feature_descriptions = harmonised::feature_descriptions();
    if tuned.features.len() > feature_descriptions.len() {
        feature_descriptions.push("Mission (0 Kepler, 1 TESS, 2 K2)".into());
    }
    sink.report(1.0, "Done");
    Ok(TrainingOutcome {
        dataset_name: name.clone(),
        model_kind: super::models::ModelKind::GradientBoosting,
        metrics: Some(metrics),
        predictions,
        feature_names: tuned.features.clone(),
        feature_descriptions,
        test_features: x_test,
        explanations,
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
    })
}

/// Both models on each mission's held-out part (the objects the shipped model never learned
/// from), minus those the fine-tuning learned from; then the three pooled.
fn nasa_comparisons(
    base: &PretrainedModel,
    tuned: &PretrainedModel,
    data_dir: &Path,
) -> Result<(Vec<BeforeAfter>, usize)> {
    let mut out = Vec::new();
    let mut left_out = 0;
    let (mut y_all, mut before_all, mut after_all) = (Vec::new(), Vec::new(), Vec::new());
    for mission in Mission::ALL {
        let data = harmonised::load(mission, data_dir)?;
        let held_out: Vec<usize> =
            (0..data.ids.len()).filter(|&i| !base.was_trained_on(mission, &data.ids[i])).collect();
        let kept: Vec<usize> =
            held_out.iter().copied().filter(|&i| !tuned.was_trained_on(mission, &data.ids[i])).collect();
        left_out += held_out.len() - kept.len();
        if kept.is_empty() {
            continue;
        }
        let (x, y) = data.rows(&kept);
        let (before, after) = (base.predict_proba(&x, Some(mission)), tuned.predict_proba(&x, Some(mission)));
        out.push(BeforeAfter {
            on: mission.id().into(),
            objects: y.len(),
            before: scores(&y, &before),
            after: scores(&y, &after),
        });
        y_all.extend(y);
        before_all.extend(before);
        after_all.extend(after);
    }
    if !y_all.is_empty() {
        out.push(BeforeAfter {
            on: "nasa".into(),
            objects: y_all.len(),
            before: scores(&y_all, &before_all),
            after: scores(&y_all, &after_all),
        });
    }
    Ok((out, left_out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::progress::SilentProgress;
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
        assert_eq!(on, ["your table", "kepler", "tess", "k2", "nasa"]);
        assert!(
            f.user_rows_left_out > 0 && f.nasa_objects_left_out > 0,
            "seed 7 splits K2 differently from the shipped model's seed 42"
        );
        let k2 = &f.comparisons[3];
        assert_eq!(
            k2.objects + f.nasa_objects_left_out,
            base.scores.iter().find(|s| s.mission == "k2").unwrap().test_objects
        );
        // Kepler and TESS held-out parts are untouched by a K2 file: "before" is the model card's figure.
        let kepler = base.scores.iter().find(|s| s.mission == "kepler").unwrap();
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

    #[test]
    fn a_file_without_enough_labelled_rows_is_refused_with_the_counts() {
        let mut csv = String::from("id,period,depth,label\n");
        for i in 0..30 {
            csv.push_str(&format!(
                "obj{i},{},{},{}\n",
                1.0 + i as f64,
                100.0 * i as f64,
                if i < 25 { "confirmed" } else { "false_positive" }
            ));
        }
        let error = read_labelled_rows(&TableFile::new("mine.csv", csv.into_bytes()), None).unwrap_err().to_string();
        assert!(error.contains("mine.csv") && error.contains("confirmed 25, candidate 0, false_positive 5"), "{error}");
        let error = read_labelled_rows(&TableFile::new("mine.csv", b"id,period,depth\nobj1,1.0,100\n".to_vec()), None)
            .unwrap_err()
            .to_string();
        assert!(error.contains("no row has a label"), "{error}");
    }
}
