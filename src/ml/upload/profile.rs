//! The column inspection behind the mapping form: for each column of a table that is not
//! an archive export, whether it is numeric, how much is missing, its values, and whether
//! it is a known label leak, with a first guess at what each value means should it be the
//! label column.

use super::label_guess::guess_label;
use crate::ml::csv_table::CsvTable;
use crate::ml::error::Result;
use crate::ml::{ClassLabel, Mission};

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
    /// What each of `distinct` probably means as a label ([`guess_label`]), in the same
    /// order; empty when no value has a guess.
    pub suggested: Vec<Option<ClassLabel>>,
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
            let mut suggested: Vec<Option<ClassLabel>> = distinct.iter().map(|v| guess_label(v)).collect();
            if suggested.iter().all(Option::is_none) {
                suggested.clear();
            }
            Ok(ColumnProfile {
                missing_rate: if cells.is_empty() { 0.0 } else { 1.0 - present.len() as f64 / cells.len() as f64 },
                sample: distinct.iter().take(5).cloned().collect(),
                distinct,
                suggested,
                numeric,
                leak,
                name,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_carry_a_guess_in_their_order() {
        let csv = "name,verdict,period\nb1,planet,1.5\nb2,Maybe,2\nb3,nope,3\nb4,FALSE POSITIVE,4\n";
        let table = CsvTable::from_bytes("mine.csv", csv.as_bytes().to_vec()).unwrap();
        let columns = profile(&table).unwrap();
        let verdict = columns.iter().find(|c| c.name == "verdict").unwrap();
        assert_eq!(verdict.distinct, ["planet", "Maybe", "nope", "FALSE POSITIVE"]);
        assert_eq!(
            verdict.suggested,
            [Some(ClassLabel::Confirmed), Some(ClassLabel::Candidate), None, Some(ClassLabel::FalsePositive)]
        );
        for other in columns.iter().filter(|c| c.name != "verdict") {
            assert!(other.suggested.is_empty(), "{}: nothing to guess", other.name);
        }
    }
}
