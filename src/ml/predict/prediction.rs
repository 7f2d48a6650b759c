//! Predicting and explaining the rows read from a table with the pretrained model.

use ndarray::Array2;

use super::objects::ObjectsToPredict;
use crate::ml::error::{MlError, Result};
use crate::ml::explain::{explain, explain_scores, Explanations};
use crate::ml::pretrained::PretrainedModel;
use crate::ml::progress::{ProgressSink, ProgressSlice, SilentProgress};
use crate::ml::ClassLabel;

const K: usize = ClassLabel::COUNT;

/// Predictions with explanations, in row order.
#[derive(Debug, Clone)]
pub struct PredictedObjects {
    pub objects: ObjectsToPredict,
    pub probabilities: Vec<[f64; K]>,
    /// The model's inputs (harmonised features, then the mission code for that variant).
    pub features: Vec<String>,
    pub model_input: Array2<f64>,
    pub explanations: Explanations,
}

/// Predicts and explains every object with the pretrained model.
pub fn predict(model: &PretrainedModel, objects: ObjectsToPredict) -> PredictedObjects {
    predict_within(model, objects, &SilentProgress, false).expect("a silent sink never cancels")
}

/// As [`predict`], stopping with [`MlError::Cancelled`] when `sink` says so (a request's
/// time budget ran out, or its client went away). `scores`: explain the booster's class
/// scores (margins) instead of its probabilities.
pub fn predict_within(
    model: &PretrainedModel,
    objects: ObjectsToPredict,
    sink: &dyn ProgressSink,
    scores: bool,
) -> Result<PredictedObjects> {
    let model_input = model.model_input_per_row(&objects.x, &objects.missions);
    let probabilities = model.predict_proba_per_row(&objects.x, &objects.missions);
    let empty = Array2::<f64>::zeros((0, model_input.ncols()));
    let slice = ProgressSlice { sink, start: 0.0, end: 1.0 };
    let explanations = match scores.then(|| explain_scores(&model.model, &model_input, &slice)).flatten() {
        Some(e) => e,
        None => explain(&model.model, &model_input, &empty, model.seed, &slice),
    };
    if sink.is_cancelled() {
        return Err(MlError::Cancelled);
    }
    Ok(PredictedObjects { objects, probabilities, features: model.features.clone(), model_input, explanations })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ml::predict::objects_from_csv;
    use crate::ml::Mission;
    use std::path::PathBuf;

    fn model() -> PretrainedModel {
        crate::ml::pretrained::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(crate::ml::pretrained::FILE))
            .unwrap()
    }

    #[test]
    fn the_archives_toi_export_is_read_with_its_labels() {
        let bytes = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/toi.csv")).unwrap();
        let objects = objects_from_csv("toi.csv", bytes, None).unwrap();
        assert!(objects.read_as.contains("TESS"), "{}", objects.read_as);
        assert!(objects.labels.iter().filter(|l| l.is_some()).count() > 7000);
        assert!(objects.missions.iter().all(|m| *m == Some(Mission::Tess)));
        let predicted = predict(&model(), objects);
        let e = &predicted.explanations;
        for row in 0..3 {
            for c in 0..K {
                let sum: f64 = e.base[c] + e.values[row].iter().map(|v| v[c]).sum::<f64>();
                assert!((sum - e.outputs[row][c]).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn harmonised_columns_with_missing_values_predict_and_bad_cells_are_named() {
        let csv = "id,period,planet_radius,mission,label\nA,3.5,2.1,kepler,confirmed\nB,,11,,\n";
        let objects = objects_from_csv("mine.csv", csv.as_bytes().to_vec(), None).unwrap();
        assert_eq!(objects.ids, ["A", "B"]);
        assert_eq!(objects.missions, [Some(Mission::Kepler), None]);
        assert_eq!(objects.labels, [Some(ClassLabel::Confirmed), None]);
        let p = predict(&model(), objects);
        assert!(p.probabilities.iter().all(|p| (p.iter().sum::<f64>() - 1.0).abs() < 1e-9));
        let err = objects_from_csv("mine.csv", b"period,depth\n3,abc\n".to_vec(), None).unwrap_err().to_string();
        assert_eq!(err, "mine.csv: column 'depth', row 2: 'abc' is not a finite number; leave the cell empty if the value is unknown");
        let err = objects_from_csv("mine.csv", b"foo,bar\n1,2\n".to_vec(), None).unwrap_err().to_string();
        assert!(err.starts_with("mine.csv: none of the model's input columns is in the file"), "{err}");
    }
}
