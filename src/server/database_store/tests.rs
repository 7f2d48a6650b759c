//! The store against a real SQLite file: what survives reopening, stale recovery, the
//! import of legacy files and the orphan sweeps.

use std::sync::Arc;

use uuid::Uuid;

use super::DatabaseStore;
use crate::api::{Headline, TrainRequest, TrainingResult, TrainingStatus};
use crate::server::store::{now_ms, SessionStore, StoredUpload, TrainingSession};

fn request() -> TrainRequest {
    serde_json::from_value(serde_json::json!({"dataset": "k2", "model": "svm"})).unwrap()
}

/// What a restart keeps: finished sessions with their results and models; what it
/// cannot keep (a running training) is marked failed, never left running.
#[test]
fn sessions_results_and_models_survive_reopening() {
    let dir = std::env::temp_dir().join(format!("exo-store-test-{}", Uuid::new_v4()));
    let done = Uuid::new_v4();
    let running = Uuid::new_v4();
    {
        let store = DatabaseStore::open(&dir, None).unwrap();
        store.insert(TrainingSession::queued(done, request(), None, None)).unwrap();
        store.insert(TrainingSession::queued(running, request(), None, None)).unwrap();
        store.update(&running, &mut |s| s.status = TrainingStatus::Running);
        let result: TrainingResult = serde_json::from_value(sample_result(&done)).unwrap();
        store
            .finish(&done, &mut |s| {
                s.status = TrainingStatus::Completed;
                s.headline = Some(Headline { accuracy: Some(0.8), macro_f1: Some(0.7), roc_auc: Some(0.9) });
                s.result = Some(Arc::new(result.clone()));
            })
            .unwrap();
        store.save_model(&done, "{\"family\":\"svm\"}").unwrap();
        store.flush();
    }
    let store = DatabaseStore::open(&dir, None).unwrap().with_stale_after_ms(-60_000);
    let s = store.get(&done).unwrap().unwrap();
    assert_eq!(s.status, TrainingStatus::Completed);
    assert_eq!(s.headline.unwrap().macro_f1, Some(0.7));
    assert_eq!(s.result.unwrap().report.id, done.to_string());
    assert_eq!(store.model(&done).unwrap().unwrap(), "{\"family\":\"svm\"}");
    // A saved decision threshold is kept, and a later save of the session leaves it be.
    let threshold =
        crate::domain::DecisionThreshold { question: crate::domain::PlanetQuestion::NotFalsePositive, threshold: 0.42 };
    store.set_threshold(&done, Some(threshold)).unwrap();
    store.finish(&done, &mut |s| s.step = "Done".into()).unwrap();
    assert_eq!(store.get(&done).unwrap().unwrap().threshold, Some(threshold));
    // A training whose process stopped goes back to the queue (its heartbeat is stale:
    // it never sent one); after its last attempt it fails instead.
    assert_eq!(store.recover_stale(3), 1);
    store.flush();
    let r = store.get(&running).unwrap().unwrap();
    assert_eq!(r.status, TrainingStatus::Queued, "{r:?}");
    let claimed = store.claim_next(1).unwrap().unwrap();
    assert_eq!((claimed.id, claimed.attempts), (running, 1));
    assert_eq!(store.recover_stale(1), 1, "one attempt allowed, one used");
    store.flush();
    let r = store.get(&running).unwrap().unwrap();
    assert_eq!(r.status, TrainingStatus::Failed);
    assert!(r.error.unwrap().contains("each of its 1 attempts"));
    assert_eq!(store.list().unwrap().len(), 2);
    assert!(store.delete(&done).unwrap());
    store.flush();
    assert!(store.get(&done).unwrap().is_none() && store.model(&done).unwrap().is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Files an older version kept in the state folder move into the database; uploads no
/// training refers to and models whose training is gone are swept, referenced ones kept.
#[test]
fn legacy_files_are_imported_and_orphans_swept() {
    let dir = std::env::temp_dir().join(format!("exo-store-orphans-{}", Uuid::new_v4()));
    let (model_id, upload_id) = (Uuid::new_v4(), Uuid::new_v4());
    std::fs::create_dir_all(dir.join("models")).unwrap();
    std::fs::create_dir_all(dir.join("uploads")).unwrap();
    std::fs::write(dir.join("models").join(format!("{model_id}.json")), "{\"family\":\"svm\"}").unwrap();
    std::fs::write(dir.join("uploads").join(format!("{upload_id}.csv")), "a,b\n1,2\n").unwrap();
    let store = DatabaseStore::open(&dir, None).unwrap();
    assert!(!dir.join("models").join(format!("{model_id}.json")).exists(), "moved, not copied");
    assert_eq!(store.upload(&upload_id).unwrap().as_deref(), Some("a,b\n1,2\n"));
    // The imported model has no training: the start-up sweep already removed it.
    assert!(store.model(&model_id).unwrap().is_none());

    let kept = Uuid::new_v4();
    store
        .save_upload(
            &kept,
            &StoredUpload { name: "mine.csv".into(), text: "a,b\n1,2\n".into(), owner: None, principal: None },
        )
        .unwrap();
    let upload = crate::server::store::UploadedFiles {
        train_name: "mine.csv".into(),
        train_id: kept.to_string(),
        test_name: None,
        test_id: None,
    };
    let stored = Uuid::new_v4();
    store.insert(TrainingSession::queued(stored, request(), Some(upload.clone()), None)).unwrap();
    let removed = store.db.remove_orphan_uploads(now_ms() as i64 + 1000).unwrap();
    assert_eq!(removed, [upload_id.to_string()]);
    assert!(store.upload(&kept).unwrap().is_some(), "a training refers to it");
    // The files are kept in the stored request's JSON under "upload", as before, and read back.
    let row = store.db.session(stored.to_string()).unwrap().unwrap();
    assert!(row.request.contains(r#""upload":{"train_name":"mine.csv""#), "{}", row.request);
    assert_eq!(store.get(&stored).unwrap().unwrap().upload, Some(upload));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The smallest valid result document (the API test covers real ones).
fn sample_result(id: &Uuid) -> serde_json::Value {
    serde_json::json!({
        "id": id.to_string(),
        "metrics": {"accuracy": 0.8, "macro_f1": 0.7, "weighted_f1": 0.75, "roc_auc": 0.9, "log_loss": 0.5,
            "per_class": {}, "confusion_matrix": {"labels": [], "matrix": []}, "roc_curves": []},
        "predictions": [],
        "model_info": {"dataset": "k2", "dataset_name": "K2", "model": "svm", "model_name": "SVM", "hyperparameters": {},
            "seed": 42, "features": [], "missing_values": "", "split": "", "train_rows": 1, "test_rows": 1,
            "train_stars": 1, "test_stars": 1, "structure": "", "fit_seconds": 0.1, "predict_ms": 1.0,
            "explain_seconds": 0.1, "explanation_method": "", "caveats": []},
        "predicted_counts": {},
        "importance": {"space": "probability", "method": "", "base_values": {}, "features": [], "dots": {"objects": 0, "features": []}}
    })
}

/// Round robin: of two principals, the one whose last training started longest ago goes
/// first, whatever was queued first; a principal at its running limit waits.
#[test]
fn the_queue_takes_turns_between_principals() {
    let dir = std::env::temp_dir().join(format!("exo-store-turns-{}", Uuid::new_v4()));
    let store = DatabaseStore::open(&dir, None).unwrap();
    let queue = |principal: &str| {
        let mut s = TrainingSession::queued(Uuid::new_v4(), request(), None, None);
        s.principal = Some(principal.into());
        let id = s.id;
        store.insert(s).unwrap();
        id
    };
    let busy: Vec<Uuid> = (0..3).map(|_| queue("address:192.0.2.1")).collect();
    let late = queue("account:someone");
    // The busy address's first training starts (nothing ran before: oldest first).
    assert_eq!(store.claim_next(1).unwrap().unwrap().id, busy[0]);
    // Its next waits: the address has one running and the limit is one; the other goes.
    assert_eq!(store.claim_next(1).unwrap().unwrap().id, late);
    assert!(store.claim_next(1).unwrap().is_none(), "both principals at their limit");
    // With a limit of two, the principal whose last start is older goes first: the address.
    assert_eq!(store.claim_next(2).unwrap().unwrap().id, busy[1]);
    let _ = std::fs::remove_dir_all(&dir);
}
