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
        let mut finished: Vec<_> = store.list().into_iter().filter(|s| s.status.is_finished()).collect();
        for old in finished.iter().rev() {
            if store.disk_bytes() <= self.max_disk_bytes {
                break;
            }
            if store.remove_uploads(&old.id) > 0 {
                tracing::info!(id = %old.id, "retention: removed the uploaded tables of an old training");
            }
        }
        // `list` is newest first; remove from the end.
        let mut removed = 0;
        while let Some(oldest) = finished.last() {
            let over_count = finished.len() > self.max_sessions;
            let over_disk = store.disk_bytes() > self.max_disk_bytes;
            if !over_count && !over_disk {
                break;
            }
            tracing::info!(id = %oldest.id, over_count, over_disk, "retention: removing the oldest finished training");
            store.delete(&oldest.id);
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
        let request: TrainRequest = serde_json::from_value(serde_json::json!({"dataset": "k2", "model": "svm"})).unwrap();
        let mut ids = Vec::new();
        for i in 0..5u64 {
            let mut s = TrainingSession::queued(uuid::Uuid::new_v4(), request.clone());
            s.created_at = 1000 + i;
            s.status = if i == 0 { TrainingStatus::Running } else { TrainingStatus::Completed };
            ids.push(s.id);
            store.insert(s);
        }
        let removed = Retention { max_sessions: 2, max_disk_bytes: u64::MAX }.enforce(&store);
        assert_eq!(removed, 2);
        assert!(store.get(&ids[0]).is_some(), "running training kept");
        assert!(store.get(&ids[1]).is_none() && store.get(&ids[2]).is_none(), "oldest finished removed");
        assert!(store.get(&ids[3]).is_some() && store.get(&ids[4]).is_some());
    }
}

#[cfg(test)]
mod disk_tests {
    use super::*;
    use crate::api::{TrainRequest, TrainingStatus, UploadedFiles};
    use crate::server::store::{DatabaseStore, TrainingSession};

    /// Over the disk limit, old uploads go before any result.
    #[test]
    fn uploads_of_old_trainings_go_first() {
        let dir = std::env::temp_dir().join(format!("exo-retention-{}", uuid::Uuid::new_v4()));
        let store = DatabaseStore::open(&dir, None).unwrap();
        let upload_id = uuid::Uuid::new_v4().to_string();
        std::fs::create_dir_all(dir.join("uploads")).unwrap();
        std::fs::write(dir.join("uploads").join(format!("{upload_id}.csv")), vec![b'1'; 200_000]).unwrap();
        let mut request: TrainRequest = serde_json::from_value(serde_json::json!({"dataset": "upload", "model": "svm"})).unwrap();
        request.upload = Some(UploadedFiles { train_name: "mine.csv".into(), train_id: upload_id.clone(), test_name: None, test_id: None });
        let mut s = TrainingSession::queued(uuid::Uuid::new_v4(), request);
        s.status = TrainingStatus::Failed;
        let id = s.id;
        store.insert(s);
        store.flush();
        let before = store.disk_bytes();
        assert!(before > 200_000);
        let removed = Retention { max_sessions: 10, max_disk_bytes: before - 100_000 }.enforce(&store);
        assert_eq!(removed, 0, "freeing the upload was enough");
        assert!(!dir.join("uploads").join(format!("{upload_id}.csv")).exists());
        assert!(store.get(&id).is_some(), "the training itself stays");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
