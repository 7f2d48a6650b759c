//! The contract between browser and server: serde types both sides share, the one error
//! type, and the `#[server]` functions the pages call. Function bodies run only on the
//! server and delegate to `crate::server::trainings`.

pub mod account;
pub mod candidates_csv;
pub mod column_guess;
pub mod error;
pub mod functions;
pub mod predictions_csv;
pub mod types;

pub use account::*;
pub use candidates_csv::candidates_csv;
pub use error::ApiError;
pub use types::*;

/// The domain values every DTO uses, so `use crate::api::*` brings them along.
pub use crate::domain::{ClassLabel, DatasetRef, ErrorCode, ExplanationSpace, Mission, ParamKind, ScoredOn, SplitKind};
