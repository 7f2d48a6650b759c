//! How an uploaded table that is not an archive export becomes a labelled dataset: which
//! column is the label and what its values mean, which columns are features, and which name
//! the objects and their host stars. The train form fills it in, the API accepts it
//! (`mapping`), and the ML layer reads the table through it: one type for all three.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnMapping {
    pub label_column: String,
    /// Label value → class id (`confirmed`, `candidate`, `false_positive`); rows whose value
    /// is not listed are left out (for example unvetted objects). Checked by the ML layer,
    /// which names a wrong class id in its message.
    pub label_values: BTreeMap<String, String>,
    pub features: Vec<String>,
    /// Object names for the results; row numbers when absent.
    #[serde(default)]
    pub id_column: Option<String>,
    /// Host star, to keep a star's objects on one side of the split; each row its own
    /// group when absent.
    #[serde(default)]
    pub group_column: Option<String>,
    /// The date each row's label was last set (`YYYY-MM-DD`, maybe followed by a time),
    /// for a temporal split; absent when the table has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_column: Option<String>,
}
