//! The runner end to end on a SQLite store in a temporary folder: a failing training, and
//! cancelling running and queued ones.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::domain::ErrorCode;

use super::{JobRunner, MakeConfig, RunnerOptions};
use crate::api::{ApiError, TrainRequest, TrainingStatus};
use crate::ml::models::hyperparameters::RawHyperparameters;
use crate::ml::models::{ModelKind, ModelParams};
use crate::ml::pipeline::{SplitRule, TrainingConfig};
use crate::ml::Mission;
use crate::server::retention::Retention;
use crate::server::store::{DatabaseStore, SessionStore, TrainingSession};

fn temporary_store() -> Arc<dyn SessionStore> {
    let dir = std::env::temp_dir().join(format!("exo-jobs-test-{}", Uuid::new_v4()));
    Arc::new(DatabaseStore::open(&dir, None).unwrap())
}

/// A runner with one worker that trains on Kepler, reading tables from `data_dir`.
fn runner(store: &Arc<dyn SessionStore>, data_dir: PathBuf) -> JobRunner {
    runner_with_limit(store, data_dir, Duration::from_secs(3600))
}

/// As [`runner`], with a wall-clock limit per training.
fn runner_with_limit(store: &Arc<dyn SessionStore>, data_dir: PathBuf, time_limit: Duration) -> JobRunner {
    let make_config: MakeConfig = Arc::new(move |r: &TrainRequest, _| {
        let kind =
            ModelKind::from_id(&r.model).ok_or_else(|| ApiError::new(ErrorCode::UnknownModel, "unknown model"))?;
        let params = ModelParams::check(kind, &r.hyperparameters)
            .map_err(|e| ApiError::new(ErrorCode::InvalidHyperparameter, e.to_string()))?;
        Ok(TrainingConfig::on_mission(
            Mission::Kepler,
            params,
            SplitRule::Grouped { test_fraction: r.test_fraction },
            r.seed,
            data_dir.clone(),
        ))
    });
    let options = RunnerOptions {
        workers: 1,
        max_attempts: 3,
        retention: Retention::new(30, u64::MAX),
        running_per_principal: 1,
        time_limit,
    };
    JobRunner::new(options, store.clone(), make_config)
}

/// Queues a Kepler training of `kind` with `raw` hyperparameters.
fn submit(store: &Arc<dyn SessionStore>, runner: &JobRunner, kind: ModelKind, raw: serde_json::Value) -> Uuid {
    let id = Uuid::new_v4();
    let raw: RawHyperparameters = serde_json::from_value(raw).unwrap();
    let request = TrainRequest {
        dataset: "kepler".into(),
        model: kind.id().into(),
        hyperparameters: raw,
        seed: 1,
        test_fraction: 0.2,
        preset: None,
        cross_validation: false,
        mapping: None,
        transfer_to: None,
        fine_tune: None,
        columns: None,
        split: None,
        cutoff: None,
        feature_set: None,
        calibrate: None,
        tune: None,
    };
    store.insert(TrainingSession::queued(id, request, None, None)).unwrap();
    runner.queued();
    id
}

fn big_forest(store: &Arc<dyn SessionStore>, runner: &JobRunner) -> Uuid {
    submit(store, runner, ModelKind::RandomForest, serde_json::json!({"n_trees": 1000}))
}

async fn wait_finished(store: &Arc<dyn SessionStore>, id: &Uuid) -> TrainingSession {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let s = store.get(id).unwrap().unwrap();
        if s.status.is_finished() {
            return s;
        }
        assert!(Instant::now() < deadline, "not finished: {}", s.step);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A training that cannot run ends `failed` with a message saying why, never stuck.
#[tokio::test]
async fn failing_training_is_marked_failed_with_reason() {
    let store = temporary_store();
    let runner = runner(&store, "/nonexistent-data-dir".into());
    let id = submit(&store, &runner, ModelKind::DecisionTree, serde_json::json!({}));
    let s = wait_finished(&store, &id).await;
    assert_eq!(s.status, TrainingStatus::Failed);
    let error = s.error.unwrap();
    assert!(error.contains("koi_cumulative.csv"), "{error}");
    assert!(s.finished_at.is_some());
}

/// A running training stops soon after the request; a queued one never starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_running_and_queued_trainings() {
    let store = temporary_store();
    let runner = runner(&store, PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"));
    let running = big_forest(&store, &runner);
    let queued = big_forest(&store, &runner);
    while store.get(&running).unwrap().unwrap().status != TrainingStatus::Running {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(runner.cancel(&queued).unwrap());
    let asked = Instant::now();
    assert!(runner.cancel(&running).unwrap());
    let s = wait_finished(&store, &running).await;
    assert_eq!(s.status, TrainingStatus::Cancelled);
    assert!(asked.elapsed() < Duration::from_secs(5), "took {:?}", asked.elapsed());
    let q = wait_finished(&store, &queued).await;
    assert_eq!(q.status, TrainingStatus::Cancelled);
    assert!(q.started_at.is_none(), "a cancelled queued training never runs");
    assert!(!runner.cancel(&running).unwrap(), "nothing left to cancel");
}

/// A training that reaches the wall-clock limit ends failed, saying which limit and setting.
/// (A limit of zero has passed before the training's data is read, whatever the machine.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_training_past_its_time_limit_fails_naming_the_setting() {
    let store = temporary_store();
    let runner = runner_with_limit(&store, PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"), Duration::ZERO);
    let id = submit(&store, &runner, ModelKind::DecisionTree, serde_json::json!({}));
    let s = wait_finished(&store, &id).await;
    assert_eq!(s.status, TrainingStatus::Failed, "{:?}", s.step);
    let error = s.error.unwrap();
    assert!(error.contains("EXO_MAX_TRAINING_S"), "{error}");
}
