//! The follow-up shortlist: `GET /api/v1/candidates` and the triage page. Every object the
//! archive still lists as unresolved, ranked by a model's probabilities.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::explanation::{Explanation, Reason};
use crate::domain::{ClassLabel, Mission};

/// What the shortlist is ordered by, highest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateOrder {
    /// P(confirmed): the likeliest planets first.
    #[default]
    Confirmed,
    /// P(false positive): the likeliest false alarms first.
    FalsePositive,
    /// P(confirmed) − `fp_cost` × P(false positive): a planet is worth 1 and a follow-up
    /// spent on a false positive costs `fp_cost`.
    ExpectedValue,
}

impl CandidateOrder {
    pub const ALL: [CandidateOrder; 3] =
        [CandidateOrder::Confirmed, CandidateOrder::FalsePositive, CandidateOrder::ExpectedValue];

    pub fn as_str(self) -> &'static str {
        match self {
            CandidateOrder::Confirmed => "confirmed",
            CandidateOrder::FalsePositive => "false_positive",
            CandidateOrder::ExpectedValue => "expected_value",
        }
    }

    pub fn from_id(id: &str) -> Option<CandidateOrder> {
        Self::ALL.into_iter().find(|o| o.as_str() == id)
    }

    pub fn title(self) -> &'static str {
        match self {
            CandidateOrder::Confirmed => "P(confirmed), highest first",
            CandidateOrder::FalsePositive => "P(false positive), highest first",
            CandidateOrder::ExpectedValue => "Expected value of a follow-up",
        }
    }
}

fn default_limit() -> usize {
    CandidateQuery::DEFAULT_LIMIT
}

fn default_fp_cost() -> f64 {
    0.5
}

/// One value range of a query: name in the query, unit, min, max, and an object's value.
pub type ValueRange = (&'static str, &'static str, Option<f64>, Option<f64>, fn(&CandidateValues) -> Option<f64>);

/// The query string of `GET /api/v1/candidates` (and the triage page's state).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidateQuery {
    /// `pretrained`, `pretrained_physical` or a completed training's id; empty (the
    /// default): the pretrained model that ranks the future better (the temporal report's
    /// `triage_default`).
    #[serde(default)]
    pub model: String,
    /// One mission's candidates; all three when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mission: Option<Mission>,
    #[serde(default)]
    pub order: CandidateOrder,
    /// The cost of following up a false positive, in planets (for `expected_value`).
    #[serde(default = "default_fp_cost")]
    pub fp_cost: f64,
    #[serde(default = "default_limit")]
    pub limit: usize,
    #[serde(default)]
    pub offset: usize,
    /// Value ranges: an object without the value is left out when its range is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub magnitude_min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub magnitude_max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature_min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature_max: Option<f64>,
}

impl Default for CandidateQuery {
    fn default() -> Self {
        CandidateQuery {
            model: String::new(),
            mission: None,
            order: CandidateOrder::default(),
            fp_cost: default_fp_cost(),
            limit: default_limit(),
            offset: 0,
            period_min: None,
            period_max: None,
            radius_min: None,
            radius_max: None,
            magnitude_min: None,
            magnitude_max: None,
            temperature_min: None,
            temperature_max: None,
        }
    }
}

impl CandidateQuery {
    pub const DEFAULT_LIMIT: usize = 50;
    pub const MAX_LIMIT: usize = 500;

    /// The value ranges: name in the query, unit, min, max, and an object's value.
    pub fn ranges(&self) -> [ValueRange; 4] {
        [
            ("period", "days", self.period_min, self.period_max, |v| v.period),
            ("radius", "Earth radii", self.radius_min, self.radius_max, |v| v.radius),
            ("magnitude", "mag", self.magnitude_min, self.magnitude_max, |v| v.magnitude),
            ("temperature", "K", self.temperature_min, self.temperature_max, |v| v.temperature),
        ]
    }

    /// The lower (`max` false) or upper bound of the range `name` ("period", "radius",
    /// "magnitude", "temperature").
    pub fn bound_mut(&mut self, name: &str, max: bool) -> Option<&mut Option<f64>> {
        Some(match (name, max) {
            ("period", false) => &mut self.period_min,
            ("period", true) => &mut self.period_max,
            ("radius", false) => &mut self.radius_min,
            ("radius", true) => &mut self.radius_max,
            ("magnitude", false) => &mut self.magnitude_min,
            ("magnitude", true) => &mut self.magnitude_max,
            ("temperature", false) => &mut self.temperature_min,
            ("temperature", true) => &mut self.temperature_max,
            _ => return None,
        })
    }

    /// The query string for this query (for links to the CSV export and the API).
    pub fn to_query_string(&self) -> String {
        let mut parts = Vec::new();
        if !self.model.trim().is_empty() {
            parts.push(format!("model={}", self.model));
        }
        if let Some(m) = self.mission {
            parts.push(format!("mission={}", m.id()));
        }
        parts.push(format!("order={}", self.order.as_str()));
        if self.order == CandidateOrder::ExpectedValue {
            parts.push(format!("fp_cost={}", self.fp_cost));
        }
        for (name, _, min, max, _) in self.ranges() {
            if let Some(v) = min {
                parts.push(format!("{name}_min={v}"));
            }
            if let Some(v) = max {
                parts.push(format!("{name}_max={v}"));
            }
        }
        parts.push(format!("limit={}", self.limit));
        parts.push(format!("offset={}", self.offset));
        parts.join("&")
    }
}

/// The values a shortlist is filtered by and a person reads first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CandidateValues {
    /// Orbital period [days].
    pub period: Option<f64>,
    /// Planet radius [Earth radii].
    pub radius: Option<f64>,
    /// Equilibrium temperature [K].
    pub temperature: Option<f64>,
    /// The star's brightness in the survey's band [mag]; smaller is brighter.
    pub magnitude: Option<f64>,
    /// Right ascension and declination [degrees].
    pub ra: Option<f64>,
    pub dec: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectLinks {
    /// The object's overview at the NASA Exoplanet Archive.
    pub archive: String,
    /// Its target page at ExoFOP, where follow-up observations are shared.
    pub exofop: String,
}

/// One unresolved object with the model's view of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// 1 = first in the chosen order, over all filtered candidates.
    pub rank: usize,
    pub id: String,
    pub mission: Mission,
    /// KepID, TIC id or host name.
    pub host: String,
    /// The archive's own word (CANDIDATE, PC, APC).
    pub disposition: String,
    pub prediction: ClassLabel,
    pub probabilities: BTreeMap<ClassLabel, f64>,
    /// The number the list is ordered by.
    pub score: f64,
    pub reasons: Vec<Reason>,
    pub explanation: Option<Explanation>,
    pub links: ObjectLinks,
    pub values: CandidateValues,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CandidatePage {
    pub model: String,
    /// "the pretrained model", or a saved model's family and table.
    pub model_name: String,
    pub order: CandidateOrder,
    /// Candidates after the filters (the pages cover these).
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub candidates: Vec<Candidate>,
    /// Unresolved objects per mission before the value filters.
    pub unresolved: BTreeMap<Mission, usize>,
    pub notes: Vec<String>,
}
