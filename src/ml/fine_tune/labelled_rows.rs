//! The user's labelled rows, read from their file, and the refusal of a file with too few
//! of them to fine-tune on.

use crate::ml::dataset::count_classes;
use crate::ml::error::{MlError, Result};
use crate::ml::predict::{objects_by_columns, objects_from_table, ColumnChoice, ObjectsToPredict};
use crate::ml::upload::TableFile;
use crate::ml::ClassLabel;

/// Fewest labelled rows a class needs to count, and how many such classes are needed.
pub const MIN_ROWS_PER_CLASS: usize = 10;

/// Reads the user's file and keeps its labelled rows, refusing (with the file, the label
/// column and the counts) a table that cannot be fine-tuned on. Also the check run before
/// the request is queued.
pub fn read_labelled_rows(file: &TableFile, columns: Option<&ColumnChoice>) -> Result<(ObjectsToPredict, usize)> {
    let name = file.name.as_str();
    let table = file.table()?;
    let all = match columns {
        Some(choice) => objects_by_columns(&table, choice, None)?,
        None => objects_from_table(&table, None)?,
    };
    let labelled: Vec<usize> = (0..all.labels.len()).filter(|&i| all.labels[i].is_some()).collect();
    let invalid = |message: String| MlError::InvalidUpload { file: name.to_string(), message };
    if labelled.is_empty() {
        return Err(invalid(format!(
            "no row has a label, and fine-tuning learns from labelled rows: an archive export needs its disposition column, another table a 'label' column (confirmed, candidate or false_positive); read by {}",
            all.read_as
        )));
    }
    let counts = count_classes(labelled.iter().filter_map(|&i| all.labels[i]));
    if counts.iter().filter(|&&c| c >= MIN_ROWS_PER_CLASS).count() < 2 {
        let listed: Vec<String> =
            ClassLabel::ALL.iter().zip(counts).map(|(c, n)| format!("{} {n}", c.as_str())).collect();
        return Err(invalid(format!(
            "fine-tuning needs at least {MIN_ROWS_PER_CLASS} labelled rows in each of at least two classes; the file has {}",
            listed.join(", ")
        )));
    }
    Ok((all.select(&labelled), all.labels.len() - labelled.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_enough_labelled_rows_is_refused_with_the_counts() {
        let mut csv = String::from("id,period,depth,label\n");
        for i in 0..30 {
            csv.push_str(&format!(
                "obj{i},{},{},{}\n",
                1.0 + i as f64,
                100.0 * i as f64,
                if i < 25 { "confirmed" } else { "false_positive" }
            ));
        }
        let error = read_labelled_rows(&TableFile::new("mine.csv", csv.into_bytes()), None).unwrap_err().to_string();
        assert!(error.contains("mine.csv") && error.contains("confirmed 25, candidate 0, false_positive 5"), "{error}");
        let error = read_labelled_rows(&TableFile::new("mine.csv", b"id,period,depth\nobj1,1.0,100\n".to_vec()), None)
            .unwrap_err()
            .to_string();
        assert!(error.contains("no row has a label"), "{error}");
    }
}
