//! A user's own CSV: checked before any work starts, recognised when it is one of the
//! archive's own exports (KOI, TOI, K2 — with or without their leading `#` lines), else
//! profiled column by column so the user can pick the label column, map its values to the
//! three classes and choose features. Every failure names the file and, where it applies,
//! the column and row.

use std::collections::{BTreeMap, HashSet};

use super::csv_table::CsvTable;
use super::dataset::LabelledDataset;
use super::error::{MlError, Result};
use super::table_limits::{check_table_shape, process_limits};
use super::{ClassLabel, Mission};

/// An uploaded table as the ML layer receives it: the name the user gave it (for messages
/// only) and its bytes. Where it was kept (the database) is the server's business.
#[derive(Debug, Clone, PartialEq)]
pub struct TableFile {
    pub name: String,
    pub bytes: std::sync::Arc<Vec<u8>>,
}

impl TableFile {
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> TableFile {
        TableFile { name: name.into(), bytes: std::sync::Arc::new(bytes) }
    }

    /// A file on disk (benches, tests, the command-line tools).
    pub fn read(path: &std::path::Path) -> Result<TableFile> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = std::fs::read(path).map_err(|e| MlError::Io { file: name.clone(), reason: e.to_string() })?;
        Ok(TableFile::new(name, bytes))
    }

    /// Parsed after the upload checks ([`read_upload`]).
    pub fn table(&self) -> Result<CsvTable> {
        read_upload(&self.name, self.bytes.to_vec())
    }
}

/// Fewest objects of a class the training file must hold.
pub const MIN_ROWS_PER_CLASS: usize = 10;

fn invalid(file: &str, message: impl Into<String>) -> MlError {
    MlError::InvalidUpload { file: file.to_string(), message: message.into() }
}

/// Reads an uploaded file after the checks of [`check_upload_text`].
pub fn read_upload(file: &str, bytes: Vec<u8>) -> Result<CsvTable> {
    check_upload_text(file, &bytes)?;
    CsvTable::from_bytes(file, bytes)
}

/// The checks on an uploaded file that need no parsing: not empty, within the size limits
/// (rows, columns, cell bytes: [`super::table_limits`]), UTF-8, a header row, no duplicate
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

/// How a table that is not an archive export becomes a labelled dataset.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ColumnMapping {
    pub label_column: String,
    /// Label value → class id (`confirmed`, `candidate`, `false_positive`); rows whose value
    /// is not listed are left out (for example unvetted objects).
    pub label_values: BTreeMap<String, String>,
    pub features: Vec<String>,
    /// Object names for the results; row numbers when absent.
    #[serde(default)]
    pub id_column: Option<String>,
    /// Host star, to keep a star's objects on one side of the split; each row its own
    /// group when absent.
    #[serde(default)]
    pub group_column: Option<String>,
}

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
    for column in m.features.iter().chain(m.id_column.iter()).chain(m.group_column.iter()) {
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
    })
}

/// Parses the feature columns; every non-numeric cell of a column is counted and the first
/// few reported together, and infinities are refused (they are not measurements).
fn numeric_columns(table: &CsvTable, columns: &[String], rows: &[usize]) -> Result<ndarray::Array2<f64>> {
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

fn describe_counts(counts: &[usize; ClassLabel::COUNT]) -> String {
    ClassLabel::ALL.iter().map(|c| format!("{} {}", c.as_str(), counts[c.index()])).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(csv: &str) -> CsvTable {
        read_upload("mine.csv", csv.as_bytes().to_vec()).unwrap()
    }

    fn error(result: Result<impl std::fmt::Debug>) -> String {
        result.unwrap_err().to_string()
    }

    /// A small custom table: 12 rows per class, custom names.
    fn custom_csv() -> String {
        let mut s = String::from("name,star,verdict,period_days,depth_ppm,notes\n");
        for i in 0..36 {
            let verdict = ["planet", "maybe", "nope"][i % 3];
            s.push_str(&format!("obj{i},star{},{verdict},{},{},x\n", i / 2, 1.0 + i as f64, 100 * (i % 3 + 1)));
        }
        s
    }

    fn mapping() -> ColumnMapping {
        ColumnMapping {
            label_column: "verdict".into(),
            label_values: [("planet", "confirmed"), ("maybe", "candidate"), ("nope", "false_positive")]
                .into_iter()
                .map(|(a, b)| (a.into(), b.into()))
                .collect(),
            features: vec!["period_days".into(), "depth_ppm".into()],
            id_column: Some("name".into()),
            group_column: Some("star".into()),
        }
    }

    #[test]
    fn byte_level_problems_are_named() {
        assert_eq!(error(read_upload("a.csv", b"  \n".to_vec()).map(|_| ())), "a.csv: the file is empty");
        let latin1 = b"a,b\n1,2\n3,\xe9\n".to_vec();
        assert_eq!(
            error(read_upload("a.csv", latin1).map(|_| ())),
            "a.csv: line 3 is not UTF-8 text; save the table as UTF-8 CSV"
        );
        assert!(error(read_upload("a.csv", b"just text\n".to_vec()).map(|_| ()))
            .contains("not a comma-separated header row"));
        assert_eq!(
            error(read_upload("a.csv", b"a,b,a\n1,2,3\n".to_vec()).map(|_| ())),
            "a.csv: column 'a' appears twice in the header row"
        );
    }

    #[test]
    fn archive_exports_are_recognised_with_or_without_comment_lines() {
        let koi =
            std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/koi_cumulative.csv")).unwrap();
        let with = read_upload("koi.csv", koi.clone()).unwrap();
        assert_eq!(detect_mission(&with), Some(Mission::Kepler));
        let start = koi.windows(2).position(|w| w == b"\nk" || w == b"\nr").map(|p| p + 1).unwrap();
        let without = read_upload("koi.csv", koi[start..].to_vec()).unwrap();
        assert_eq!(detect_mission(&without), Some(Mission::Kepler));
        let d = dataset_from_upload(&without, None).unwrap();
        assert_eq!(d.len(), 9564);
        assert!(detect_mission(&table(&custom_csv())).is_none());
    }

    #[test]
    fn custom_tables_are_profiled_and_mapped() {
        let t = table(&custom_csv());
        let p = profile(&t).unwrap();
        let period = p.iter().find(|c| c.name == "period_days").unwrap();
        assert!(period.numeric && period.missing_rate == 0.0);
        let verdict = p.iter().find(|c| c.name == "verdict").unwrap();
        assert!(!verdict.numeric);
        assert_eq!(verdict.distinct, ["planet", "maybe", "nope"]);
        let d = dataset_from_upload(&t, Some(&mapping())).unwrap();
        assert_eq!(d.class_counts(), [12, 12, 12]);
        assert_eq!(d.ids[0], "obj0");
        assert_eq!(d.groups[1], "star0");
        let koi_leak = profile(&table("koi_score,koi_period\n0.5,3\n")).unwrap();
        assert!(koi_leak[0].leak.as_deref().unwrap().contains("label leak"));
    }

    #[test]
    fn mapping_problems_are_named() {
        let t = table(&custom_csv());
        let with = |f: &dyn Fn(&mut ColumnMapping)| {
            let mut m = mapping();
            f(&mut m);
            error(dataset_from_upload(&t, Some(&m)))
        };
        assert_eq!(
            with(&|m| m.label_column = "status".into()),
            "mine.csv: the label column 'status' is not in the file"
        );
        assert!(with(&|m| {
            m.label_values.retain(|k, _| k == "planet");
        })
        .contains("fewer than two classes (confirmed 12, candidate 0, false_positive 0)"));
        assert!(with(&|m| m.features.clear()).contains("choose at least one feature column"));
        assert_eq!(with(&|m| m.features = vec!["notes".into()]), "mine.csv: column 'notes' should hold numbers but 36 values are not (row 2: 'x', row 3: 'x', row 4: 'x'); fix them, leave them empty, or drop the column");
        assert!(with(&|m| m.features.push("radius".into())).contains("column 'radius' is not in the file"));
        assert!(error(dataset_from_upload(&t, None)).contains("not one of the archive's KOI, TOI or K2 exports"));
    }

    #[test]
    fn too_few_rows_infinities_and_empty_features_are_refused() {
        let small = "v,x\n".to_string()
            + &(0..15).map(|i| format!("{},{i}\n", if i < 12 { "a" } else { "b" })).collect::<String>();
        let m = ColumnMapping {
            label_column: "v".into(),
            label_values: [("a".to_string(), "confirmed".to_string()), ("b".to_string(), "false_positive".to_string())]
                .into(),
            features: vec!["x".into()],
            id_column: None,
            group_column: None,
        };
        assert!(error(dataset_from_upload(&table(&small), Some(&m)))
            .contains("class 'false_positive' has only 3 rows; each class needs at least 10"));
        let inf = "v,x\n".to_string()
            + &(0..24)
                .map(|i| {
                    format!(
                        "{},{}\n",
                        if i % 2 == 0 { "a" } else { "b" },
                        if i == 5 { "inf".into() } else { i.to_string() }
                    )
                })
                .collect::<String>();
        assert_eq!(
            error(dataset_from_upload(&table(&inf), Some(&m))),
            "mine.csv: column 'x', row 7: 'inf' is infinite; leave the cell empty if the value is unknown"
        );
        let empty = "v,x\n".to_string()
            + &(0..24).map(|i| format!("{},\n", if i % 2 == 0 { "a" } else { "b" })).collect::<String>();
        assert!(
            error(dataset_from_upload(&table(&empty), Some(&m))).contains("no feature column holds a single number")
        );
    }

    #[test]
    fn a_test_file_must_carry_every_training_feature() {
        let t = table("period_days,other\n1,2\n");
        assert_eq!(
            error(check_test_columns(&t, &["period_days".into(), "depth_ppm".into()])),
            "mine.csv: the test file lacks training feature depth_ppm"
        );
    }
}
