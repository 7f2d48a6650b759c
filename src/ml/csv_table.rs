//! Reading NASA Exoplanet Archive CSV exports (and any other CSV) with polars.
//!
//! The archive puts `#` comment lines before the header: the producer, the download time
//! and one `# COLUMN name: description [unit]` line per column. Only those *leading* lines
//! are skipped: K2 rows hold HTML entities such as `Mo&#x10D;nik` in their reference
//! columns, so treating `#` as a comment character anywhere would silently cut those rows.
//!
//! Every column is read as text; callers parse the columns they use, so a bad cell becomes
//! an error that names its column and row instead of a silently inferred type.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use polars::prelude::*;

use super::error::{MlError, Result};

/// A CSV table with all cells as optional text, plus the archive's column descriptions.
pub struct CsvTable {
    /// Shown in error messages: the file name, never a full server path.
    pub file_label: String,
    pub frame: DataFrame,
    /// `column → "description [unit]"`, from the archive's `# COLUMN` lines (empty for other CSVs).
    pub descriptions: HashMap<String, String>,
    /// How many leading comment lines were skipped: row numbers in errors count from the
    /// header line of the file as a user sees it in an editor.
    pub comment_lines: usize,
}

impl CsvTable {
    pub fn read_file(path: &Path) -> Result<CsvTable> {
        let file_label = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bytes = std::fs::read(path).map_err(|e| MlError::Io { file: file_label.clone(), reason: e.to_string() })?;
        Self::from_bytes(&file_label, bytes)
    }

    pub fn from_bytes(file_label: &str, bytes: Vec<u8>) -> Result<CsvTable> {
        let csv_error = |reason: String| MlError::Csv { file: file_label.to_string(), reason };
        let (comment_lines, body_start, descriptions) = leading_comments(&bytes);
        let body = bytes[body_start..].to_vec();
        if body.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(csv_error("the file has no header row and no data".into()));
        }
        let frame = CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .into_reader_with_file_handle(Cursor::new(body))
            .finish()
            .map_err(|e| csv_error(e.to_string()))?;
        Ok(CsvTable { file_label: file_label.to_string(), frame, descriptions, comment_lines })
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.frame.get_column_names().iter().any(|c| c.as_str() == name)
    }

    /// The cells of one column as optional strings (`None` = empty cell).
    pub fn text_column(&self, name: &str) -> Result<Vec<Option<String>>> {
        let column = self
            .frame
            .column(name)
            .map_err(|_| MlError::MissingColumn { file: self.file_label.clone(), column: name.to_string() })?;
        let values = column
            .str()
            .map_err(|e| MlError::Csv { file: self.file_label.clone(), reason: e.to_string() })?
            .iter()
            .map(|v| v.map(str::to_string).filter(|s| !s.trim().is_empty()))
            .collect();
        Ok(values)
    }

    /// The 1-based line number in the file of data row `index` (0-based), for error messages.
    pub fn line_of_row(&self, index: usize) -> usize {
        self.comment_lines + 2 + index
    }
}

/// Counts the leading `#` lines, returns where the CSV body starts, and collects the
/// `# COLUMN name: description` lines.
fn leading_comments(bytes: &[u8]) -> (usize, usize, HashMap<String, String>) {
    let mut descriptions = HashMap::new();
    let mut offset = 0;
    let mut lines = 0;
    while offset < bytes.len() && bytes[offset] == b'#' {
        let end = bytes[offset..].iter().position(|&b| b == b'\n').map(|p| offset + p + 1).unwrap_or(bytes.len());
        let line = String::from_utf8_lossy(&bytes[offset..end]);
        if let Some(rest) = line.trim().strip_prefix("# COLUMN ") {
            if let Some((name, description)) = rest.split_once(':') {
                descriptions.insert(name.trim().to_string(), description.trim().to_string());
            }
        }
        offset = end;
        lines += 1;
    }
    (lines, offset, descriptions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_only_leading_comments_and_keeps_hash_inside_values() {
        let csv = b"# producer\n# COLUMN a: First [days]\n# COLUMN b: Second\na,b\n1,Mo&#x10D;nik\n2,x\n".to_vec();
        let table = CsvTable::from_bytes("t.csv", csv).unwrap();
        assert_eq!(table.comment_lines, 3);
        assert_eq!(table.frame.height(), 2);
        assert_eq!(table.text_column("b").unwrap()[0].as_deref(), Some("Mo&#x10D;nik"));
        assert_eq!(table.descriptions["a"], "First [days]");
        assert_eq!(table.line_of_row(0), 5);
    }

    #[test]
    fn empty_cells_are_none_and_missing_column_is_named() {
        let table = CsvTable::from_bytes("t.csv", b"a,b\n1,\n".to_vec()).unwrap();
        assert_eq!(table.text_column("b").unwrap(), vec![None]);
        let err = table.text_column("zzz").err().unwrap().to_string();
        assert!(err.contains("t.csv") && err.contains("zzz"), "{err}");
    }

    #[test]
    fn empty_file_is_refused() {
        assert!(CsvTable::from_bytes("e.csv", b"# only a comment\n".to_vec()).is_err());
    }
}
