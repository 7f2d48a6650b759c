//! The size of a table a visitor may send, checked on the raw bytes before any parser
//! allocates for it: rows, columns, bytes per cell, plus the kinds of file that are not
//! text tables at all (compressed archives, NUL bytes).
//!
//! The scan is one pass over the bytes with a tiny CSV state machine (quotes respected, so a
//! comma inside a quoted K2 reference is not a column break). It allocates nothing, so a
//! table of two million columns or a single 50 MB cell is refused for the price of reading it.
//!
//! The limits are process-wide (set once at start-up from the settings, see
//! [`set_process_limits`]) and enforced inside [`crate::ml::upload::read_upload`], the one
//! door every uploaded table goes through, so no new route can forget them.

use std::sync::OnceLock;

use super::error::{MlError, Result};

/// Bounds on one uploaded table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableLimits {
    /// Data rows (the header and leading `#` lines not counted): `EXO_MAX_UPLOAD_ROWS`.
    pub max_rows: usize,
    /// Columns of the header row: `EXO_MAX_UPLOAD_COLUMNS`.
    pub max_columns: usize,
    /// Bytes of one cell: `EXO_MAX_CELL_BYTES`.
    pub max_cell_bytes: usize,
    /// Rows × columns: `EXO_MAX_UPLOAD_CELLS`. Parsed, every cell costs a string; this keeps
    /// a 50 MB file of empty cells from costing gigabytes.
    pub max_cells: usize,
}

impl Default for TableLimits {
    /// Generous for the archive's exports (the full KOI table has ~150 columns and ~10,000
    /// rows; the longest K2 cell, an HTML reference, is a few hundred bytes).
    fn default() -> Self {
        TableLimits { max_rows: 200_000, max_columns: 1_000, max_cell_bytes: 4_096, max_cells: 10_000_000 }
    }
}

static PROCESS_LIMITS: OnceLock<TableLimits> = OnceLock::new();

/// Sets the limits every upload of this process is held to; the first call wins (the server
/// calls it once at start-up, before serving).
pub fn set_process_limits(limits: TableLimits) {
    let _ = PROCESS_LIMITS.set(limits);
}

/// The limits in force: the settings' values, or the defaults when none were set.
pub fn process_limits() -> TableLimits {
    PROCESS_LIMITS.get().copied().unwrap_or_default()
}

/// What the scan saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableShape {
    pub rows: usize,
    pub columns: usize,
}

fn too_large(file: &str, message: String) -> MlError {
    MlError::TooLarge { file: file.to_string(), message }
}

fn not_text(file: &str, message: &str) -> MlError {
    MlError::InvalidUpload { file: file.to_string(), message: message.to_string() }
}

/// Magic numbers of compressed containers people send instead of the CSV inside them.
const COMPRESSED: &[(&[u8], &str)] = &[
    (b"\x1f\x8b", "gzip"),
    (b"PK\x03\x04", "zip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
];

/// Checks `bytes` against `limits` without allocating; the first limit crossed is named with
/// its line and setting.
pub fn check_table_shape(file: &str, bytes: &[u8], limits: &TableLimits) -> Result<TableShape> {
    if let Some((_, kind)) = COMPRESSED.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Err(not_text(
            file,
            &format!("this is a {kind}-compressed file, not a CSV table; extract the CSV from it and upload that"),
        ));
    }
    let mut scan = Scan::default();
    let mut at_line_start = true;
    let mut in_comment = false;
    let mut leading = true;
    for (i, &b) in bytes.iter().enumerate() {
        if b == 0 {
            let line = bytes[..i].iter().filter(|&&c| c == b'\n').count() + 1;
            return Err(not_text(
                file,
                &format!("line {line} holds a NUL byte, so this is not a text table; save it as UTF-8 CSV"),
            ));
        }
        // The archive's leading `#` lines are not part of the table.
        if leading && at_line_start && !scan.quoted {
            in_comment = b == b'#';
            if !in_comment && !b.is_ascii_whitespace() {
                leading = false;
            }
        }
        at_line_start = b == b'\n';
        if in_comment || (leading && b.is_ascii_whitespace()) {
            if b == b'\n' {
                scan.line += 1;
            }
            continue;
        }
        scan.byte(b, file, limits)?;
    }
    scan.end_of_line(file, limits)?;
    let columns = scan.header_columns.unwrap_or(0);
    if scan.rows.saturating_mul(columns) > limits.max_cells {
        return Err(too_large(
            file,
            format!(
                "the table has {} rows × {columns} columns, more than {} cells (EXO_MAX_UPLOAD_CELLS); keep the columns you need, or fewer rows, and upload again",
                scan.rows, limits.max_cells
            ),
        ));
    }
    Ok(TableShape { rows: scan.rows, columns: scan.header_columns.unwrap_or(0) })
}

#[derive(Default)]
struct Scan {
    quoted: bool,
    cell_bytes: usize,
    columns_in_line: usize,
    /// Non-blank bytes in the current line (blank lines are not rows).
    line_has_content: bool,
    header_columns: Option<usize>,
    rows: usize,
    /// 0-based line in the file, for messages.
    line: usize,
}

impl Scan {
    fn byte(&mut self, b: u8, file: &str, limits: &TableLimits) -> Result<()> {
        match b {
            b'"' => self.quoted = !self.quoted,
            b',' if !self.quoted => {
                self.columns_in_line += 1;
                self.cell_bytes = 0;
                self.line_has_content = true;
                return self.check_columns(file, limits);
            }
            b'\n' if !self.quoted => return self.end_of_line(file, limits),
            b'\r' if !self.quoted => return Ok(()),
            _ => {}
        }
        if !b.is_ascii_whitespace() {
            self.line_has_content = true;
        }
        self.cell_bytes += 1;
        if self.cell_bytes > limits.max_cell_bytes {
            return Err(too_large(
                file,
                format!(
                    "line {}, column {}: a cell is longer than {} bytes (EXO_MAX_CELL_BYTES); a table cell holds one value, so check the file is a CSV table with its quotes closed",
                    self.line + 1,
                    self.columns_in_line + 1,
                    limits.max_cell_bytes
                ),
            ));
        }
        Ok(())
    }

    fn check_columns(&self, file: &str, limits: &TableLimits) -> Result<()> {
        if self.columns_in_line + 1 > limits.max_columns {
            return Err(too_large(
                file,
                format!(
                    "line {} has more than {} columns (EXO_MAX_UPLOAD_COLUMNS); keep the columns you need (the label, an id, the features) and upload again",
                    self.line + 1,
                    limits.max_columns
                ),
            ));
        }
        Ok(())
    }

    fn end_of_line(&mut self, file: &str, limits: &TableLimits) -> Result<()> {
        if self.line_has_content {
            match self.header_columns {
                None => self.header_columns = Some(self.columns_in_line + 1),
                Some(header) if self.columns_in_line + 1 > header => {
                    return Err(MlError::InvalidUpload {
                        file: file.to_string(),
                        message: format!(
                            "line {} has {} columns but the header row has {header}; every row needs the header's columns (quote cells that contain commas)",
                            self.line + 1,
                            self.columns_in_line + 1
                        ),
                    });
                }
                Some(_) => {
                    self.rows += 1;
                    if self.rows > limits.max_rows {
                        return Err(too_large(
                            file,
                            format!("the table has more than {} data rows (EXO_MAX_UPLOAD_ROWS); split it or keep a sample, and upload again", limits.max_rows),
                        ));
                    }
                }
            }
        }
        self.line += 1;
        self.columns_in_line = 0;
        self.cell_bytes = 0;
        self.line_has_content = false;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: TableLimits = TableLimits { max_rows: 3, max_columns: 3, max_cell_bytes: 8, max_cells: 8 };

    fn check(text: &str) -> Result<TableShape> {
        check_table_shape("t.csv", text.as_bytes(), &SMALL)
    }

    #[test]
    fn counts_rows_and_columns_with_quotes_and_comments() {
        let shape = check("# producer\n# COLUMN a: x\na,b,c\n1,\"x,y\",3\n\n4,5,6\r\n").unwrap();
        assert_eq!(shape, TableShape { rows: 2, columns: 3 });
    }

    #[test]
    fn each_limit_is_named_with_its_setting() {
        let e = check("a,b,c,d\n1,2,3,4\n").unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("EXO_MAX_UPLOAD_COLUMNS"), "{e}");
        let e = check("a,b\n1,2\n1,2\n1,2\n1,2\n").unwrap_err().to_string();
        assert!(e.contains("more than 3 data rows") && e.contains("EXO_MAX_UPLOAD_ROWS"), "{e}");
        let e = check("a,b\n1,123456789\n").unwrap_err().to_string();
        assert!(e.contains("line 2, column 2") && e.contains("EXO_MAX_CELL_BYTES"), "{e}");
        let e = check("a,b,c\n1,2,3\n1,2,3\n1,2,3\n").unwrap_err().to_string();
        assert!(e.contains("3 rows × 3 columns") && e.contains("EXO_MAX_UPLOAD_CELLS"), "{e}");
        // An unclosed quote makes the rest of the file one cell: caught as a long cell.
        let e = check("a,b\n\"1,2\n3,4\n5,6\n").unwrap_err().to_string();
        assert!(e.contains("EXO_MAX_CELL_BYTES"), "{e}");
        let e = check("a,b\n1,2,3\n").unwrap_err().to_string();
        assert!(e.contains("line 2 has 3 columns but the header row has 2"), "{e}");
    }

    #[test]
    fn compressed_files_and_nul_bytes_are_not_tables() {
        let e = check_table_shape("t.csv.gz", b"\x1f\x8b\x08\x00rest", &SMALL).unwrap_err().to_string();
        assert!(e.contains("gzip-compressed"), "{e}");
        let e = check_table_shape("t.zip", b"PK\x03\x04rest", &SMALL).unwrap_err().to_string();
        assert!(e.contains("zip-compressed"), "{e}");
        let e = check("a,b\n1,\u{0}\n").unwrap_err().to_string();
        assert!(e.contains("line 2 holds a NUL byte"), "{e}");
    }
}
