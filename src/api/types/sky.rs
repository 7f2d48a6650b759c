//! The explore page's data: every bundled object as a point (`GET /api/v1/sky`), and one
//! object's card with the model's explanation (`GET /api/v1/sky/object`).

use serde::{Deserialize, Serialize};

use super::candidates::{CandidateValues, ObjectLinks};
use super::explanation::Prediction;
use crate::domain::{ClassLabel, Mission};

/// Every object of the three tables, column by column (about 19,000 rows: a list of
/// objects would repeat every key 19,000 times). Values are rounded to what a plot shows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SkyPoints {
    pub model: String,
    pub model_name: String,
    pub id: Vec<String>,
    pub mission: Vec<Mission>,
    /// The archive's disposition, mapped onto the classes.
    pub disposition: Vec<ClassLabel>,
    /// The model's class, `None` where the model cannot score the object's mission.
    pub predicted: Vec<Option<ClassLabel>>,
    pub p_confirmed: Vec<Option<f32>>,
    /// Orbital period [days], planet radius [Earth radii], RA and Dec [degrees].
    pub period: Vec<Option<f32>>,
    pub radius: Vec<Option<f32>>,
    pub ra: Vec<Option<f32>>,
    pub dec: Vec<Option<f32>>,
}

impl SkyPoints {
    pub fn len(&self) -> usize {
        self.id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }
}

/// One object as its card shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkyObjectCard {
    pub id: String,
    pub mission: Mission,
    pub host: String,
    /// The archive's own word and its class.
    pub disposition: String,
    pub label: Option<ClassLabel>,
    pub values: CandidateValues,
    pub links: ObjectLinks,
    /// The model's prediction with its explanation (probability space).
    pub prediction: Prediction,
    pub model_name: String,
    /// Set when the model learned from this object (its answer then says little).
    pub learned_from: bool,
}
