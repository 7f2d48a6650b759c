//! JSON rows written as a CSV table (header = every key, in first-seen order), bounded like
//! an uploaded table, so they go through exactly the checks of an uploaded file.

use crate::api::predictions_csv::quote;
use crate::api::{ApiError, PredictRequest};
use crate::domain::ErrorCode;
use crate::ml::csv_table::CsvTable;
use crate::ml::table_limits::process_limits;

/// Most rows one JSON request may carry (a CSV file is bounded by the upload limit instead).
pub const MAX_JSON_ROWS: usize = 10_000;

pub(super) fn rows_table(request: &PredictRequest) -> Result<CsvTable, ApiError> {
    if request.rows.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "'rows' is empty: send at least one object as {column: value}.",
        )
        .with_field("rows"));
    }
    if request.rows.len() > MAX_JSON_ROWS {
        return Err(ApiError::new(
            ErrorCode::TooLarge,
            format!(
                "{} rows is more than {MAX_JSON_ROWS}, the most one JSON request may carry; send a CSV file instead.",
                request.rows.len()
            ),
        )
        .with_field("rows"));
    }
    // Bounded like an uploaded table, before the table is built: keys per row and in all
    // (a header of every distinct key), and bytes per value.
    let limits = process_limits();
    let mut header: Vec<&String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, row) in request.rows.iter().enumerate() {
        for (key, value) in row {
            let long = matches!(value, serde_json::Value::String(v) if v.len() > limits.max_cell_bytes)
                || key.len() > limits.max_cell_bytes;
            if long {
                return Err(ApiError::new(
                    ErrorCode::TooLarge,
                    format!(
                        "rows[{i}]: a key or value is longer than {} bytes (EXO_MAX_CELL_BYTES).",
                        limits.max_cell_bytes
                    ),
                )
                .with_field(format!("rows[{i}]")));
            }
            if seen.insert(key.as_str()) {
                header.push(key);
            }
        }
        if header.len() > limits.max_columns {
            return Err(ApiError::new(
                ErrorCode::TooLarge,
                format!("the rows use more than {} distinct keys (EXO_MAX_UPLOAD_COLUMNS), the most one table may have; rows[{i}] went past it. Send only the model's input columns.", limits.max_columns),
            )
            .with_field(format!("rows[{i}]")));
        }
    }
    let mut csv = header.iter().map(|h| quote(h)).collect::<Vec<_>>().join(",");
    csv.push('\n');
    for (i, row) in request.rows.iter().enumerate() {
        let mut cells = Vec::with_capacity(header.len());
        for key in &header {
            cells.push(match row.get(*key) {
                None | Some(serde_json::Value::Null) => String::new(),
                Some(serde_json::Value::Number(n)) => n.to_string(),
                Some(serde_json::Value::String(s)) => quote(s),
                Some(other) => {
                    return Err(ApiError::new(
                        ErrorCode::InvalidValue,
                        format!("rows[{i}].{key}: {other} is neither a number nor text."),
                    )
                    .with_field(format!("rows[{i}].{key}")))
                }
            });
        }
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    // Our own CSV: no need for the upload checks (a one-column header is fine here).
    CsvTable::from_bytes("rows", csv.into_bytes()).map_err(ApiError::from)
}
