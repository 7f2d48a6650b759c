//! A labelled table ready for learning: feature matrix, labels, object ids and host stars.

use std::path::Path;

use ndarray::Array2;

use super::csv_table::CsvTable;
use super::error::{MlError, Result};
use super::{ClassLabel, Mission};

/// One row per object. Missing cells are `NaN` in `x`; models say how they treat them.
#[derive(Debug, Clone)]
pub struct LabelledDataset {
    /// "Kepler KOI", or an upload's file name.
    pub name: String,
    /// The archive's object name per row (K00752.01, 1000.01, K2-18 b).
    pub ids: Vec<String>,
    /// Host star per row: the split keeps each star on one side.
    pub groups: Vec<String>,
    pub labels: Vec<ClassLabel>,
    pub feature_names: Vec<String>,
    /// "Orbital Period [days]" etc. from the archive's header, empty when unknown.
    pub feature_descriptions: Vec<String>,
    pub x: Array2<f64>,
    /// Each row's date when the table dates its rows: the TOI table's `rowupdate`, or an
    /// upload's chosen date column. Read by the temporal split.
    pub dates: Option<RowDates>,
}

/// A date column's cells for the kept rows (`YYYY-MM-DD…`, `None` where empty).
#[derive(Debug, Clone, PartialEq)]
pub struct RowDates {
    pub column: String,
    pub cells: Vec<Option<String>>,
}

impl LabelledDataset {
    /// Loads a bundled NASA table with the mission's default features.
    pub fn load_mission(mission: Mission, data_dir: &Path) -> Result<LabelledDataset> {
        let table = CsvTable::read_file(&data_dir.join(mission.file_name()))?;
        Self::from_mission_table(&table, mission)
    }

    pub fn from_mission_table(table: &CsvTable, mission: Mission) -> Result<LabelledDataset> {
        let feature_names: Vec<String> = mission.default_features().iter().map(|s| s.to_string()).collect();
        let columns: Vec<Option<&str>> = mission.default_features().iter().map(|s| Some(*s)).collect();
        Self::from_mission_columns(table, mission, &feature_names, &columns)
    }

    /// The mission's rows, labels, ids and stars, with features `names` read from `columns`
    /// (`None`: a feature the table does not have, all missing).
    pub fn from_mission_columns(
        table: &CsvTable,
        mission: Mission,
        names: &[String],
        columns: &[Option<&str>],
    ) -> Result<LabelledDataset> {
        let keep: Vec<bool> = match mission.row_filter() {
            Some(filter) => table
                .text_column(filter.column)?
                .iter()
                .map(|v| v.as_deref().map(str::trim) == Some(filter.equals))
                .collect(),
            None => vec![true; table.frame.height()],
        };
        let kept: Vec<usize> = (0..keep.len()).filter(|&i| keep[i]).collect();

        let label_cells = table.text_column(mission.label_column())?;
        let mut labels = Vec::with_capacity(kept.len());
        for &row in &kept {
            let value = label_cells[row].as_deref().unwrap_or("").trim();
            let label = mission.map_label(value).ok_or_else(|| MlError::UnknownLabel {
                file: table.file_label.clone(),
                column: mission.label_column().to_string(),
                row: table.line_of_row(row),
                value: value.to_string(),
            })?;
            labels.push(label);
        }

        let pick = |column: &str| -> Result<Vec<String>> {
            let cells = table.text_column(column)?;
            Ok(kept.iter().map(|&r| cells[r].clone().unwrap_or_default().trim().to_string()).collect())
        };
        let ids = pick(mission.id_column())?;
        let groups = pick(mission.group_column())?;
        let dates = mission
            .date_column()
            .filter(|c| table.has_column(c))
            .map(|column| RowDates::read(table, column, &kept))
            .transpose()?;

        let x = numeric_matrix(table, columns, &kept)?;
        let feature_descriptions =
            columns.iter().map(|c| c.and_then(|c| table.descriptions.get(c).cloned()).unwrap_or_default()).collect();
        let feature_names = names.to_vec();

        Ok(LabelledDataset {
            name: mission.table_name().to_string(),
            ids,
            groups,
            labels,
            feature_names,
            feature_descriptions,
            x,
            dates,
        })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Objects per class, in [`ClassLabel::ALL`] order.
    pub fn class_counts(&self) -> [usize; ClassLabel::COUNT] {
        count_classes(self.labels.iter().copied())
    }

    /// Adds `other`'s rows after this one's (same features, in the same order).
    pub fn append(&mut self, other: LabelledDataset) {
        assert_eq!(self.feature_names, other.feature_names, "append needs the same features");
        self.ids.extend(other.ids);
        self.groups.extend(other.groups);
        self.labels.extend(other.labels);
        self.x.append(ndarray::Axis(0), other.x.view()).expect("same number of columns");
        self.dates = match (self.dates.take(), other.dates) {
            (Some(mut a), Some(b)) if a.column == b.column => {
                a.cells.extend(b.cells);
                Some(a)
            }
            _ => None,
        };
    }

    /// The same rows with only the features `keep` accepts, in their order (a feature set
    /// narrower than the mission's defaults).
    pub fn keep_features(&self, keep: impl Fn(&str) -> bool) -> LabelledDataset {
        let columns: Vec<usize> = (0..self.feature_names.len()).filter(|&j| keep(&self.feature_names[j])).collect();
        LabelledDataset {
            name: self.name.clone(),
            ids: self.ids.clone(),
            groups: self.groups.clone(),
            labels: self.labels.clone(),
            feature_names: columns.iter().map(|&j| self.feature_names[j].clone()).collect(),
            feature_descriptions: columns
                .iter()
                .map(|&j| self.feature_descriptions.get(j).cloned().unwrap_or_default())
                .collect(),
            x: self.x.select(ndarray::Axis(1), &columns),
            dates: self.dates.clone(),
        }
    }

    /// The rows at `indices`, as a matrix and their labels.
    pub fn rows(&self, indices: &[usize]) -> (Array2<f64>, Vec<ClassLabel>) {
        let x = self.x.select(ndarray::Axis(0), indices);
        let y = indices.iter().map(|&i| self.labels[i]).collect();
        (x, y)
    }
}

impl RowDates {
    /// The kept rows' cells of `column`, trimmed, `None` where empty. A cell that is not a
    /// `YYYY-MM-DD` date is refused with its row: dates compare as text, so "03/01/2024"
    /// would silently land on the wrong side of a cut-off.
    pub fn read(table: &CsvTable, column: &str, rows: &[usize]) -> Result<RowDates> {
        Ok(RowDates { column: column.to_string(), cells: date_cells(table, column, rows)? })
    }
}

fn date_cells(table: &CsvTable, column: &str, rows: &[usize]) -> Result<Vec<Option<String>>> {
    let cells = table.text_column(column)?;
    rows.iter()
        .map(|&r| {
            let Some(text) = cells[r].as_deref().map(str::trim).filter(|d| !d.is_empty()) else {
                return Ok(None);
            };
            if !crate::domain::looks_like_date(text) {
                let value: String = text.chars().take(40).collect();
                return Err(MlError::InvalidUpload {
                    file: table.file_label.clone(),
                    message: format!(
                        "column '{column}', row {}: '{value}' is not a date; write dates as YYYY-MM-DD (a time may follow), or leave the cell empty",
                        table.line_of_row(r)
                    ),
                });
            }
            Ok(Some(text.to_string()))
        })
        .collect()
}

pub fn count_classes(labels: impl Iterator<Item = ClassLabel>) -> [usize; ClassLabel::COUNT] {
    let mut counts = [0; ClassLabel::COUNT];
    for label in labels {
        counts[label.index()] += 1;
    }
    counts
}

/// Parses the chosen columns of the chosen rows as numbers; empty cells become NaN.
/// The first cell that is not a finite number is an error naming its column, line and value.
fn numeric_matrix(table: &CsvTable, columns: &[Option<&str>], rows: &[usize]) -> Result<Array2<f64>> {
    let mut x = Array2::from_elem((rows.len(), columns.len()), f64::NAN);
    for (j, column) in columns.iter().enumerate() {
        let Some(column) = column else { continue };
        let cells = table.text_column(column)?;
        for (i, &row) in rows.iter().enumerate() {
            if let Some(text) = cells[row].as_deref() {
                let value: f64 =
                    text.trim().parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| MlError::NotNumeric {
                        file: table.file_label.clone(),
                        column: column.to_string(),
                        row: table.line_of_row(row),
                        value: text.to_string(),
                    })?;
                x[[i, j]] = value;
            }
        }
    }
    Ok(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn data_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
    }

    #[test]
    fn kepler_table_has_archive_counts() {
        let d = LabelledDataset::load_mission(Mission::Kepler, &data_dir()).unwrap();
        assert_eq!(d.len(), 9564);
        assert_eq!(d.class_counts(), [2746, 1979, 4839]);
        assert_eq!(d.feature_names.len(), 35);
        assert!(d.ids.contains(&"K00752.01".to_string()));
        assert_eq!(d.feature_descriptions[0], "Orbital Period [days]");
    }

    #[test]
    fn tess_labels_merge_into_three_classes() {
        let d = LabelledDataset::load_mission(Mission::Tess, &data_dir()).unwrap();
        assert_eq!(d.len(), 7771);
        // CP 696 + KP 587; PC 4699 + APC 467; FP 1222 + FA 100
        assert_eq!(d.class_counts(), [1283, 5166, 1322]);
    }

    #[test]
    fn k2_keeps_one_row_per_object() {
        let d = LabelledDataset::load_mission(Mission::K2, &data_dir()).unwrap();
        assert_eq!(d.len(), 1806);
        assert_eq!(d.class_counts(), [580, 976, 250]);
        let mut unique = d.ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 1806, "an object appears twice");
    }

    #[test]
    fn non_numeric_feature_cell_names_file_column_and_line() {
        let csv = "kepid,kepoi_name,koi_disposition,koi_period\n1,K1.01,CONFIRMED,3.5\n2,K2.01,CANDIDATE,abc\n";
        let table = CsvTable::from_bytes("mine.csv", csv.as_bytes().to_vec()).unwrap();
        let err = numeric_matrix(&table, &[Some("koi_period")], &[0, 1]).unwrap_err().to_string();
        assert_eq!(err, "mine.csv, column 'koi_period', row 3: expected a number, found 'abc'");
    }
}
