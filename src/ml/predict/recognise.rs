//! Tables whose columns are recognised without asking: an archive export (by which of its
//! own columns it has), a table on the harmonised names, or a table on a saved model's
//! feature names.

use super::objects::ObjectsToPredict;
use super::read_rows::{read_objects, Roles};
use crate::ml::csv_table::CsvTable;
use crate::ml::error::{MlError, Result};
use crate::ml::harmonised::FEATURES;
use crate::ml::upload::read_upload;
use crate::ml::Mission;

/// The archive export a table's columns come from: the mission with the most of its own
/// harmonised columns present (at least two), its object-id column counting double.
pub fn mission_of_columns(table: &CsvTable) -> Option<Mission> {
    let score = |m: Mission| {
        let own = FEATURES.iter().filter_map(|f| f.column(m)).filter(|c| table.has_column(c)).count();
        own + if table.has_column(m.id_column()) { 2 } else { 0 }
    };
    let mut ranked: Vec<(usize, Mission)> = Mission::ALL.iter().map(|&m| (score(m), m)).collect();
    ranked.sort_by_key(|r| std::cmp::Reverse(r.0));
    (ranked[0].0 >= 2 && ranked[0].0 > ranked[1].0).then_some(ranked[0].1)
}

/// Reads the rows of an uploaded file (`file` names it in messages).
pub fn objects_from_csv(file: &str, bytes: Vec<u8>, hint: Option<Mission>) -> Result<ObjectsToPredict> {
    let table = read_upload(file, bytes)?;
    objects_from_table(&table, hint)
}

pub fn objects_from_table(table: &CsvTable, hint: Option<Mission>) -> Result<ObjectsToPredict> {
    let file = table.file_label.as_str();
    let harmonised_present = FEATURES.iter().filter(|f| table.has_column(f.name)).count();
    // The table's own naming: an archive export's columns, else the harmonised names.
    let export = if harmonised_present > 0 { None } else { hint.or_else(|| mission_of_columns(table)) };
    let columns: Vec<Option<&str>> = (0..FEATURES.len())
        .map(|i| match export {
            Some(m) => FEATURES[i].column(m),
            None => Some(FEATURES[i].name),
        })
        .collect();
    if !columns.iter().any(|c| c.is_some_and(|c| table.has_column(c))) {
        let examples: Vec<String> = FEATURES
            .iter()
            .take(4)
            .map(|f| format!("{} (or {})", f.name, f.columns.iter().flatten().next().copied().unwrap_or("")))
            .collect();
        return Err(MlError::UnrecognisedColumns { file: file.to_string(), expected: examples.join(", ") });
    }
    read_objects(table, &columns, &Roles::of(table, export), export, hint)
}

/// Rows for a model trained on named columns (a saved model): each feature read from the
/// column of that name; `mission` (the model's training table) gives the id and label
/// columns of its archive export.
pub fn objects_by_feature_names(
    table: &CsvTable,
    features: &[String],
    mission: Option<Mission>,
) -> Result<ObjectsToPredict> {
    let columns: Vec<Option<&str>> = features.iter().map(|f| Some(f.as_str())).collect();
    if !features.iter().any(|f| table.has_column(f)) {
        let examples: Vec<&str> = features.iter().take(4).map(String::as_str).collect();
        return Err(MlError::UnrecognisedColumns { file: table.file_label.clone(), expected: examples.join(", ") });
    }
    let export = mission.filter(|m| table.has_column(m.id_column()) || table.has_column(m.label_column()));
    read_objects(table, &columns, &Roles::of(table, export), export, mission)
}
