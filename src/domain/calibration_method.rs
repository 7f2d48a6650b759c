//! How a training may recalibrate its probabilities on a held-back slice of its training
//! part, as a request names it (`"calibrate"`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalibrationMethod {
    /// Per class, the best non-decreasing step map from predicted to observed frequency
    /// (pool-adjacent-violators), then renormalised.
    Isotonic,
    /// One temperature shared by the classes, `p_k ∝ p_k^(1/T)`: Platt scaling's multi-class
    /// form, a single parameter, so it cannot over-fit a small slice.
    Platt,
}

impl CalibrationMethod {
    pub const ALL: [CalibrationMethod; 2] = [CalibrationMethod::Isotonic, CalibrationMethod::Platt];

    /// The name on the wire.
    pub fn id(self) -> &'static str {
        match self {
            CalibrationMethod::Isotonic => "isotonic",
            CalibrationMethod::Platt => "platt",
        }
    }

    pub fn from_id(id: &str) -> Option<CalibrationMethod> {
        CalibrationMethod::ALL.into_iter().find(|m| m.id() == id)
    }

    pub fn title(self) -> &'static str {
        match self {
            CalibrationMethod::Isotonic => "Isotonic regression",
            CalibrationMethod::Platt => "Platt (temperature) scaling",
        }
    }

    /// One line on what it does and when to choose it.
    pub fn description(self) -> &'static str {
        match self {
            CalibrationMethod::Isotonic => "Learns any monotone correction per class: the most flexible, needs a few hundred objects in the slice.",
            CalibrationMethod::Platt => "Softens or sharpens all probabilities with one fitted temperature: robust on small tables, keeps the ranking.",
        }
    }
}
