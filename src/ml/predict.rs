//! Objects to predict with the pretrained model, read from any table: one of the archive's
//! exports (KOI, TOI, K2 — its own column names, recognised by which of them it has) or a
//! table with the harmonised names (`period`, `depth`, …, optionally `mission` and `label`).
//! Missing features are allowed (the booster handles them); labels, when present, give
//! metrics.

use ndarray::Array2;

use super::csv_table::CsvTable;
use super::error::{MlError, Result};
use super::explain::{explain, Explanations};
use super::harmonised::FEATURES;
use super::pretrained::PretrainedModel;
use super::progress::{ProgressSlice, SilentProgress};
use super::upload::read_upload;
use super::{ClassLabel, Mission};

const K: usize = ClassLabel::COUNT;

/// Rows read for prediction, on the harmonised features.
#[derive(Debug, Clone)]
pub struct ObjectsToPredict {
    pub ids: Vec<String>,
    pub x: Array2<f64>,
    /// The mission of each row when known (from the table's kind, a `mission` column, or the
    /// caller's hint).
    pub missions: Vec<Option<Mission>>,
    /// Each row's label when the table has one.
    pub labels: Vec<Option<ClassLabel>>,
    /// Each row's host star (the export's star column, or `star` / `host` / `hostname`),
    /// else its id: fine-tuning splits by it so a star never sits on both sides.
    pub groups: Vec<String>,
    /// What the table was read as ("the archive's TESS TOI export", "harmonised columns").
    pub read_as: String,
}

impl ObjectsToPredict {
    /// Only the rows at `rows`, in that order.
    pub fn select(&self, rows: &[usize]) -> ObjectsToPredict {
        ObjectsToPredict {
            ids: rows.iter().map(|&r| self.ids[r].clone()).collect(),
            x: self.x.select(ndarray::Axis(0), rows),
            missions: rows.iter().map(|&r| self.missions[r]).collect(),
            labels: rows.iter().map(|&r| self.labels[r]).collect(),
            groups: rows.iter().map(|&r| self.groups[r].clone()).collect(),
            read_as: self.read_as.clone(),
        }
    }
}

/// Predictions with explanations, in row order.
#[derive(Debug, Clone)]
pub struct PredictedObjects {
    pub objects: ObjectsToPredict,
    pub probabilities: Vec<[f64; K]>,
    /// The model's inputs (harmonised features, then the mission code for that variant).
    pub features: Vec<String>,
    pub model_input: Array2<f64>,
    pub explanations: Explanations,
}

fn invalid(file: &str, message: impl Into<String>) -> MlError {
    MlError::InvalidUpload { file: file.to_string(), message: message.into() }
}

/// The archive export a table's columns come from: the mission with the most of its own
/// harmonised columns present (at least two), its object-id column counting double.
pub fn mission_of_columns(table: &CsvTable) -> Option<Mission> {
    let score = |m: Mission| {
        let own = FEATURES.iter().filter_map(|f| f.column(m)).filter(|c| table.has_column(c)).count();
        own + if table.has_column(m.id_column()) { 2 } else { 0 }
    };
    let mut ranked: Vec<(usize, Mission)> = Mission::ALL.iter().map(|&m| (score(m), m)).collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0));
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
        let examples: Vec<String> = FEATURES.iter().take(4).map(|f| format!("{} (or {})", f.name, f.columns.iter().flatten().next().copied().unwrap_or(""))).collect();
        return Err(invalid(file, format!("none of the model's input columns is in the file; expected columns such as {}", examples.join(", "))));
    }
    read_objects(table, &columns, export, hint)
}

/// Rows for a model trained on named columns (a saved model): each feature read from the
/// column of that name; `mission` (the model's training table) gives the id and label
/// columns of its archive export.
pub fn objects_by_feature_names(table: &CsvTable, features: &[String], mission: Option<Mission>) -> Result<ObjectsToPredict> {
    let columns: Vec<Option<&str>> = features.iter().map(|f| Some(f.as_str())).collect();
    if !features.iter().any(|f| table.has_column(f)) {
        let examples: Vec<&str> = features.iter().take(4).map(String::as_str).collect();
        return Err(invalid(&table.file_label, format!("none of the model's input columns is in the file; expected columns such as {}", examples.join(", "))));
    }
    let export = mission.filter(|m| table.has_column(m.id_column()) || table.has_column(m.label_column()));
    read_objects(table, &columns, export, mission)
}

/// The rows of `table` with feature `j` read from `columns[j]` (`None` or absent: missing),
/// ids, missions and labels from the export's columns (or `id` / `mission` / `label`).
fn read_objects(table: &CsvTable, columns: &[Option<&str>], export: Option<Mission>, hint: Option<Mission>) -> Result<ObjectsToPredict> {
    let file = table.file_label.as_str();
    let rows: Vec<usize> = match export.and_then(|m| m.row_filter()).filter(|f| table.has_column(f.column)) {
        Some(filter) => {
            let cells = table.text_column(filter.column)?;
            (0..cells.len()).filter(|&r| cells[r].as_deref().map(str::trim) == Some(filter.equals)).collect()
        }
        None => (0..table.frame.height()).collect(),
    };
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
        Ok(Some(rows.iter().map(|&r| cells[r].as_deref().map(str::trim).filter(|t| !t.is_empty()).map(String::from)).collect()))
    };
    let id_column = match export {
        Some(m) => Some(m.id_column()),
        None => ["id", "name", "object"].into_iter().find(|c| table.has_column(c)),
    };
    let ids: Vec<String> = match id_column.map(text_of).transpose()?.flatten() {
        Some(cells) => cells.into_iter().zip(&rows).map(|(v, &r)| v.unwrap_or_else(|| format!("row {}", table.line_of_row(r)))).collect(),
        None => rows.iter().map(|&r| format!("row {}", table.line_of_row(r))).collect(),
    };
    let missions: Vec<Option<Mission>> = match (export, text_of("mission")?) {
        (Some(m), _) => vec![Some(m); rows.len()],
        (None, Some(cells)) => {
            let mut out = Vec::with_capacity(cells.len());
            for (v, &r) in cells.iter().zip(&rows) {
                out.push(match v.as_deref() {
                    None => hint,
                    Some(v) => Some(Mission::from_id(&v.to_lowercase()).ok_or_else(|| {
                        invalid(file, format!("column 'mission', row {}: '{v}' is not a mission; use kepler, tess or k2, or leave it empty", table.line_of_row(r)))
                    })?),
                });
            }
            out
        }
        (None, None) => vec![hint; rows.len()],
    };
    let label_column = match export {
        Some(m) => Some(m.label_column()),
        None => ["label", "disposition"].into_iter().find(|c| table.has_column(c)),
    };
    let labels: Vec<Option<ClassLabel>> = match label_column.map(text_of).transpose()?.flatten() {
        Some(cells) => cells
            .iter()
            .zip(&missions)
            .map(|(v, mission)| {
                let v = v.as_deref()?;
                ClassLabel::ALL.into_iter().find(|c| c.as_str() == v).or_else(|| mission.and_then(|m| m.map_label(v)))
            })
            .collect(),
        None => vec![None; rows.len()],
    };
    let group_column = match export {
        Some(m) => Some(m.group_column()),
        None => ["star", "host", "hostname"].into_iter().find(|c| table.has_column(c)),
    };
    let groups: Vec<String> = match group_column.map(text_of).transpose()?.flatten() {
        Some(cells) => cells.into_iter().zip(&ids).map(|(star, id)| star.unwrap_or_else(|| id.clone())).collect(),
        None => ids.clone(),
    };
    let read_as = match export {
        Some(m) => format!("the archive's {} columns", m.table_name()),
        None => "harmonised column names".to_string(),
    };
    Ok(ObjectsToPredict { ids, x, missions, labels, groups, read_as })
}

/// Predicts and explains every object with the pretrained model.
pub fn predict(model: &PretrainedModel, objects: ObjectsToPredict) -> PredictedObjects {
    let model_input = model.model_input_per_row(&objects.x, &objects.missions);
    let probabilities = model.predict_proba_per_row(&objects.x, &objects.missions);
    let empty = Array2::<f64>::zeros((0, model_input.ncols()));
    let explanations = explain(&model.model, &model_input, &empty, model.seed, &ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 });
    PredictedObjects { objects, probabilities, features: model.features.clone(), model_input, explanations }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn model() -> PretrainedModel {
        crate::ml::pretrained::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(crate::ml::pretrained::FILE)).unwrap()
    }

    #[test]
    fn the_archives_toi_export_is_read_with_its_labels() {
        let bytes = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/toi.csv")).unwrap();
        let objects = objects_from_csv("toi.csv", bytes, None).unwrap();
        assert!(objects.read_as.contains("TESS"), "{}", objects.read_as);
        assert!(objects.labels.iter().filter(|l| l.is_some()).count() > 7000);
        assert!(objects.missions.iter().all(|m| *m == Some(Mission::Tess)));
        let predicted = predict(&model(), objects);
        let e = &predicted.explanations;
        for row in 0..3 {
            for c in 0..K {
                let sum: f64 = e.base[c] + e.values[row].iter().map(|v| v[c]).sum::<f64>();
                assert!((sum - e.outputs[row][c]).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn harmonised_columns_with_missing_values_predict_and_bad_cells_are_named() {
        let csv = "id,period,planet_radius,mission,label\nA,3.5,2.1,kepler,confirmed\nB,,11,,\n";
        let objects = objects_from_csv("mine.csv", csv.as_bytes().to_vec(), None).unwrap();
        assert_eq!(objects.ids, ["A", "B"]);
        assert_eq!(objects.missions, [Some(Mission::Kepler), None]);
        assert_eq!(objects.labels, [Some(ClassLabel::Confirmed), None]);
        let p = predict(&model(), objects);
        assert!(p.probabilities.iter().all(|p| (p.iter().sum::<f64>() - 1.0).abs() < 1e-9));
        let err = objects_from_csv("mine.csv", b"period,depth\n3,abc\n".to_vec(), None).unwrap_err().to_string();
        assert_eq!(err, "mine.csv: column 'depth', row 2: 'abc' is not a finite number; leave the cell empty if the value is unknown");
        let err = objects_from_csv("mine.csv", b"foo,bar\n1,2\n".to_vec(), None).unwrap_err().to_string();
        assert!(err.starts_with("mine.csv: none of the model's input columns is in the file"), "{err}");
    }
}
