//! Model and upload files that earlier versions kept in the state folder: moved into the
//! database at start-up.

use std::path::Path;

use uuid::Uuid;

use super::DatabaseStore;
use crate::server::database::{Blob, UploadMeta};
use crate::server::store::now_ms;

impl DatabaseStore {
    /// `state/models/<id>.json` and `state/uploads/<id>.csv` of earlier versions: into the
    /// database, then removed. A file whose id is not ours is left alone and reported.
    pub(super) fn import_legacy_files(&self, state_dir: &Path) {
        for (folder, kind) in [("models", Blob::Model), ("uploads", Blob::Upload)] {
            let Ok(entries) = std::fs::read_dir(state_dir.join(folder)) else { continue };
            for path in entries.flatten().map(|e| e.path()) {
                let id = path.file_stem().and_then(|s| s.to_str()).and_then(|s| Uuid::parse_str(s).ok());
                let (Some(id), Ok(text)) = (id, std::fs::read_to_string(&path)) else {
                    tracing::warn!(file = %path.display(), "a file in the state folder that is not one of ours; left as it is");
                    continue;
                };
                let meta = (kind == Blob::Upload).then(|| UploadMeta {
                    name: "uploaded.csv".into(),
                    created_at: now_ms() as i64,
                    ..Default::default()
                });
                match self.db.put_blob(kind, id.to_string(), text, meta) {
                    Ok(()) => {
                        let _ = std::fs::remove_file(&path);
                        tracing::info!(file = %path.display(), "moved into the database");
                    }
                    Err(error) => {
                        tracing::error!(file = %path.display(), %error, "could not move into the database; kept")
                    }
                }
            }
        }
    }
}
