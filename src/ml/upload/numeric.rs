//! Parsing feature columns into numbers, shared by training files and test files, so both
//! name their bad cells the same way.

use super::read::invalid;
use crate::ml::csv_table::CsvTable;
use crate::ml::error::Result;

/// Parses the feature columns; every non-numeric cell of a column is counted and the first
/// few reported together, and infinities are refused (they are not measurements).
pub(super) fn numeric_columns(table: &CsvTable, columns: &[String], rows: &[usize]) -> Result<ndarray::Array2<f64>> {
    let file = table.file_label.as_str();
    let mut x = ndarray::Array2::from_elem((rows.len(), columns.len()), f64::NAN);
    for (j, column) in columns.iter().enumerate() {
        let cells = table.text_column(column)?;
        let mut bad: Vec<(usize, String)> = Vec::new();
        for (i, &row) in rows.iter().enumerate() {
            let Some(text) = cells[row].as_deref().map(str::trim) else { continue };
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => x[[i, j]] = v,
                Ok(_) => {
                    return Err(invalid(
                        file,
                        format!(
                        "column '{column}', row {}: '{text}' is infinite; leave the cell empty if the value is unknown",
                        table.line_of_row(row)
                    ),
                    ))
                }
                Err(_) => bad.push((table.line_of_row(row), text.to_string())),
            }
        }
        if !bad.is_empty() {
            let first: Vec<String> = bad.iter().take(3).map(|(line, v)| format!("row {line}: '{v}'")).collect();
            return Err(invalid(
                file,
                format!("column '{column}' should hold numbers but {} value{} not ({}); fix them, leave them empty, or drop the column", bad.len(), if bad.len() == 1 { " is" } else { "s are" }, first.join(", ")),
            ));
        }
    }
    Ok(x)
}
