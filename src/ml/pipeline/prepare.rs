//! Loading a run's data and choosing its test part: the mission's table, the harmonised
//! tables of a transfer, or the upload (split by host star, or with its own test file).

use std::sync::Arc;

use crate::domain::FeatureSet;
use crate::ml::dataset::LabelledDataset;
use crate::ml::error::{MlError, Result};
use crate::ml::harmonised;
use crate::ml::models::cost::DataShape;
use crate::ml::progress::ProgressSink;
use crate::ml::split::{grouped_stratified_split, split_by_ids, TrainTestSplit};
use crate::ml::upload::{
    check_test_columns, dataset_from_upload, lacks_labels, test_label_columns, unlabelled_rows, ColumnMapping,
    TableFile, UnlabelledRows,
};
use crate::ml::{temporal, ClassLabel};

use super::config::{DataSource, SplitRule, TrainingConfig, TrainingJob};

/// An uploaded test file: labelled like the training file, or without labels (then the
/// result has predictions and explanations but no metrics).
pub enum TestFile {
    Labelled(LabelledDataset),
    Unlabelled(UnlabelledRows),
}

/// Reads the uploaded test file: it must carry the training features and, when it has labels,
/// map the same way and end up with exactly the training file's features.
fn load_test_upload(file: &TableFile, mapping: Option<&ColumnMapping>, features: &[String]) -> Result<TestFile> {
    let name = file.name.as_str();
    let table = file.table()?;
    check_test_columns(&table, features)?;
    if let Some((label_column, id_column)) = test_label_columns(mapping, features) {
        if lacks_labels(&table, &label_column)? {
            return Ok(TestFile::Unlabelled(unlabelled_rows(&table, features, id_column.as_deref())?));
        }
    }
    let test = dataset_from_upload(&table, mapping)?;
    if test.feature_names != features {
        return Err(MlError::InvalidUpload {
            file: name.to_string(),
            message: "the test file is a different kind of table than the training file (its features differ)".into(),
        });
    }
    Ok(TestFile::Labelled(test))
}

/// Reads one uploaded file into a dataset (archive export or mapped).
fn load_upload(file: &TableFile, mapping: Option<&ColumnMapping>) -> Result<LabelledDataset> {
    dataset_from_upload(&file.table()?, mapping)
}

/// What a run learns from and is scored on, however the data arrived.
pub(super) struct Prepared {
    pub(super) name: String,
    pub(super) feature_names: Vec<String>,
    pub(super) feature_descriptions: Vec<String>,
    pub(super) x_train: ndarray::Array2<f64>,
    pub(super) y_train: Vec<ClassLabel>,
    pub(super) train_groups: Vec<String>,
    pub(super) test_ids: Vec<String>,
    pub(super) x_test: ndarray::Array2<f64>,
    /// `None` for a test file without labels.
    pub(super) y_test: Option<Vec<ClassLabel>>,
    pub(super) test_stars: usize,
    /// The temporal split's cut-off and counts, when it chose the parts.
    pub(super) temporal: Option<TemporalPart>,
}

impl Prepared {
    pub(super) fn shape(&self, cross_validation: bool) -> DataShape {
        DataShape {
            train_rows: self.x_train.nrows(),
            test_rows: self.x_test.nrows(),
            features: self.x_train.ncols(),
            cross_validation,
        }
    }

    /// Rows `train` and `test` of one labelled table.
    fn from_split(data: &LabelledDataset, split: &TrainTestSplit) -> Prepared {
        let (x_train, y_train) = data.rows(&split.train);
        let (x_test, y_test) = data.rows(&split.test);
        Prepared {
            name: data.name.clone(),
            feature_names: data.feature_names.clone(),
            feature_descriptions: data.feature_descriptions.clone(),
            x_train,
            y_train,
            train_groups: split.train.iter().map(|&r| data.groups[r].clone()).collect(),
            test_ids: split.test.iter().map(|&r| data.ids[r].clone()).collect(),
            x_test,
            y_test: Some(y_test),
            test_stars: split.test.iter().map(|&r| &data.groups[r]).collect::<std::collections::HashSet<_>>().len(),
            temporal: None,
        }
    }
}

/// How a temporal split chose the parts, kept for the result.
#[derive(Debug, Clone)]
pub(super) struct TemporalPart {
    pub cutoff: temporal::CutoffDate,
    pub date_column: String,
    pub split: temporal::TemporalSplit,
}

/// `data` on the request's feature set: the same rows, fewer columns for "physical only".
fn on_feature_set(data: Arc<LabelledDataset>, set: FeatureSet) -> Arc<LabelledDataset> {
    if set == FeatureSet::AllLeakFree {
        return data;
    }
    Arc::new(data.keep_features(|f| set.keeps(f)))
}

/// Learns from the rows settled before `cutoff`, tests on those resolved after it.
fn temporal_prepared(
    data: &LabelledDataset,
    cutoff: &temporal::CutoffDate,
    sink: &dyn ProgressSink,
) -> Result<Prepared> {
    sink.report(0.06, &format!("Splitting {} objects at {}", data.len(), cutoff.as_str()));
    let dates = temporal::dates_of(data)?;
    let split = temporal::temporal_split(&data.labels, &data.groups, &dates.cells, cutoff)?;
    let mut prepared = Prepared::from_split(data, &split.split);
    prepared.temporal = Some(TemporalPart { cutoff: cutoff.clone(), date_column: dates.column.clone(), split });
    Ok(prepared)
}

/// Loads the data and chooses the test part: the mission's table or the upload, split by
/// host star, or the uploaded test file.
pub(super) fn prepare(config: &TrainingConfig, sink: &dyn ProgressSink) -> Result<Prepared> {
    let setup = config.model().ok_or_else(|| MlError::Training("a fine-tuning reads its rows itself".into()))?;
    let check = || if sink.is_cancelled() { Err(MlError::Cancelled) } else { Ok(()) };
    let split_one = |data: &LabelledDataset, rule: &SplitRule| -> Result<TrainTestSplit> {
        sink.report(0.06, &format!("Splitting {} objects by host star (seed {})", data.len(), config.seed));
        match rule {
            SplitRule::Grouped { test_fraction } => {
                grouped_stratified_split(&data.labels, &data.groups, *test_fraction, config.seed)
            }
            SplitRule::HeldOutIds(ids) => split_by_ids(&data.ids, ids),
            SplitRule::Temporal { .. } => Err(MlError::Split(
                "a temporal split needs one dated table to split: the TESS TOI table or an upload without a separate test file".into(),
            )),
        }
    };
    if let TrainingJob::Transfer { from, to: target, .. } = config.job {
        // Each mission split by its own stars with the same seed: train on the source's
        // training part, test on the target's held-out part.
        sink.report(
            0.0,
            &format!("Loading {} and {} on the harmonised features", from.table_name(), target.table_name()),
        );
        let source = on_feature_set(Arc::new(harmonised::load(from, &config.data_dir)?), setup.feature_set);
        let target_data = on_feature_set(Arc::new(harmonised::load(target, &config.data_dir)?), setup.feature_set);
        check()?;
        let fraction = match &setup.split {
            SplitRule::Grouped { test_fraction } => *test_fraction,
            SplitRule::HeldOutIds(_) | SplitRule::Temporal { .. } => 0.2,
        };
        let source_split = split_one(&source, &SplitRule::Grouped { test_fraction: fraction })?;
        let target_split = grouped_stratified_split(&target_data.labels, &target_data.groups, fraction, config.seed)?;
        let mut prepared = Prepared::from_split(&source, &source_split);
        let held_out = Prepared::from_split(&target_data, &target_split);
        prepared.name = format!("{} → {}", from.table_name(), target.table_name());
        prepared.test_ids = held_out.test_ids;
        prepared.x_test = held_out.x_test;
        prepared.y_test = held_out.y_test;
        prepared.test_stars = held_out.test_stars;
        return Ok(prepared);
    }
    let TrainingJob::Train { data: source, .. } = &config.job else {
        return Err(MlError::Training("only a new model on one table is prepared here".into()));
    };
    let upload = match source {
        DataSource::Upload(upload) => upload,
        DataSource::Mission(mission) => {
            sink.report(0.0, &format!("Loading {} table", mission.table_name()));
            let data = crate::ml::bundled_tables::mission_dataset(*mission, &config.data_dir)?;
            let data = on_feature_set(data, setup.feature_set);
            check()?;
            if let SplitRule::Temporal { cutoff } = &setup.split {
                return temporal_prepared(&data, cutoff, sink);
            }
            let split = split_one(&data, &setup.split)?;
            return Ok(Prepared::from_split(&data, &split));
        }
    };
    sink.report(0.0, &format!("Reading {}", upload.train.name));
    let mut data = load_upload(&upload.train, upload.mapping.as_ref())?;
    check()?;
    let Some(test_file) = &upload.test else {
        // An upload has no canonical ids: the grouped rule, or its own dates.
        let fraction = match &setup.split {
            SplitRule::Grouped { test_fraction } => *test_fraction,
            SplitRule::Temporal { cutoff } => return temporal_prepared(&data, cutoff, sink),
            SplitRule::HeldOutIds(_) => 0.2,
        };
        let split = split_one(&data, &SplitRule::Grouped { test_fraction: fraction })?;
        return Ok(Prepared::from_split(&data, &split));
    };
    sink.report(0.04, &format!("Reading {}", test_file.name));
    match load_test_upload(test_file, upload.mapping.as_ref(), &data.feature_names)? {
        TestFile::Labelled(test) => {
            let n_train = data.len();
            data.append(test);
            Ok(Prepared::from_split(
                &data,
                &TrainTestSplit { train: (0..n_train).collect(), test: (n_train..data.len()).collect() },
            ))
        }
        TestFile::Unlabelled(test) => {
            let all: Vec<usize> = (0..data.len()).collect();
            let (x_train, y_train) = data.rows(&all);
            Ok(Prepared {
                name: data.name.clone(),
                feature_names: data.feature_names.clone(),
                feature_descriptions: data.feature_descriptions.clone(),
                x_train,
                y_train,
                train_groups: data.groups.clone(),
                test_stars: test.ids.len(),
                test_ids: test.ids,
                x_test: test.x,
                y_test: None,
                temporal: None,
            })
        }
    }
}
