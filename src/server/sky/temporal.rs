//! The pretrained model's recipe proved on the future: the booster with the pretrained
//! model's hyperparameters, on the TOI table's harmonised features (the only bundled table
//! that dates its rows), learned before the default cut-off and scored on the candidates
//! resolved after it, next to the random split. Computed once per process on first request
//! (two fits of a few seconds) and kept.

use crate::api::{ApiError, RankingFigures, TemporalReport};
use crate::ml::models::hyperparameters::RawHyperparameters;
use crate::ml::models::{ModelKind, ModelParams};
use crate::ml::progress::SilentProgress;
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

pub fn pretrained_recipe(data_dir: &std::path::Path) -> Result<TemporalReport, ApiError> {
    let data = crate::ml::harmonised::load(Mission::Tess, data_dir).map_err(ApiError::internal)?;
    let params =
        ModelParams::check(ModelKind::GradientBoosting, &RawHyperparameters::default()).map_err(ApiError::internal)?;
    let cutoff = CutoffDate::parse(temporal::DEFAULT_CUTOFF).expect("a valid date");
    let e = temporal::evaluate(&data, &params, SEED, &cutoff, &SilentProgress).map_err(ApiError::internal)?;
    Ok(TemporalReport {
        cutoff: cutoff.as_str().to_string(),
        table: Mission::Tess.table_name().to_string(),
        date_column: temporal::TESS_DATE_COLUMN.to_string(),
        recipe:
            "gradient boosting with the pretrained model's hyperparameters, on the harmonised features of the TOI table"
                .into(),
        train_objects: e.split.split.train.len(),
        still_open: e.split.still_open,
        shared_star: e.split.shared_star,
        temporal: figures(&e.temporal),
        random: figures(&e.random),
        notes: notes(temporal::TESS_DATE_COLUMN),
    })
}
