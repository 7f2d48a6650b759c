//! The "How the models work" page's live demo: a family trained on two features of the
//! Kepler table, its decision regions on a grid, and the objects it learned from.

use serde::{Deserialize, Serialize};

use crate::domain::ClassLabel;

/// One family's demo: which hyperparameter it turns and the values its slider offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoControl {
    pub family: String,
    /// "Random forest".
    pub name: String,
    pub hyperparameter: String,
    pub label: String,
    /// The slider's positions, as shown ("0 (no limit)" for a depth of 0).
    pub values: Vec<String>,
    /// The position it starts at.
    pub start: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRegions {
    pub family: String,
    pub family_name: String,
    pub step: usize,
    /// "log10 orbital period [days]" and "log10 planet radius [Earth radii]".
    pub x_label: String,
    pub y_label: String,
    /// Value range of each axis: [min, max].
    pub x_range: [f64; 2],
    pub y_range: [f64; 2],
    /// Grid side: `cells` holds side × side predicted classes, row by row from the top.
    pub side: usize,
    pub cells: Vec<ClassLabel>,
    /// The most probable class's probability per cell (drawn as opacity).
    pub confidence: Vec<f32>,
    /// A sample of the objects it learned from: (x, y, class).
    pub points: Vec<(f64, f64, ClassLabel)>,
    /// Share of the training objects it classifies right (on these two features only).
    pub training_accuracy: f64,
    pub objects: usize,
    pub seconds: f64,
}
