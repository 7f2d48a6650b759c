//! What the server made of an uploaded table, for the mapping form.

use serde::{Deserialize, Serialize};

use crate::domain::{ClassLabel, Mission};

/// What the server made of an uploaded table, for the mapping form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UploadInspection {
    pub file: String,
    pub rows: usize,
    /// `kepler`, `tess` or `k2` when the table is that archive export.
    pub detected: Option<Mission>,
    pub columns: Vec<ColumnInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    pub numeric: bool,
    pub missing_rate: f64,
    pub sample: Vec<String>,
    pub distinct: Vec<String>,
    /// The server's first guess at what each of `distinct` means should this be the label
    /// column (`null`: no guess), in the same order; left out when no value has a guess.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggested: Vec<Option<ClassLabel>>,
    /// Set for known label-leaking archive columns (off by default as features).
    pub leak: Option<String>,
}
