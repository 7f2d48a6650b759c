//! A test file for a trained model: which label and id columns it would have, whether it
//! has labels at all, its unlabelled rows, and that it carries every training feature.

use super::labelled_dataset::ColumnMapping;
use super::numeric::numeric_columns;
use super::read::invalid;
use crate::ml::csv_table::CsvTable;
use crate::ml::error::Result;
use crate::ml::Mission;

/// Objects to predict without labels (a test file whose label column is absent or empty).
#[derive(Debug, Clone)]
pub struct UnlabelledRows {
    pub ids: Vec<String>,
    pub x: ndarray::Array2<f64>,
}

/// The label column a test file would have, and the column naming its objects: the
/// mapping's, or those of the archive export whose default features the model uses.
pub fn test_label_columns(mapping: Option<&ColumnMapping>, features: &[String]) -> Option<(String, Option<String>)> {
    match mapping {
        Some(m) => Some((m.label_column.clone(), m.id_column.clone())),
        None => Mission::ALL
            .into_iter()
            .find(|m| m.default_features().iter().copied().eq(features.iter().map(String::as_str)))
            .map(|m| (m.label_column().to_string(), Some(m.id_column().to_string()))),
    }
}

/// True when the table has no labels to score predictions against: the label column is
/// missing, or holds no value in any row.
pub fn lacks_labels(table: &CsvTable, label_column: &str) -> Result<bool> {
    if !table.has_column(label_column) {
        return Ok(true);
    }
    Ok(table.text_column(label_column)?.iter().all(|v| v.as_deref().is_none_or(|v| v.trim().is_empty())))
}

/// Every row of a test file without labels: its id (the id column's value, else its row
/// number) and the training features, with the same per-cell checks as a training file.
pub fn unlabelled_rows(table: &CsvTable, features: &[String], id_column: Option<&str>) -> Result<UnlabelledRows> {
    let rows: Vec<usize> = (0..table.frame.height()).collect();
    if rows.is_empty() {
        return Err(invalid(&table.file_label, "the file has a header row but no data rows"));
    }
    let ids = match id_column.filter(|c| table.has_column(c)) {
        Some(c) => {
            let cells = table.text_column(c)?;
            rows.iter()
                .map(|&r| {
                    cells[r]
                        .as_deref()
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(String::from)
                        .unwrap_or_else(|| format!("row {}", table.line_of_row(r)))
                })
                .collect()
        }
        None => rows.iter().map(|&r| format!("row {}", table.line_of_row(r))).collect(),
    };
    let x = numeric_columns(table, features, &rows)?;
    if !x.iter().any(|v| v.is_finite()) {
        return Err(invalid(&table.file_label, "no training feature holds a single number in this file"));
    }
    Ok(UnlabelledRows { ids, x })
}

/// A test file must carry every feature the model was trained on.
pub fn check_test_columns(table: &CsvTable, features: &[String]) -> Result<()> {
    let missing: Vec<&str> = features.iter().filter(|f| !table.has_column(f)).map(String::as_str).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(invalid(
            &table.file_label,
            format!(
                "the test file lacks training feature{} {}",
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            ),
        ))
    }
}
