//! Data transfer types: the JSON routes under `/api/v1` serialise exactly these, and the
//! pages read them. One file per subject.

mod candidates;
mod catalog;
mod decision;
mod exact_float;
mod explanation;
mod feature_sets;
mod learning_demo;
mod metrics;
mod model_card;
mod predict_request;
mod prediction_page;
mod sky;
mod temporal;
mod train_request;
mod training_result;
mod training_status;
mod tuning;
mod upload_inspection;

pub use candidates::*;
pub use catalog::*;
pub use decision::*;
pub use explanation::*;
pub use feature_sets::*;
pub use learning_demo::*;
pub use metrics::*;
pub use model_card::*;
pub use predict_request::*;
pub use prediction_page::*;
pub use sky::*;
pub use temporal::*;
pub use train_request::*;
pub use training_result::*;
pub use training_status::*;
pub use tuning::*;
pub use upload_inspection::*;
