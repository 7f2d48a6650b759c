//! Objects to predict with the pretrained model, read from any table: one of the archive's
//! exports (KOI, TOI, K2 — its own column names, recognised by which of them it has) or a
//! table with the harmonised names (`period`, `depth`, …, optionally `mission` and `label`).
//! Missing features are allowed (the booster handles them); labels, when present, give
//! metrics.

mod column_choice;
mod objects;
mod prediction;
mod read_rows;
mod recognise;

pub use column_choice::{objects_by_columns, ColumnChoice};
pub use objects::ObjectsToPredict;
pub use prediction::{predict, predict_within, PredictedObjects};
pub use read_rows::export_rows;
pub use recognise::{mission_of_columns, objects_by_feature_names, objects_from_csv, objects_from_table};
