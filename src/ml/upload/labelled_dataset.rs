//! Building the labelled dataset from an uploaded table: an archive export through its
//! mission's own columns, any other table through the user's [`ColumnMapping`]; then the
//! check that it holds enough to be trained on.

use std::collections::{BTreeMap, HashSet};

use super::numeric::numeric_columns;
use super::read::{detect_mission, invalid};
use crate::ml::csv_table::CsvTable;
use crate::ml::dataset::{LabelledDataset, RowDates};
use crate::ml::error::Result;
use crate::ml::ClassLabel;

/// Fewest objects of a class the training file must hold.
pub const MIN_ROWS_PER_CLASS: usize = 10;

/// The mapping is shared with the API and the form (one definition, in `domain`).
pub use crate::domain::ColumnMapping;

/// Builds a dataset from an uploaded table: an archive export with its mission's own
/// columns, else through `mapping`. Then checks it can be trained on.
pub fn dataset_from_upload(table: &CsvTable, mapping: Option<&ColumnMapping>) -> Result<LabelledDataset> {
    let file = table.file_label.as_str();
    let data = match (mapping, detect_mission(table)) {
        (Some(m), _) => mapped_dataset(table, m)?,
        (None, Some(mission)) => {
            let mut d = LabelledDataset::from_mission_table(table, mission)?;
            d.name = format!("{file} ({} export)", mission.table_name());
            d
        }
        (None, None) => {
            return Err(invalid(file, "this is not one of the archive's KOI, TOI or K2 exports, so choose its label column, label values and feature columns"))
        }
    };
    check_trainable(file, &data)?;
    Ok(data)
}

/// The mapping's features: at least one, each named once, no more than the table has
/// columns. Checked before any column is read, so a mapping that names one column two
/// million times costs a scan of its names, not a rows × features matrix.
pub fn check_mapping_features(file: &str, features: &[String], table_columns: usize) -> Result<()> {
    if features.is_empty() {
        return Err(invalid(file, "choose at least one feature column"));
    }
    if features.len() > table_columns {
        return Err(invalid(file, format!("the column mapping names {} features but the table has only {table_columns} columns; name each feature column once", features.len())));
    }
    let mut seen = HashSet::new();
    if let Some(twice) = features.iter().find(|f| !seen.insert(f.as_str())) {
        return Err(invalid(
            file,
            format!("the column mapping names feature '{twice}' more than once; name each feature column once"),
        ));
    }
    Ok(())
}

fn mapped_dataset(table: &CsvTable, m: &ColumnMapping) -> Result<LabelledDataset> {
    let file = table.file_label.as_str();
    if !table.has_column(&m.label_column) {
        return Err(invalid(file, format!("the label column '{}' is not in the file", m.label_column)));
    }
    let classes: BTreeMap<&str, ClassLabel> = m
        .label_values
        .iter()
        .map(|(value, class)| {
            ClassLabel::ALL.into_iter().find(|c| c.as_str() == class).map(|c| (value.as_str(), c)).ok_or_else(|| {
                invalid(
                    file,
                    format!("label value '{value}' is mapped to '{class}'; use confirmed, candidate or false_positive"),
                )
            })
        })
        .collect::<Result<_>>()?;
    check_mapping_features(file, &m.features, table.frame.width())?;
    for column in m.features.iter().chain(m.id_column.iter()).chain(m.group_column.iter()).chain(m.date_column.iter()) {
        if !table.has_column(column) {
            return Err(invalid(file, format!("column '{column}' is not in the file")));
        }
    }
    if m.features.contains(&m.label_column) {
        return Err(invalid(file, format!("the label column '{}' cannot also be a feature", m.label_column)));
    }
    let labels_raw = table.text_column(&m.label_column)?;
    let kept: Vec<usize> = (0..labels_raw.len())
        .filter(|&r| labels_raw[r].as_deref().is_some_and(|v| classes.contains_key(v.trim())))
        .collect();
    let labels = kept.iter().map(|&r| classes[labels_raw[r].as_deref().unwrap_or_default().trim()]).collect();
    let column_or_rows = |column: &Option<String>| -> Result<Vec<String>> {
        Ok(match column {
            Some(c) => {
                let cells = table.text_column(c)?;
                kept.iter()
                    .map(|&r| cells[r].clone().unwrap_or_else(|| format!("row {}", table.line_of_row(r))))
                    .collect()
            }
            None => kept.iter().map(|&r| format!("row {}", table.line_of_row(r))).collect(),
        })
    };
    let x = numeric_columns(table, &m.features, &kept)?;
    Ok(LabelledDataset {
        name: file.to_string(),
        ids: column_or_rows(&m.id_column)?,
        groups: column_or_rows(&m.group_column)?,
        labels,
        feature_names: m.features.clone(),
        feature_descriptions: m
            .features
            .iter()
            .map(|f| table.descriptions.get(f).cloned().unwrap_or_default())
            .collect(),
        x,
        dates: m.date_column.as_deref().map(|column| RowDates::read(table, column, &kept)).transpose()?,
    })
}

/// The dataset has what training needs: two classes, ten objects each, a feature that is
/// not empty everywhere.
pub fn check_trainable(file: &str, data: &LabelledDataset) -> Result<()> {
    let counts = data.class_counts();
    let present: Vec<usize> = (0..ClassLabel::COUNT).filter(|&c| counts[c] > 0).collect();
    if present.len() < 2 {
        return Err(invalid(
            file,
            format!(
                "the labelled rows hold fewer than two classes ({}); a classifier needs at least two",
                describe_counts(&counts)
            ),
        ));
    }
    if let Some(c) = present.iter().find(|&&c| counts[c] < MIN_ROWS_PER_CLASS) {
        return Err(invalid(
            file,
            format!(
                "class '{}' has only {} rows; each class needs at least {MIN_ROWS_PER_CLASS} ({})",
                ClassLabel::ALL[*c].as_str(),
                counts[*c],
                describe_counts(&counts)
            ),
        ));
    }
    let usable = data.x.columns().into_iter().any(|c| c.iter().any(|v| v.is_finite()));
    if !usable {
        return Err(invalid(file, "no feature column holds a single number; choose numeric feature columns"));
    }
    Ok(())
}

fn describe_counts(counts: &[usize; ClassLabel::COUNT]) -> String {
    ClassLabel::ALL.iter().map(|c| format!("{} {}", c.as_str(), counts[c.index()])).collect::<Vec<_>>().join(", ")
}
