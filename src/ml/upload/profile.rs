//! The column inspection behind the mapping form: for each column of a table that is not
//! an archive export, whether it is numeric, how much is missing, its values, and whether
//! it is a known label leak.

use crate::ml::csv_table::CsvTable;
use crate::ml::error::Result;
use crate::ml::Mission;

/// One column of a table, described for the mapping form.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnProfile {
    pub name: String,
    /// At least 90 % of the present values parse as numbers.
    pub numeric: bool,
    pub missing_rate: f64,
    /// Up to five distinct present values.
    pub sample: Vec<String>,
    /// Distinct present values (capped at 50 for the label-mapping form).
    pub distinct: Vec<String>,
    /// Why this column should not be a feature, when it is a known archive leak.
    pub leak: Option<String>,
}

pub fn profile(table: &CsvTable) -> Result<Vec<ColumnProfile>> {
    let names: Vec<String> = table.frame.get_column_names().iter().map(|c| c.to_string()).collect();
    names
        .into_iter()
        .map(|name| {
            let cells = table.text_column(&name)?;
            let present: Vec<&str> = cells.iter().flatten().map(|s| s.trim()).collect();
            // Mostly numbers counts as numeric, so that a column with a few typos can be chosen
            // and training names the bad cells (row and value) instead of hiding the column.
            let numbers = present.iter().filter(|v| v.parse::<f64>().is_ok()).count();
            let numeric = !present.is_empty() && numbers * 10 >= present.len() * 9;
            let mut distinct: Vec<String> = Vec::new();
            for v in &present {
                if distinct.len() >= 50 {
                    break;
                }
                if !distinct.iter().any(|d| d == v) {
                    distinct.push(v.to_string());
                }
            }
            let leak = Mission::ALL.into_iter().find_map(|m| {
                m.excluded_columns()
                    .iter()
                    .find(|(c, _)| *c == name)
                    .filter(|_| m.is_label_leak(&name))
                    .map(|(_, why)| why.to_string())
            });
            Ok(ColumnProfile {
                missing_rate: if cells.is_empty() { 0.0 } else { 1.0 - present.len() as f64 / cells.len() as f64 },
                sample: distinct.iter().take(5).cloned().collect(),
                distinct,
                numeric,
                leak,
                name,
            })
        })
        .collect()
}
