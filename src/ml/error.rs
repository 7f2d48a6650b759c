//! Errors of the ML layer. Each variant names what was wrong with enough context
//! (file, column, row, value) for the server to turn it into a user-facing message.

use thiserror::Error;

#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MlError {
    #[error("cannot read {file}: {reason}")]
    Io { file: String, reason: String },
    #[error("{file} is not a readable CSV table: {reason}")]
    Csv { file: String, reason: String },
    #[error("{file} has no column '{column}'")]
    MissingColumn { file: String, column: String },
    #[error("{file}, column '{column}', row {row}: expected a number, found '{value}'")]
    NotNumeric { file: String, column: String, row: usize, value: String },
    #[error("{file}, column '{column}', row {row}: unknown label '{value}'")]
    UnknownLabel { file: String, column: String, row: usize, value: String },
    #[error("hyperparameter '{name}': {reason}")]
    InvalidHyperparameter { name: String, reason: String },
    #[error("unknown model '{0}'")]
    UnknownModel(String),
    #[error("unknown dataset '{0}'")]
    UnknownDataset(String),
    #[error("the data cannot be split: {0}")]
    Split(String),
    #[error("training failed: {0}")]
    Training(String),
    #[error("{file}: {message}")]
    InvalidUpload { file: String, message: String },
    /// A table beyond a size limit (rows, columns, cell bytes): the message names the limit
    /// and its setting.
    #[error("{file}: {message}")]
    TooLarge { file: String, message: String },
    /// A training whose estimated memory is beyond the limit: the message names the figure
    /// and what to change.
    #[error("{0}")]
    TooCostly(String),
    /// A table to predict in which none of the model's inputs is recognised by name: the
    /// user has to say which column holds what.
    #[error("{file}: none of the model's input columns is in the file; expected columns such as {expected}")]
    UnrecognisedColumns { file: String, expected: String },
    #[error("training was cancelled")]
    Cancelled,
}

pub type Result<T, E = MlError> = std::result::Result<T, E>;
