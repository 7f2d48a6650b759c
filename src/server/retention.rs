//! Keeps the store within its limits: at most so many finished trainings and so much disk.
//! Over the disk limit, the uploaded tables of the oldest finished trainings go first (their
//! results and models stay readable); then, over either limit, the oldest finished
//! trainings themselves (with results and model files). Queued and running ones are never
//! touched.

use super::store::SessionStore;

#[derive(Debug, Clone, Copy)]
pub struct Retention {
    pub max_sessions: usize,
    pub max_disk_bytes: u64,
}

impl Retention {
    /// Removes the oldest finished trainings until both limits hold; returns how many.
    pub fn enforce(&self, store: &dyn SessionStore) -> usize {
        self.enforce_inner(store, None)
    }

    /// As [`Retention::enforce`], but never removes `keep` (the training that just finished:
    /// its user is about to open its result).
    pub fn enforce_keeping(&self, store: &dyn SessionStore, keep: &uuid::Uuid) -> usize {
        self.enforce_inner(store, Some(keep))
    }

    fn enforce_inner(&self, store: &dyn SessionStore, keep: Option<&uuid::Uuid>) -> usize {
        let Ok(all) = store.list() else { return 0 };
        // Measured: the database's used pages (after a checkpoint), not a guess.
        let over_disk = || store.disk_bytes().is_ok_and(|bytes| bytes > self.max_disk_bytes);
        let mut finished: Vec<_> = all.into_iter().filter(|s| s.status.is_finished() && Some(&s.id) != keep).collect();
        for old in finished.iter().rev() {
            if !over_disk() {
                break;
            }
            if store.remove_uploads(&old.id) > 0 {
                tracing::info!(id = %old.id, "retention: removed the uploaded tables of an old training");
            }
        }
        // `list` is newest first; remove from the end.
        let mut removed = 0;
        while let Some(oldest) = finished.last() {
            let over_count = finished.len() + usize::from(keep.is_some()) > self.max_sessions;
            let over_disk = over_disk();
            if !over_count && !over_disk {
                break;
            }
            tracing::info!(id = %oldest.id, over_count, over_disk, "retention: removing the oldest finished training");
            if store.delete(&oldest.id).is_err() {
                break;
            }
            finished.pop();
            removed += 1;
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{TrainRequest, TrainingStatus};
    use crate::server::store::{MemoryStore, TrainingSession};

    #[test]
    fn oldest_finished_go_first_and_unfinished_stay() {
        let store = MemoryStore::default();
        let request: TrainRequest =
            serde_json::from_value(serde_json::json!({"dataset": "k2", "model": "svm"})).unwrap();
        let mut ids = Vec::new();
        for i in 0..5u64 {
            let mut s = TrainingSession::queued(uuid::Uuid::new_v4(), request.clone(), None, None);
            s.created_at = 1000 + i;
            s.status = if i == 0 { TrainingStatus::Running } else { TrainingStatus::Completed };
            ids.push(s.id);
            store.insert(s).unwrap();
        }
        let removed = Retention { max_sessions: 2, max_disk_bytes: u64::MAX }.enforce(&store);
        assert_eq!(removed, 2);
        let kept = |i: usize| store.get(&ids[i]).unwrap().is_some();
        assert!(kept(0), "running training kept");
        assert!(!kept(1) && !kept(2), "oldest finished removed");
        assert!(kept(3) && kept(4));
    }
}

#[cfg(test)]
mod disk_tests {
    use super::*;
    use crate::api::{TrainRequest, TrainingStatus};
    use crate::server::store::{DatabaseStore, SessionStore, StoredUpload, TrainingSession, UploadedFiles};

    /// Over the disk limit, old uploads go before any result; the size is measured in the
    /// database itself.
    #[test]
    fn uploads_of_old_trainings_go_first() {
        let dir = std::env::temp_dir().join(format!("exo-retention-{}", uuid::Uuid::new_v4()));
        let store = DatabaseStore::open(&dir, None).unwrap();
        let upload_id = uuid::Uuid::new_v4();
        let text = "a,b\n".to_string() + &"1,2\n".repeat(100_000);
        store.save_upload(&upload_id, &StoredUpload { name: "mine.csv".into(), text, owner: None }).unwrap();
        let request: TrainRequest =
            serde_json::from_value(serde_json::json!({"dataset": "upload", "model": "svm"})).unwrap();
        let upload = UploadedFiles {
            train_name: "mine.csv".into(),
            train_id: upload_id.to_string(),
            test_name: None,
            test_id: None,
        };
        let mut s = TrainingSession::queued(uuid::Uuid::new_v4(), request, Some(upload), None);
        s.status = TrainingStatus::Failed;
        let id = s.id;
        store.insert(s).unwrap();
        let before = store.disk_bytes().unwrap();
        assert!(before > 400_000, "{before}");
        let removed = Retention { max_sessions: 10, max_disk_bytes: before - 200_000 }.enforce(&store);
        assert_eq!(removed, 0, "freeing the upload was enough");
        assert!(store.upload(&upload_id).unwrap().is_none());
        assert!(store.disk_bytes().unwrap() < before - 200_000);
        assert!(store.get(&id).unwrap().is_some(), "the training itself stays");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
