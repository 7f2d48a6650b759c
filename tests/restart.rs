//! Real server processes. A restart loses nothing finished: a completed training's result,
//! its place in the list and its model file are all there after a hard kill, and a training
//! that was running at the kill is marked failed, not left running forever. Two processes
//! sharing one state folder share one queue: each takes work, and either can cancel.
#![cfg(feature = "ssr")]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(state_dir: &Path) -> Server {
        Self::start_with_workers(state_dir, 1, None)
    }

    /// `database_url`: a database server instead of the state folder's SQLite file.
    fn start_with_workers(state_dir: &Path, workers: usize, database_url: Option<&str>) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let child = Command::new(env!("CARGO_BIN_EXE_exoplanet-playground"))
            .current_dir(&root)
            .env("LEPTOS_OUTPUT_NAME", "exoplanet-playground")
            .env("LEPTOS_SITE_ROOT", "target/site")
            .env("LEPTOS_SITE_PKG_DIR", "pkg")
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("EXO_STATE_DIR", state_dir)
            .env("EXO_DATA_DIR", root.join("data"))
            .env("EXO_MAX_TRAININGS", workers.to_string())
            .env("EXO_DATABASE_URL", database_url.unwrap_or_default())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("server binary starts");
        Server { child, base: format!("http://127.0.0.1:{port}") }
    }

    async fn wait_ready(&self, http: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while http.get(format!("{}/api/v1/health", self.base)).send().await.is_err() {
            assert!(Instant::now() < deadline, "server did not come up");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn kill(mut self) {
        self.child.kill().unwrap(); // SIGKILL: no graceful shutdown
        self.child.wait().unwrap();
    }
}

async fn get(http: &reqwest::Client, url: String) -> (u16, Value) {
    let r = http.get(url).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn wait_for(http: &reqwest::Client, base: &str, id: &str, wanted: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, body) = get(http, format!("{base}/api/v1/trainings/{id}")).await;
        if body["status"] == wanted {
            return body;
        }
        assert!(Instant::now() < deadline, "{id} never became {wanted}: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hard_restart_keeps_finished_work_and_fails_interrupted_work() {
    let state_dir = std::env::temp_dir().join(format!("exo-restart-{}", uuid::Uuid::new_v4()));
    let http = reqwest::Client::new();

    let server = Server::start(&state_dir);
    server.wait_ready(&http).await;
    let started: Value = http
        .post(format!("{}/api/v1/trainings", server.base))
        .json(&json!({"dataset": "k2", "model": "gradient_boosting", "preset": "fast"}))
        .send().await.unwrap().json().await.unwrap();
    let done = started["id"].as_str().unwrap().to_string();
    wait_for(&http, &server.base, &done, "completed").await;
    let (_, before) = get(&http, format!("{}/api/v1/trainings/{done}/result", server.base)).await;

    let started: Value = http
        .post(format!("{}/api/v1/trainings", server.base))
        .json(&json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"n_trees": 1000}}))
        .send().await.unwrap().json().await.unwrap();
    let running = started["id"].as_str().unwrap().to_string();
    wait_for(&http, &server.base, &running, "running").await;
    server.kill();

    let server = Server::start(&state_dir);
    server.wait_ready(&http).await;
    let (status, after) = get(&http, format!("{}/api/v1/trainings/{done}/result", server.base)).await;
    assert_eq!(status, 200);
    assert_eq!(after["metrics"], before["metrics"]);
    assert_eq!(after["predictions"], before["predictions"]);

    // Once its heartbeat is older than the stale limit (10 s), any process marks it failed.
    let interrupted = wait_for(&http, &server.base, &running, "failed").await;
    assert!(interrupted["error"].as_str().unwrap().contains("Interrupted by a server restart"), "{interrupted}");

    let (_, list) = get(&http, format!("{}/api/v1/trainings", server.base)).await;
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [running.as_str(), done.as_str()], "newest first");
    assert!(list[1]["headline"]["macro_f1"].as_f64().unwrap() > 0.5);

    let model = http.get(format!("{}/api/v1/trainings/{done}/model", server.base)).send().await.unwrap();
    assert_eq!(model.status().as_u16(), 200);
    assert!(model.headers()["content-disposition"].to_str().unwrap().contains("gradient_boosting-k2-"));
    let model: Value = model.json().await.unwrap();
    assert_eq!(model["family"], "gradient_boosting");

    // Deleting removes it for good; a second delete is a 404.
    let deleted = http.delete(format!("{}/api/v1/trainings/{done}", server.base)).send().await.unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    let again = http.delete(format!("{}/api/v1/trainings/{done}", server.base)).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 404);
    server.kill();
    let _ = std::fs::remove_dir_all(&state_dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_the_sqlite_queue_and_can_cancel_each_others_work() {
    two_processes_share_the_queue(None).await;
}

/// The same against PostgreSQL: `scripts/test.sh` starts Debian's PostgreSQL and sets
/// `EXO_TEST_POSTGRES_URL` (a fresh, empty database); a plain `cargo test` without it says
/// it skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_the_postgres_queue_and_can_cancel_each_others_work() {
    match std::env::var("EXO_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => two_processes_share_the_queue(Some(&url)).await,
        _ => eprintln!("skipped: EXO_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)"),
    }
}

async fn two_processes_share_the_queue(database_url: Option<&str>) {
    let state_dir = std::env::temp_dir().join(format!("exo-two-{}", uuid::Uuid::new_v4()));
    let http = reqwest::Client::new();
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
            .send().await.unwrap();
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

/// The issue's own check: the archive's KOI export and a hand-made table with its own column
/// names, both trained, both still there (results and models) after a hard restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploaded_tables_trainings_survive_a_restart() {
    let state_dir = std::env::temp_dir().join(format!("exo-uploads-{}", uuid::Uuid::new_v4()));
    let http = reqwest::Client::new();
    let server = Server::start(&state_dir);
    server.wait_ready(&http).await;

    let koi = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/koi_cumulative.csv")).unwrap();
    let custom = common::custom_table();
    let mapping = common::custom_mapping();
    let uploads = [
        (json!({"dataset": "upload", "model": "logistic_regression"}), "cumulative_2025.csv", koi),
        (json!({"dataset": "upload", "model": "decision_tree", "mapping": mapping}), "my_candidates.csv", custom.into_bytes()),
    ];
    let mut ids = Vec::new();
    for (config, name, bytes) in uploads {
        let form = reqwest::multipart::Form::new()
            .text("config", config.to_string())
            .part("train_file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        let r = http.post(format!("{}/api/v1/trainings", server.base)).multipart(form).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 202);
        let started: Value = r.json().await.unwrap();
        ids.push(started["id"].as_str().unwrap().to_string());
    }
    let mut before = Vec::new();
    for id in &ids {
        wait_for(&http, &server.base, id, "completed").await;
        before.push(get(&http, format!("{}/api/v1/trainings/{id}/result", server.base)).await.1);
    }
    server.kill();

    let server = Server::start(&state_dir);
    server.wait_ready(&http).await;
    for (id, before) in ids.iter().zip(&before) {
        let (status, after) = get(&http, format!("{}/api/v1/trainings/{id}/result", server.base)).await;
        assert_eq!(status, 200);
        assert_eq!(after["predictions"], before["predictions"]);
        assert_eq!(after["model_info"]["dataset"], "upload");
        let model = http.get(format!("{}/api/v1/trainings/{id}/model", server.base)).send().await.unwrap();
        assert_eq!(model.status().as_u16(), 200);
    }
    assert!(before[0]["model_info"]["dataset_name"].as_str().unwrap().contains("Kepler KOI export"));
    assert!(before[1]["model_info"]["dataset_name"].as_str().unwrap().contains("my_candidates.csv"));
    server.kill();
    let _ = std::fs::remove_dir_all(&state_dir);
}
