//! Both pretrained models' recipes proved on the future: the booster with the pretrained
//! model's hyperparameters, on the TOI table's harmonised features (the only bundled table
//! that dates its rows), all leak-free ones or the physical ones, learned before the default
//! cut-off and scored on the candidates resolved after it, next to the random split, with
//! paired bootstrap intervals. The one that ranks the future better is the triage page's
//! default: the physical model unless it is worse beyond its uncertainty, since its reasons
//! are physics. Computed once for everyone (four fits of a few seconds; `shared_answers`).

use crate::api::{ApiError, FigureInterval, ModelTemporalFigures, RankingFigures, RankingIntervals, TemporalReport};
use crate::domain::model_ref::{pretrained_name, pretrained_title};
use crate::domain::FeatureSet;
use crate::ml::models::hyperparameters::RawHyperparameters;
use crate::ml::models::{ModelKind, ModelParams};
use crate::ml::progress::{ProgressSink, ProgressSlice};
use crate::ml::temporal::{self, CutoffDate, RankingQuality};
use crate::ml::Mission;

/// The pretrained model's seed.
const SEED: u64 = crate::ml::pretrained::SEED;

pub fn figures(q: &RankingQuality) -> RankingFigures {
    RankingFigures {
        auc: q.auc,
        precision_at_10: q.precision_at_10,
        precision_at_50: q.precision_at_50,
        confirmed: q.confirmed,
        false_positives: q.false_positives,
    }
}

/// The notes shown with every temporal evaluation.
pub fn notes(date_column: &str) -> Vec<String> {
    vec![
        format!("The archive keeps only each object's current row. A row whose {date_column} is before the cut-off has not changed since, so its disposition today is the one known then: those rows are the training part, whatever their class."),
        format!("The test part is every object now confirmed or a false positive whose row changed on or after the cut-off: the candidates of that time that the future resolved. Objects still open are in neither part, and stars stay on one side."),
        "Limits: a row can change for another reason than its disposition, so a few test objects may have been settled earlier (never learned from, so no label leaks); and feature values are today's, refined by follow-up after the cut-off.".into(),
    ]
}

/// The bootstrap's seed (the pretrained model's, for one fixed set of figures).
const BOOTSTRAP_SEED: u64 = SEED;

fn intervals_of(i: &temporal::RankingIntervals) -> RankingIntervals {
    let f = |x: temporal::Interval| FigureInterval { low: x.low, high: x.high };
    RankingIntervals { auc: f(i.auc), precision_at_10: f(i.precision_at_10), precision_at_50: f(i.precision_at_50) }
}

/// Both recipes on the TOI table's temporal split, side by side, and the triage default.
pub fn pretrained_recipes(data_dir: &std::path::Path, progress: &dyn ProgressSink) -> Result<TemporalReport, ApiError> {
    let data = crate::ml::harmonised::load(Mission::Tess, data_dir).map_err(ApiError::internal)?;
    let params =
        ModelParams::check(ModelKind::GradientBoosting, &RawHyperparameters::default()).map_err(ApiError::internal)?;
    let cutoff = CutoffDate::parse(temporal::DEFAULT_CUTOFF).expect("a valid date");
    let mut evaluations = Vec::new();
    for (k, set) in FeatureSet::ALL.into_iter().enumerate() {
        let own = data.keep_features(|name| set.keeps(name));
        let slice = ProgressSlice { sink: progress, start: k as f64 * 0.45, end: (k + 1) as f64 * 0.45 };
        let e = temporal::evaluate(&own, &params, SEED, &cutoff, &Reported(&slice)).map_err(ApiError::internal)?;
        evaluations.push((set, own.x.ncols(), e));
    }
    progress.report(0.9, "Bootstrap intervals");
    let labels = &evaluations[0].2.temporal_labels;
    let scores: Vec<&[f64]> = evaluations.iter().map(|(_, _, e)| e.temporal_scores.as_slice()).collect();
    if evaluations.iter().any(|(_, _, e)| &e.temporal_labels != labels) {
        return Err(ApiError::internal("the two recipes were tested on different objects"));
    }
    let (each, differences) =
        temporal::paired_intervals(labels, &scores, temporal::BOOTSTRAP_REPLICATES, BOOTSTRAP_SEED)
            .ok_or_else(|| ApiError::internal("no settled objects to resample"))?;
    let models: Vec<ModelTemporalFigures> = evaluations
        .iter()
        .enumerate()
        .map(|(k, (set, features, e))| ModelTemporalFigures {
            model: pretrained_name(*set).into(),
            title: pretrained_title(*set).into(),
            features: *features,
            temporal: figures(&e.temporal),
            random: figures(&e.random),
            intervals: intervals_of(&each[k]),
            difference: (k > 0).then(|| intervals_of(&differences[k - 1])),
            replicates: temporal::BOOTSTRAP_REPLICATES,
        })
        .collect();
    let (default, reason) = triage_default(&models);
    let chosen = models.iter().find(|m| m.model == pretrained_name(default)).expect("both models are scored");
    let e = &evaluations[FeatureSet::ALL.iter().position(|s| *s == default).unwrap_or(0)].2;
    progress.report(1.0, "Done");
    Ok(TemporalReport {
        cutoff: cutoff.as_str().to_string(),
        table: Mission::Tess.table_name().to_string(),
        date_column: temporal::TESS_DATE_COLUMN.to_string(),
        recipe: format!(
            "gradient boosting with the pretrained model's hyperparameters, on the TOI table's harmonised features ({}: {} inputs)",
            chosen.title, chosen.features
        ),
        train_objects: e.split.split.train.len(),
        still_open: e.split.still_open,
        shared_star: e.split.shared_star,
        temporal: chosen.temporal.clone(),
        random: chosen.random.clone(),
        notes: notes(temporal::TESS_DATE_COLUMN),
        models: models.clone(),
        triage_default: pretrained_name(default).into(),
        triage_default_reason: reason,
    })
}

/// The physical model is the default unless it ranks the future worse beyond its
/// uncertainty: the whole 95 % interval of its difference from the other model below zero,
/// on the AUC or on the precision of the top 10 or 50.
fn triage_default(models: &[ModelTemporalFigures]) -> (FeatureSet, String) {
    let physical = models.iter().find(|m| m.model == pretrained_name(FeatureSet::PhysicalOnly));
    let Some(difference) = physical.and_then(|m| m.difference.as_ref()) else {
        return (FeatureSet::AllLeakFree, "only the model on all leak-free columns was scored".into());
    };
    let worse: Vec<&str> = [
        ("AUC", difference.auc),
        ("precision at 10", difference.precision_at_10),
        ("precision at 50", difference.precision_at_50),
    ]
    .into_iter()
    .filter(|(_, d)| d.high < 0.0)
    .map(|(name, _)| name)
    .collect();
    let span = |d: FigureInterval| format!("{:+.3} to {:+.3}", d.low, d.high);
    if worse.is_empty() {
        (
            FeatureSet::PhysicalOnly,
            format!(
                "The physical model is the default: on the candidates resolved after the cut-off it is not worse than the model on all leak-free columns beyond the uncertainty (physical minus all, 95 % intervals: AUC {}, precision at 10 {}, at 50 {}), and its reasons are physics.",
                span(difference.auc),
                span(difference.precision_at_10),
                span(difference.precision_at_50)
            ),
        )
    } else {
        (
            FeatureSet::AllLeakFree,
            format!(
                "The model on all leak-free columns is the default: the physical model ranks the future worse beyond the uncertainty on {} (physical minus all, 95 % intervals: AUC {}, precision at 10 {}, at 50 {}).",
                worse.join(", "),
                span(difference.auc),
                span(difference.precision_at_10),
                span(difference.precision_at_50)
            ),
        )
    }
}

/// A progress slice as a sink of its own (the evaluation takes a `&dyn ProgressSink`).
struct Reported<'a>(&'a ProgressSlice<'a>);

impl ProgressSink for Reported<'_> {
    fn report(&self, fraction: f64, step: &str) {
        self.0.report(fraction, step);
    }

    fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}
