//! Turns the ML layer's plain results into the API's types.

mod importance;
mod metrics;
mod model_info;
mod prediction_rows;
mod training_result;

pub use metrics::{cross_validation_report, metrics_report};
pub use model_info::model_info;
pub use prediction_rows::prediction_rows;
pub use training_result::training_result;
