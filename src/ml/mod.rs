//! The machine-learning library: NASA tables in, trained models, metrics and predictions out.
//!
//! Nothing here knows about HTTP, Leptos or training sessions. Every entry point takes plain
//! configuration plus a [`progress::ProgressSink`] and returns plain results, so the whole
//! pipeline can be driven from a unit test, a bench or the server's job workers alike.

pub mod bundled_tables;
pub mod calibration;
pub mod calibrator;
pub mod csv_table;
pub mod dataset;
pub mod error;
pub mod explain;
pub mod fine_tune;
pub mod harmonised;
pub mod metrics;
pub mod mission;
pub mod models;
pub mod pipeline;
pub mod predict;
pub mod pretrained;
pub mod progress;
pub mod shift;
pub mod sky;
pub mod split;
pub mod table_limits;
pub mod temporal;
pub mod tuning;
pub mod upload;

/// The class vocabulary is shared with the browser.
pub use crate::domain::class_label;
pub use crate::domain::ClassLabel;
pub use crate::domain::FeatureSet;
pub use error::MlError;
pub use mission::Mission;
