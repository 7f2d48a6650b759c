//! The rows read from a table for prediction, whichever way its columns were found.

use ndarray::Array2;

use crate::ml::{ClassLabel, Mission};

/// Rows read for prediction, on the harmonised features.
#[derive(Debug, Clone)]
pub struct ObjectsToPredict {
    pub ids: Vec<String>,
    pub x: Array2<f64>,
    /// The mission of each row when known (from the table's kind, a `mission` column, or the
    /// caller's hint).
    pub missions: Vec<Option<Mission>>,
    /// Each row's label when the table has one.
    pub labels: Vec<Option<ClassLabel>>,
    /// Each row's host star (the export's star column, or `star` / `host` / `hostname`),
    /// else its id: fine-tuning splits by it so a star never sits on both sides.
    pub groups: Vec<String>,
    /// What the table was read as ("the archive's TESS TOI export", "harmonised columns").
    pub read_as: String,
}

impl ObjectsToPredict {
    /// Only the rows at `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> ObjectsToPredict {
        ObjectsToPredict {
            ids: rows.iter().map(|&r| self.ids[r].clone()).collect(),
            x: self.x.select(ndarray::Axis(0), rows),
            missions: rows.iter().map(|&r| self.missions[r]).collect(),
            labels: rows.iter().map(|&r| self.labels[r]).collect(),
            groups: rows.iter().map(|&r| self.groups[r].clone()).collect(),
            read_as: self.read_as.clone(),
        }
    }
}
