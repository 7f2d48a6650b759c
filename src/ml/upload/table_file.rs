//! The uploaded file as the ML layer receives it: a name for messages and its bytes.

use super::read::read_upload;
use crate::ml::csv_table::CsvTable;
use crate::ml::error::{MlError, Result};

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
