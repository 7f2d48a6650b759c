//! How a training's test part is chosen, as a request names it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SplitKind {
    /// Whole host stars drawn at random (seeded), class mix kept: the default.
    #[default]
    Random,
    /// Learn from the objects settled before a cut-off date, test on those resolved after
    /// it (the TESS TOI table, dated by `rowupdate`).
    Temporal,
}
