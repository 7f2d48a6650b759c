//! One recipe (a family and its hyperparameters) scored two ways on the same table: learned
//! before a cut-off and tested on what the future resolved, and learned on the usual random
//! split by host star. The gap between the two is what a random split flatters.

use super::ranking_quality::{ranking_quality, RankingQuality};
use super::split::{temporal_split, CutoffDate, TemporalSplit};
use crate::ml::dataset::{LabelledDataset, RowDates};
use crate::ml::error::{MlError, Result};
use crate::ml::models::{ModelParams, TrainedModel};
use crate::ml::progress::{ProgressSink, ProgressSlice};
use crate::ml::split::grouped_stratified_split;
use crate::ml::ClassLabel;

/// The TOI table's column that dates each row's last change (see `split` for why).
pub const TESS_DATE_COLUMN: &str = "rowupdate";

/// The cut-off the app shows by default: the TOI table then splits into ~1,800 objects
/// settled before and ~1,500 resolved after (2024 and 2025 updates).
pub const DEFAULT_CUTOFF: &str = "2024-01-01";

#[derive(Debug, Clone, PartialEq)]
pub struct TemporalEvaluation {
    pub cutoff: CutoffDate,
    pub split: TemporalSplit,
    /// On the objects resolved after the cut-off, learned from those settled before.
    pub temporal: RankingQuality,
    /// On the resolved objects of the random split's test part, learned from its training part.
    pub random: RankingQuality,
    /// The temporal test objects' labels and P(confirmed), in the split's test order (for
    /// bootstrap intervals; the same objects for any recipe on the same table and cut-off).
    pub temporal_labels: Vec<ClassLabel>,
    pub temporal_scores: Vec<f64>,
}

/// The rows' dates, or why a temporal split cannot use this table.
pub fn dates_of(data: &LabelledDataset) -> Result<&RowDates> {
    data.dates.as_ref().ok_or_else(|| {
        MlError::Split(format!(
            "{} does not date its rows: a temporal split needs the TESS TOI table (its {TESS_DATE_COLUMN} column) or an upload with a date column chosen in its column mapping",
            data.name
        ))
    })
}

/// Fits `params` on both splits of `data` and scores the ranking by P(confirmed) on each.
pub fn evaluate(
    data: &LabelledDataset,
    params: &ModelParams,
    seed: u64,
    cutoff: &CutoffDate,
    sink: &dyn ProgressSink,
) -> Result<TemporalEvaluation> {
    let split = temporal_split(&data.labels, &data.groups, &dates_of(data)?.cells, cutoff)?;
    let scored = |train: &[usize], test: &[usize], start: f64| -> Result<(RankingQuality, Vec<ClassLabel>, Vec<f64>)> {
        let (x, y) = data.rows(train);
        let slice = ProgressSlice { sink, start, end: start + 0.5 };
        let model = TrainedModel::fit(params, &x, &y, seed, &slice)?;
        let (x_test, y_test) = data.rows(test);
        let p: Vec<f64> = model.predict_proba(&x_test).iter().map(|p| p[ClassLabel::Confirmed.index()]).collect();
        let quality = ranking_quality(&y_test, &p)
            .ok_or_else(|| MlError::Split("a test part without both settled classes".into()))?;
        Ok((quality, y_test, p))
    };
    let (temporal, temporal_labels, temporal_scores) = scored(&split.split.train, &split.split.test, 0.0)?;
    let random_split = grouped_stratified_split(&data.labels, &data.groups, 0.2, seed)?;
    let (random, _, _) = scored(&random_split.train, &random_split.test, 0.5)?;
    Ok(TemporalEvaluation { cutoff: cutoff.clone(), split, temporal, random, temporal_labels, temporal_scores })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::models::hyperparameters::RawHyperparameters;
    use crate::ml::models::ModelKind;
    use crate::ml::progress::SilentProgress;

    #[test]
    fn the_toi_table_splits_at_the_default_cut_off_and_both_rankings_are_scored() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
        let data = crate::ml::harmonised::load(crate::ml::Mission::Tess, &dir).unwrap();
        let dates = &dates_of(&data).unwrap().cells;
        assert!(dates.iter().all(Option::is_some), "every TOI row has a rowupdate");
        let mut raw = RawHyperparameters::default();
        raw.insert("n_rounds".into(), serde_json::json!(30));
        let params = ModelParams::check(ModelKind::GradientBoosting, &raw).unwrap();
        let cutoff = CutoffDate::parse(DEFAULT_CUTOFF).unwrap();
        let e = evaluate(&data, &params, 42, &cutoff, &SilentProgress).unwrap();
        let train_dates: Vec<&str> = e.split.split.train.iter().map(|&r| dates[r].as_deref().unwrap()).collect();
        assert!(train_dates.iter().all(|d| *d < DEFAULT_CUTOFF));
        assert!(e.split.split.train.len() > 1000 && e.split.split.test.len() > 1000, "{:?}", e.split.split.test.len());
        for q in [e.temporal, e.random] {
            assert!(q.auc > 0.6 && q.auc <= 1.0, "{q:?}");
            assert!((0.0..=1.0).contains(&q.precision_at_50));
        }
    }
}
