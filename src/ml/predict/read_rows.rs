//! Reading the rows of a table once its columns are known: each feature cell parsed (bad
//! cells named by column and row), and each row's id, label, mission and host star.

use ndarray::Array2;

use super::objects::ObjectsToPredict;
use crate::domain::ColumnRole;
use crate::ml::csv_table::CsvTable;
use crate::ml::error::{MlError, Result};
use crate::ml::upload::read_label;
use crate::ml::{ClassLabel, Mission};

pub(super) fn invalid(file: &str, message: impl Into<String>) -> MlError {
    MlError::InvalidUpload { file: file.to_string(), message: message.into() }
}

/// Which columns hold each row's id, label, mission and host star (`None`: not in the table).
pub(super) struct Roles<'a> {
    pub(super) id: Option<&'a str>,
    pub(super) label: Option<&'a str>,
    pub(super) mission: Option<&'a str>,
    pub(super) star: Option<&'a str>,
}

impl<'a> Roles<'a> {
    /// The column `column` names for each role.
    pub(super) fn from_fn(column: impl Fn(ColumnRole) -> Option<&'a str>) -> Roles<'a> {
        Roles {
            id: column(ColumnRole::Id),
            label: column(ColumnRole::Label),
            mission: column(ColumnRole::Mission),
            star: column(ColumnRole::Star),
        }
    }

    /// An archive export's own columns, else the conventional names.
    pub(super) fn of(table: &CsvTable, export: Option<Mission>) -> Roles<'a> {
        let first = |names: &[&'static str]| names.iter().copied().find(|c| table.has_column(c));
        match export {
            Some(m) => Roles {
                id: Some(m.id_column()),
                label: Some(m.label_column()),
                mission: None,
                star: Some(m.group_column()),
            },
            None => Roles::from_fn(|role| first(conventional_columns(role))),
        }
    }
}

/// The column names a table on the harmonised names may use for a role, the first one
/// present taken.
fn conventional_columns(role: ColumnRole) -> &'static [&'static str] {
    match role {
        ColumnRole::Id => &["id", "name", "object"],
        ColumnRole::Label => &["label", "disposition"],
        ColumnRole::Mission => &["mission"],
        ColumnRole::Star => &["star", "host", "hostname"],
    }
}

/// The rows of a table that are read: an archive export's default rows (K2's table has one
/// row per object and reference), else all.
pub fn export_rows(table: &CsvTable, export: Option<Mission>) -> Result<Vec<usize>> {
    Ok(match export.and_then(|m| m.row_filter()).filter(|f| table.has_column(f.column)) {
        Some(filter) => {
            let cells = table.text_column(filter.column)?;
            (0..cells.len()).filter(|&r| cells[r].as_deref().map(str::trim) == Some(filter.equals)).collect()
        }
        None => (0..table.frame.height()).collect(),
    })
}

/// The rows of `table` with feature `j` read from `columns[j]` (`None` or absent: missing),
/// ids, labels, missions and stars from the `roles` columns; every row of an `export` is
/// of its mission (and only its default rows are read).
pub(super) fn read_objects(
    table: &CsvTable,
    columns: &[Option<&str>],
    roles: &Roles,
    export: Option<Mission>,
    hint: Option<Mission>,
) -> Result<ObjectsToPredict> {
    let file = table.file_label.as_str();
    let rows = export_rows(table, export)?;
    if rows.is_empty() {
        return Err(invalid(file, "the file has a header row but no data rows"));
    }

    let mut x = Array2::from_elem((rows.len(), columns.len()), f64::NAN);
    for (j, column) in columns.iter().enumerate() {
        let Some(column) = column.filter(|c| table.has_column(c)) else { continue };
        let cells = table.text_column(column)?;
        for (i, &r) in rows.iter().enumerate() {
            let Some(text) = cells[r].as_deref().map(str::trim).filter(|t| !t.is_empty()) else { continue };
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => x[[i, j]] = v,
                _ => {
                    return Err(invalid(file, format!("column '{column}', row {}: '{text}' is not a finite number; leave the cell empty if the value is unknown", table.line_of_row(r))))
                }
            }
        }
    }

    let text_of = |column: &str| -> Result<Option<Vec<Option<String>>>> {
        if !table.has_column(column) {
            return Ok(None);
        }
        let cells = table.text_column(column)?;
        Ok(Some(
            rows.iter()
                .map(|&r| cells[r].as_deref().map(str::trim).filter(|t| !t.is_empty()).map(String::from))
                .collect(),
        ))
    };
    let ids: Vec<String> = match roles.id.map(text_of).transpose()?.flatten() {
        Some(cells) => cells
            .into_iter()
            .zip(&rows)
            .map(|(v, &r)| v.unwrap_or_else(|| format!("row {}", table.line_of_row(r))))
            .collect(),
        None => rows.iter().map(|&r| format!("row {}", table.line_of_row(r))).collect(),
    };
    let missions: Vec<Option<Mission>> = match (export, roles.mission.map(text_of).transpose()?.flatten()) {
        (Some(m), _) => vec![Some(m); rows.len()],
        (None, Some(cells)) => {
            let mut out = Vec::with_capacity(cells.len());
            for (v, &r) in cells.iter().zip(&rows) {
                out.push(match v.as_deref() {
                    None => hint,
                    Some(v) => Some(Mission::from_id(&v.to_lowercase()).ok_or_else(|| {
                        invalid(file, format!("column '{}', row {}: '{v}' is not a mission; use kepler, tess or k2, or leave it empty", roles.mission.unwrap_or(ColumnRole::Mission.as_str()), table.line_of_row(r)))
                    })?),
                });
            }
            out
        }
        (None, None) => vec![hint; rows.len()],
    };
    let labels: Vec<Option<ClassLabel>> = match roles.label.map(text_of).transpose()?.flatten() {
        Some(cells) => cells.iter().zip(&missions).map(|(v, mission)| read_label(v.as_deref()?, *mission)).collect(),
        None => vec![None; rows.len()],
    };
    let groups: Vec<String> = match roles.star.map(text_of).transpose()?.flatten() {
        Some(cells) => cells.into_iter().zip(&ids).map(|(star, id)| star.unwrap_or_else(|| id.clone())).collect(),
        None => ids.clone(),
    };
    let read_as = match export {
        Some(m) => format!("the archive's {} columns", m.table_name()),
        None => "harmonised column names".to_string(),
    };
    Ok(ObjectsToPredict { ids, x, missions, labels, groups, read_as })
}
