//! The ML layer's error as the API answers it: one conversion, the status decided by the
//! variant (axum's AppError pattern), so every route and server function reports a table,
//! hyperparameter or cost problem the same way. Messages name the file, column, row or
//! limit; the only variant that carries server internals (a file of the server's own that
//! could not be read) is logged and never sent.

use crate::api::ApiError;
use crate::domain::ErrorCode;
use crate::ml::MlError;

impl From<MlError> for ApiError {
    fn from(error: MlError) -> Self {
        let code = match &error {
            MlError::InvalidHyperparameter { name, reason } => {
                return ApiError::new(ErrorCode::InvalidHyperparameter, format!("Hyperparameter '{name}' {reason}."))
                    .with_field(format!("hyperparameters.{name}"));
            }
            MlError::Io { .. } => return ApiError::internal(error.to_string()),
            MlError::Cancelled => {
                return ApiError::new(ErrorCode::Timeout, "The work was stopped before it finished; try again.")
            }
            // Its own code: the predict page answers it with the column-choice form.
            MlError::UnrecognisedColumns { .. } => ErrorCode::UnrecognisedColumns,
            MlError::TooLarge { .. } => ErrorCode::TooLarge,
            MlError::TooCostly(_) => ErrorCode::TooCostly,
            MlError::InvalidUpload { .. }
            | MlError::Csv { .. }
            | MlError::NotNumeric { .. }
            | MlError::MissingColumn { .. }
            | MlError::UnknownLabel { .. } => ErrorCode::InvalidUpload,
            MlError::Split(_) | MlError::Training(_) => ErrorCode::InvalidValue,
            MlError::UnknownModel(_) => ErrorCode::UnknownModel,
            MlError::UnknownDataset(_) => ErrorCode::UnknownDataset,
        };
        ApiError::new(code, error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The status follows the variant; a hyperparameter names its field; the server's own
    /// file paths stay in the log.
    #[test]
    fn ml_errors_answer_by_kind() {
        let answer = |e: MlError| ApiError::from(e);
        let bad =
            answer(MlError::InvalidHyperparameter { name: "n_trees".into(), reason: "must be at least 1".into() });
        assert_eq!(
            (bad.code, bad.field.as_deref()),
            (ErrorCode::InvalidHyperparameter, Some("hyperparameters.n_trees"))
        );
        let row =
            answer(MlError::NotNumeric { file: "a.csv".into(), column: "period".into(), row: 3, value: "x".into() });
        assert_eq!(row.code, ErrorCode::InvalidUpload);
        assert!(row.message.contains("a.csv") && row.message.contains("row 3"), "{}", row.message);
        assert_eq!(answer(MlError::TooCostly("12 GB".into())).code, ErrorCode::TooCostly);
        assert_eq!(answer(MlError::Split("one class".into())).code, ErrorCode::InvalidValue);
        let io = answer(MlError::Io { file: "/srv/data/koi.csv".into(), reason: "denied".into() });
        assert_eq!(io.code, ErrorCode::Internal);
        assert!(!io.message.contains("/srv/data"), "{}", io.message);
    }
}
