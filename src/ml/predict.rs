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
use super::progress::{ProgressSink, ProgressSlice, SilentProgress};
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
        let examples: Vec<String> = FEATURES
            .iter()
            .take(4)
            .map(|f| format!("{} (or {})", f.name, f.columns.iter().flatten().next().copied().unwrap_or("")))
            .collect();
        return Err(MlError::UnrecognisedColumns { file: file.to_string(), expected: examples.join(", ") });
    }
    read_objects(table, &columns, &Roles::of(table, export), export, hint)
}

/// The roles a column can play besides a feature, as keys of a [`ColumnChoice`].
pub const ROLES: [&str; 4] = ["id", "label", "mission", "star"];

/// A user's choice of which column holds what, for a table that is neither an archive
/// export nor on the harmonised names: harmonised feature name (or a [`ROLES`] entry) →
/// the table's column. Features left out are missing.
pub type ColumnChoice = std::collections::BTreeMap<String, String>;

/// Rows read through a [`ColumnChoice`]; every key must be a feature or role and every
/// column must exist, else the error names both.
pub fn objects_by_columns(table: &CsvTable, choice: &ColumnChoice, hint: Option<Mission>) -> Result<ObjectsToPredict> {
    let file = table.file_label.as_str();
    for (key, column) in choice {
        if !FEATURES.iter().any(|f| f.name == key) && !ROLES.contains(&key.as_str()) {
            return Err(invalid(
                file,
                format!(
                    "'{key}' in the column choice is neither a model input ({}) nor one of {}",
                    FEATURES.iter().map(|f| f.name).collect::<Vec<_>>().join(", "),
                    ROLES.join(", ")
                ),
            ));
        }
        if !table.has_column(column) {
            return Err(invalid(file, format!("the column '{column}' chosen for {key} is not in the file")));
        }
    }
    let columns: Vec<Option<&str>> = FEATURES.iter().map(|f| choice.get(f.name).map(String::as_str)).collect();
    if columns.iter().all(Option::is_none) {
        return Err(invalid(file, "choose a column for at least one of the model's inputs"));
    }
    let role = |r: &str| choice.get(r).map(String::as_str);
    let roles = Roles { id: role("id"), label: role("label"), mission: role("mission"), star: role("star") };
    let mut objects = read_objects(table, &columns, &roles, None, hint)?;
    objects.read_as = "your column choice".into();
    Ok(objects)
}

/// Which columns hold each row's id, label, mission and host star (`None`: not in the table).
struct Roles<'a> {
    id: Option<&'a str>,
    label: Option<&'a str>,
    mission: Option<&'a str>,
    star: Option<&'a str>,
}

impl<'a> Roles<'a> {
    /// An archive export's own columns, else the conventional names.
    fn of(table: &CsvTable, export: Option<Mission>) -> Roles<'a> {
        let first = |names: &[&'static str]| names.iter().copied().find(|c| table.has_column(c));
        match export {
            Some(m) => Roles {
                id: Some(m.id_column()),
                label: Some(m.label_column()),
                mission: None,
                star: Some(m.group_column()),
            },
            None => Roles {
                id: first(&["id", "name", "object"]),
                label: first(&["label", "disposition"]),
                mission: first(&["mission"]),
                star: first(&["star", "host", "hostname"]),
            },
        }
    }
}

/// A label cell as a class: the class id in any case or spacing (`False positive`), or any
/// archive's disposition value (`CONFIRMED`, `FP`, `KP`, …); `None` otherwise.
fn label_of(value: &str, mission: Option<Mission>) -> Option<ClassLabel> {
    let normal = value.trim().to_lowercase().replace([' ', '-'], "_");
    if let Some(class) = ClassLabel::ALL.into_iter().find(|c| c.as_str() == normal) {
        return Some(class);
    }
    match mission {
        Some(m) => m.map_label(value),
        None => Mission::ALL.iter().find_map(|m| m.map_label(value)),
    }
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

/// The rows of `table` with feature `j` read from `columns[j]` (`None` or absent: missing),
/// ids, labels, missions and stars from the `roles` columns; every row of an `export` is
/// of its mission (and only its default rows are read).
fn read_objects(
    table: &CsvTable,
    columns: &[Option<&str>],
    roles: &Roles,
    export: Option<Mission>,
    hint: Option<Mission>,
) -> Result<ObjectsToPredict> {
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
                        invalid(file, format!("column '{}', row {}: '{v}' is not a mission; use kepler, tess or k2, or leave it empty", roles.mission.unwrap_or("mission"), table.line_of_row(r)))
                    })?),
                });
            }
            out
        }
        (None, None) => vec![hint; rows.len()],
    };
    let labels: Vec<Option<ClassLabel>> = match roles.label.map(text_of).transpose()?.flatten() {
        Some(cells) => cells.iter().zip(&missions).map(|(v, mission)| label_of(v.as_deref()?, *mission)).collect(),
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

/// Predicts and explains every object with the pretrained model.
pub fn predict(model: &PretrainedModel, objects: ObjectsToPredict) -> PredictedObjects {
    predict_within(model, objects, &SilentProgress).expect("a silent sink never cancels")
}

/// As [`predict`], stopping with [`MlError::Cancelled`] when `sink` says so (a request's
/// time budget ran out, or its client went away).
pub fn predict_within(
    model: &PretrainedModel,
    objects: ObjectsToPredict,
    sink: &dyn ProgressSink,
) -> Result<PredictedObjects> {
    let model_input = model.model_input_per_row(&objects.x, &objects.missions);
    let probabilities = model.predict_proba_per_row(&objects.x, &objects.missions);
    let empty = Array2::<f64>::zeros((0, model_input.ncols()));
    let explanations =
        explain(&model.model, &model_input, &empty, model.seed, &ProgressSlice { sink, start: 0.0, end: 1.0 });
    if sink.is_cancelled() {
        return Err(MlError::Cancelled);
    }
    Ok(PredictedObjects { objects, probabilities, features: model.features.clone(), model_input, explanations })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn model() -> PretrainedModel {
        crate::ml::pretrained::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(crate::ml::pretrained::FILE))
            .unwrap()
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

    /// A hand-made table read through a column choice: features, id, label (archive values
    /// and class ids in any case), star; a bad choice names the key or the column.
    #[test]
    fn a_column_choice_reads_a_hand_made_table() {
        let csv = "Name,Host,Orbital Period (d),Radius,Status\nb1,S1,3.5,2.0,CONFIRMED\nb2,S1,10.25,,False positive\nb3,S2,1.0,11,\n";
        let table = CsvTable::from_bytes("mine.csv", csv.as_bytes().to_vec()).unwrap();
        let choice: ColumnChoice = [
            ("period", "Orbital Period (d)"),
            ("planet_radius", "Radius"),
            ("id", "Name"),
            ("label", "Status"),
            ("star", "Host"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let objects = objects_by_columns(&table, &choice, None).unwrap();
        assert_eq!(objects.ids, ["b1", "b2", "b3"]);
        assert_eq!(objects.groups, ["S1", "S1", "S2"]);
        assert_eq!(objects.labels, [Some(ClassLabel::Confirmed), Some(ClassLabel::FalsePositive), None]);
        let period = FEATURES.iter().position(|f| f.name == "period").unwrap();
        let radius = FEATURES.iter().position(|f| f.name == "planet_radius").unwrap();
        assert_eq!((objects.x[[1, period]], objects.x[[0, radius]]), (10.25, 2.0));
        assert!(
            objects.x[[1, radius]].is_nan()
                && objects.x[[0, 0 + FEATURES.iter().position(|f| f.name == "depth").unwrap()]].is_nan()
        );
        assert_eq!(objects.read_as, "your column choice");

        let mut bad = choice.clone();
        bad.insert("depth".into(), "Depth".into());
        let e = objects_by_columns(&table, &bad, None).unwrap_err().to_string();
        assert!(e.contains("mine.csv") && e.contains("the column 'Depth' chosen for depth is not in the file"), "{e}");
        let mut bad = choice.clone();
        bad.insert("colour".into(), "Radius".into());
        assert!(objects_by_columns(&table, &bad, None)
            .unwrap_err()
            .to_string()
            .contains("'colour' in the column choice"));
        let only_roles: ColumnChoice = [("id".to_string(), "Name".to_string())].into_iter().collect();
        assert!(objects_by_columns(&table, &only_roles, None)
            .unwrap_err()
            .to_string()
            .contains("at least one of the model's inputs"));
    }
}
