//! Reading an uploaded file: the byte-level checks made before any parsing, then
//! recognising whether the parsed table is one of the archive's own exports.

use std::collections::HashSet;

use crate::ml::csv_table::CsvTable;
use crate::ml::error::{MlError, Result};
use crate::ml::table_limits::{check_table_shape, process_limits};
use crate::ml::Mission;

pub(super) fn invalid(file: &str, message: impl Into<String>) -> MlError {
    MlError::InvalidUpload { file: file.to_string(), message: message.into() }
}

/// Reads an uploaded file after the checks of [`check_upload_text`].
pub fn read_upload(file: &str, bytes: Vec<u8>) -> Result<CsvTable> {
    check_upload_text(file, &bytes)?;
    CsvTable::from_bytes(file, bytes)
}

/// The checks on an uploaded file that need no parsing: not empty, within the size limits
/// (rows, columns, cell bytes: [`crate::ml::table_limits`]), UTF-8, a header row, no duplicate
/// column names, at least one data row.
pub fn check_upload_text(file: &str, bytes: &[u8]) -> Result<()> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(invalid(file, "the file is empty"));
    }
    let shape = check_table_shape(file, bytes, &process_limits())?;
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(invalid(file, format!("line {line} is not UTF-8 text; save the table as UTF-8 CSV")));
    }
    let text = std::str::from_utf8(bytes).expect("checked above");
    let header = text.lines().find(|l| !l.starts_with('#')).unwrap_or("");
    if !header.contains(',') {
        return Err(invalid(file, "the first line after any '#' lines is not a comma-separated header row (a CSV table needs one, with at least two columns)"));
    }
    let mut seen = HashSet::new();
    for name in header.split(',').map(|c| c.trim().trim_matches('"')) {
        if name.is_empty() {
            return Err(invalid(file, "the header row has an empty column name"));
        }
        if !seen.insert(name) {
            return Err(invalid(file, format!("column '{name}' appears twice in the header row")));
        }
    }
    if shape.rows == 0 {
        return Err(invalid(file, "the file has a header row but no data rows"));
    }
    Ok(())
}

/// Which archive export a table is, if any: it must have the mission's label, id and star
/// columns and most of its default features.
pub fn detect_mission(table: &CsvTable) -> Option<Mission> {
    Mission::ALL.into_iter().find(|m| {
        let has = |c: &str| table.has_column(c);
        let features = m.default_features();
        has(m.label_column())
            && has(m.id_column())
            && has(m.group_column())
            && features.iter().filter(|f| has(f)).count() * 10 >= features.len() * 9
    })
}
