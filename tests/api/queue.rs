//! Two processes sharing one database share one queue: each takes work and either can cancel
//! (SQLite and PostgreSQL); processes with separate state folders share everything through
//! PostgreSQL.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::common;
use super::process::{get, postgres_url, wait_for, Server};
use super::schedule::one_at_a_time;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_the_sqlite_queue_and_can_cancel_each_others_work() {
    let _serial = one_at_a_time();
    two_processes_share_the_queue(None).await;
}

/// The same against PostgreSQL: `scripts/test.sh` starts Debian's PostgreSQL and sets
/// `EXO_TEST_POSTGRES_URL` (a fresh, empty database); without it the test says it skipped,
/// or fails in CI (see [`postgres_url`]).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_the_postgres_queue_and_can_cancel_each_others_work() {
    let Some(url) = postgres_url("two_processes_share_the_postgres_queue_and_can_cancel_each_others_work") else {
        return;
    };
    let _serial = one_at_a_time();
    two_processes_share_the_queue(Some(&url)).await;
}

async fn two_processes_share_the_queue(database_url: Option<&str>) {
    let state_dir = std::env::temp_dir().join(format!("exo-two-{}", uuid::Uuid::new_v4()));
    let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let a = Server::start_with_workers(&state_dir, 1, database_url);
    a.wait_ready(&http).await;
    let b = Server::start_with_workers(&state_dir, 1, database_url);
    b.wait_ready(&http).await;

    // Both trainings are sent to A, which has one worker: B must take the second.
    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = http
            .post(format!("{}/api/v1/trainings", a.base))
            .json(&json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"n_trees": 1000}}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 202);
        let started: Value = r.json().await.unwrap();
        ids.push(started["id"].as_str().unwrap().to_string());
    }
    for id in &ids {
        // Either process reports the same state: it comes from the shared store.
        wait_for(&http, &a.base, id, "running").await;
        let (_, seen_by_b) = get(&http, format!("{}/api/v1/trainings/{id}", b.base)).await;
        assert_eq!(seen_by_b["status"], "running", "{seen_by_b}");
    }

    // B cancels both, whichever process runs each.
    for id in &ids {
        let r = http.post(format!("{}/api/v1/trainings/{id}/cancel", b.base)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
    }
    let asked = Instant::now();
    for id in &ids {
        wait_for(&http, &a.base, id, "cancelled").await;
    }
    assert!(asked.elapsed() < Duration::from_secs(10), "cancel took {:?}", asked.elapsed());
    a.kill();
    b.kill();
    let _ = std::fs::remove_dir_all(&state_dir);
}

/// Processes on different machines share nothing but the database: A (no workers, its own
/// state folder) takes the upload and queues the training, B (another state folder) runs
/// it, and A serves its result and model.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_with_separate_state_folders_share_everything_through_postgres() {
    let Some(url) = postgres_url("processes_with_separate_state_folders_share_everything_through_postgres") else {
        return;
    };
    let _serial = one_at_a_time();
    let (dir_a, dir_b) = (
        std::env::temp_dir().join(format!("exo-a-{}", uuid::Uuid::new_v4())),
        std::env::temp_dir().join(format!("exo-b-{}", uuid::Uuid::new_v4())),
    );
    let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let a = Server::start_with_workers(&dir_a, 0, Some(&url));
    a.wait_ready(&http).await;
    let b = Server::start_with_workers(&dir_b, 1, Some(&url));
    b.wait_ready(&http).await;

    let form = reqwest::multipart::Form::new()
        .text(
            "config",
            json!({"dataset": "upload", "model": "decision_tree", "mapping": common::custom_mapping()}).to_string(),
        )
        .part(
            "train_file",
            reqwest::multipart::Part::bytes(common::custom_table().into_bytes()).file_name("my_candidates.csv"),
        );
    let r = http.post(format!("{}/api/v1/trainings", a.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    wait_for(&http, &a.base, &id, "completed").await;
    let (status, result) = get(&http, format!("{}/api/v1/trainings/{id}/result", a.base)).await;
    assert_eq!(status, 200);
    assert!(result["model_info"]["dataset_name"].as_str().unwrap().contains("my_candidates.csv"));
    let model = http.get(format!("{}/api/v1/trainings/{id}/model", a.base)).send().await.unwrap();
    assert_eq!(model.status().as_u16(), 200, "the model B trained downloads from A");
    assert_eq!(model.json::<Value>().await.unwrap()["family"], "decision_tree");
    // Nothing of it is in either state folder: all of it lives in the database.
    for dir in [&dir_a, &dir_b] {
        let files: Vec<_> = walk(dir)
            .into_iter()
            .filter(|p| !p.ends_with("exoplanet.db") && !p.to_string_lossy().contains("exoplanet.db-"))
            .collect();
        assert!(files.is_empty(), "state folder {} holds {files:?}", dir.display());
    }
    a.kill();
    b.kill();
    let _ = std::fs::remove_dir_all(&dir_a);
    let _ = std::fs::remove_dir_all(&dir_b);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.flatten().flat_map(|e| if e.path().is_dir() { walk(&e.path()) } else { vec![e.path()] }).collect()
}
