//! A trained model as the model store keeps it (and a download gives it): the model's own
//! JSON (`family`, `model`) plus, when the training calibrated its probabilities, the
//! calibrator every later prediction applies. Files written before calibration existed have
//! no `calibrator` and read as uncalibrated.

use ndarray::Array2;
use serde::{Deserialize, Serialize};

use super::TrainedModel;
use crate::ml::calibrator::Calibrator;
use crate::ml::ClassLabel;

#[derive(Debug, Clone, Deserialize)]
pub struct SavedModel {
    #[serde(flatten)]
    pub model: TrainedModel,
    #[serde(default)]
    pub calibrator: Option<Calibrator>,
}

/// The same file written from borrowed parts (the outcome keeps its model).
#[derive(Serialize)]
pub struct SavedModelRef<'a> {
    #[serde(flatten)]
    pub model: &'a TrainedModel,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibrator: Option<&'a Calibrator>,
}

impl SavedModel {
    /// The probabilities its training reported: the model's, calibrated when it was.
    pub fn predict_proba(&self, x: &Array2<f64>) -> Vec<[f64; ClassLabel::COUNT]> {
        let raw = self.model.predict_proba(x);
        match &self.calibrator {
            Some(c) => c.apply_all(&raw),
            None => raw,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CalibrationMethod;
    use crate::ml::models::{ModelKind, ModelParams};
    use crate::ml::progress::{ProgressSlice, SilentProgress};

    #[test]
    fn the_file_keeps_the_calibrator_and_reads_files_without_one() {
        let x = Array2::from_shape_fn((60, 2), |(i, j)| (i % 3) as f64 * 2.0 + ((i * 5 + j) % 7) as f64 / 7.0);
        let y: Vec<ClassLabel> = (0..60).map(|i| ClassLabel::ALL[i % 3]).collect();
        let params = ModelParams::check(ModelKind::LogisticRegression, &Default::default()).unwrap();
        let slice = ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 };
        let model = TrainedModel::fit(&params, &x, &y, 1, &slice).unwrap();
        let calibrator = Calibrator::fit(CalibrationMethod::Platt, &y, &model.predict_proba(&x));
        let json = serde_json::to_string(&SavedModelRef { model: &model, calibrator: Some(&calibrator) }).unwrap();
        let saved: SavedModel = serde_json::from_str(&json).unwrap();
        assert_eq!(saved.calibrator.as_ref(), Some(&calibrator));
        assert_eq!(saved.predict_proba(&x), calibrator.apply_all(&model.predict_proba(&x)));
        // A reader that wants the model alone still reads the file.
        let plain: TrainedModel = serde_json::from_str(&json).unwrap();
        assert_eq!(plain.predict_proba(&x), model.predict_proba(&x));
        // An older file, the model's JSON alone: uncalibrated.
        let old: SavedModel = serde_json::from_str(&serde_json::to_string(&model).unwrap()).unwrap();
        assert!(old.calibrator.is_none());
        assert_eq!(old.predict_proba(&x), model.predict_proba(&x));
    }
}
