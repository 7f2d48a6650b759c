//! Real server processes. A restart loses nothing: a completed training's result, its place
//! in the list and its model are all there after a hard kill, and a training that was
//! running at a kill or a stop runs again to the same result. Two processes sharing one
//! database share one queue: each takes work, and either can cancel.
#![cfg(feature = "ssr")]

#[path = "process/bad_inputs.rs"]
mod bad_inputs;
mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The tests here start real servers that train on both cores, and one of them stops the
/// shared PostgreSQL: they run one at a time.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

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
        Self::start_with_env(state_dir, workers, database_url, &[])
    }

    /// As above, with more settings (`EXO_*` variables).
    fn start_with_env(
        state_dir: &Path,
        workers: usize,
        database_url: Option<&str>,
        settings: &[(&str, &str)],
    ) -> Server {
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
            .env("EXO_MAX_TRAININGS", workers.max(1).to_string())
            .env("EXO_SERVE_ONLY", if workers == 0 { "true" } else { "false" })
            .env("EXO_DATABASE_URL", database_url.unwrap_or_default())
            .env("EXO_SHUTDOWN_GRACE_S", "1")
            .env("RUST_LOG", "warn")
            // One client queues many trainings here; tests of quotas set their own.
            .env("EXO_QUOTA_ACTIVE_TRAININGS", "1000")
            .env("EXO_RATE_LIMIT_PER_MINUTE", "100000")
            .env("EXO_NEW_VISITORS_PER_MINUTE", "100000")
            .envs(settings.iter().copied())
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

    /// SIGTERM, as a service manager stops it; its exit code (waits up to 30 s).
    fn terminate(mut self) -> Option<i32> {
        let sent = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().unwrap();
        assert!(sent.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if Instant::now() > deadline {
                self.child.kill().unwrap();
                panic!("the server did not stop within 30 s of SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A failed assertion must not leave the server running (an orphan keeps its port, its
/// state folder and every file descriptor it inherited, such as a build lock).
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn get(http: &reqwest::Client, url: String) -> (u16, Value) {
    let Ok(r) = http.get(url).send().await else { return (0, Value::Null) };
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

/// A training long enough to be interrupted (several seconds in a test build), short
/// enough to run three times.
fn interruptible_request() -> Value {
    json!({"dataset": "k2", "model": "random_forest", "hyperparameters": {"n_trees": 150}, "seed": 11})
}

async fn queue(http: &reqwest::Client, base: &str, request: &Value) -> String {
    let r = http.post(format!("{base}/api/v1/trainings")).json(request).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let started: Value = r.json().await.unwrap();
    started["id"].as_str().unwrap().to_string()
}

/// Waits until the training runs and has done part of its work, so a stop interrupts it.
async fn wait_mid_training(http: &reqwest::Client, base: &str, id: &str) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (_, body) = get(http, format!("{base}/api/v1/trainings/{id}")).await;
        if body["status"] == "running" && body["progress"].as_f64().unwrap_or(0.0) >= 10.0 {
            return;
        }
        assert!(body["status"] == "running" || body["status"] == "queued", "{body}");
        assert!(Instant::now() < deadline, "{id} never got going: {body}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Nothing accepted is lost. A finished training survives a hard kill unchanged; a training
/// running at a SIGKILL is queued again once its heartbeat goes stale and runs to the very
/// same result; one running at a SIGTERM is put back in the queue at once (the process
/// exits 0 after its grace period) and also finishes identically after the restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_and_stopped_trainings_finish_after_a_restart_with_identical_results() {
    let _serial = one_at_a_time();
    let state_dir = std::env::temp_dir().join(format!("exo-restart-{}", uuid::Uuid::new_v4()));
    let http = reqwest::Client::builder().cookie_store(true).build().unwrap();

    let server = Server::start(&state_dir);
    server.wait_ready(&http).await;
    let done = queue(&http, &server.base, &interruptible_request()).await;
    wait_for(&http, &server.base, &done, "completed").await;
    let (_, reference) = get(&http, format!("{}/api/v1/trainings/{done}/result", server.base)).await;

    // SIGKILL mid-training.
    let killed = queue(&http, &server.base, &interruptible_request()).await;
    wait_mid_training(&http, &server.base, &killed).await;
    server.kill();
    let server = Server::start(&state_dir);
    server.wait_ready(&http).await;
    let (status, after) = get(&http, format!("{}/api/v1/trainings/{done}/result", server.base)).await;
    assert_eq!(status, 200);
    assert_eq!(after["metrics"], reference["metrics"]);
    assert_eq!(after["predictions"], reference["predictions"]);
    // Once its heartbeat is older than the stale limit (10 s), it is queued again and runs.
    let finished = wait_for(&http, &server.base, &killed, "completed").await;
    assert_eq!(finished["attempts"], 2, "{finished}");
    let (_, rerun) = get(&http, format!("{}/api/v1/trainings/{killed}/result", server.base)).await;
    assert_eq!(rerun["metrics"], reference["metrics"], "a rerun after a kill gives the same metrics");
    assert_eq!(rerun["predictions"], reference["predictions"]);

    // SIGTERM mid-training: a one-second grace, then put back; the process exits 0.
    let stopped = queue(&http, &server.base, &interruptible_request()).await;
    wait_mid_training(&http, &server.base, &stopped).await;
    let code = server.terminate();
    assert_eq!(code, Some(0), "a graceful stop exits 0");
    let server = Server::start(&state_dir);
    server.wait_ready(&http).await;
    let finished = wait_for(&http, &server.base, &stopped, "completed").await;
    assert_eq!(finished["attempts"], 1, "a graceful stop is not a failed attempt: {finished}");
    let (_, rerun) = get(&http, format!("{}/api/v1/trainings/{stopped}/result", server.base)).await;
    assert_eq!(rerun["metrics"], reference["metrics"], "a rerun after a stop gives the same metrics");
    assert_eq!(rerun["predictions"], reference["predictions"]);
    let running = stopped.clone();

    let (_, list) = get(&http, format!("{}/api/v1/trainings", server.base)).await;
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [running.as_str(), killed.as_str(), done.as_str()], "newest first");
    assert!(list[2]["headline"]["macro_f1"].as_f64().unwrap() > 0.5);

    let model = http.get(format!("{}/api/v1/trainings/{done}/model", server.base)).send().await.unwrap();
    assert_eq!(model.status().as_u16(), 200);
    assert!(model.headers()["content-disposition"].to_str().unwrap().contains("random_forest-k2-"));
    let model: Value = model.json().await.unwrap();
    assert_eq!(model["family"], "random_forest");

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
    let _serial = one_at_a_time();
    two_processes_share_the_queue(None).await;
}

/// The same against PostgreSQL: `scripts/test.sh` starts Debian's PostgreSQL and sets
/// `EXO_TEST_POSTGRES_URL` (a fresh, empty database); a plain `cargo test` without it says
/// it skipped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_the_postgres_queue_and_can_cancel_each_others_work() {
    let _serial = one_at_a_time();
    match postgres_url() {
        Some(url) => two_processes_share_the_queue(Some(&url)).await,
        None => eprintln!("skipped: EXO_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)"),
    }
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

/// The issue's own check: the archive's KOI export and a hand-made table with its own column
/// names, both trained, both still there (results and models) after a hard restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploaded_tables_trainings_survive_a_restart() {
    let _serial = one_at_a_time();
    let state_dir = std::env::temp_dir().join(format!("exo-uploads-{}", uuid::Uuid::new_v4()));
    let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let server = Server::start(&state_dir);
    server.wait_ready(&http).await;

    let koi = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/koi_cumulative.csv")).unwrap();
    let custom = common::custom_table();
    let mapping = common::custom_mapping();
    let uploads = [
        (json!({"dataset": "upload", "model": "logistic_regression"}), "cumulative_2025.csv", koi),
        (
            json!({"dataset": "upload", "model": "decision_tree", "mapping": mapping}),
            "my_candidates.csv",
            custom.into_bytes(),
        ),
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

/// PostgreSQL tests need the server `scripts/test.sh` starts; without it they say they
/// skipped (and `scripts/test.sh` fails if it could not start one: see there).
fn postgres_url() -> Option<String> {
    std::env::var("EXO_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty())
}

/// Processes on different machines share nothing but the database: A (no workers, its own
/// state folder) takes the upload and queues the training, B (another state folder) runs
/// it, and A serves its result and model.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_with_separate_state_folders_share_everything_through_postgres() {
    let _serial = one_at_a_time();
    let Some(url) = postgres_url() else {
        eprintln!("skipped: EXO_TEST_POSTGRES_URL is not set (scripts/test.sh sets it)");
        return;
    };
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

/// The database stopped mid-run: requests answer 503 with Retry-After (never 404, never a
/// hang), and when it is back the service recovers and the training finishes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_answers_503_and_the_service_recovers() {
    let _serial = one_at_a_time();
    let (Some(url), Ok(cluster)) = (postgres_url(), std::env::var("EXO_TEST_POSTGRES_CLUSTER")) else {
        eprintln!("skipped: EXO_TEST_POSTGRES_URL / EXO_TEST_POSTGRES_CLUSTER are not set (scripts/test.sh sets them)");
        return;
    };
    let pg_ctl = |action: &str| {
        let mut args: Vec<&str> = cluster.split_whitespace().collect();
        args.push(action);
        if action == "stop" {
            args.extend(["-m", "fast"]);
        }
        let status = Command::new("pg_ctlcluster").args(&args).status().expect("pg_ctlcluster runs");
        assert!(status.success(), "pg_ctlcluster {args:?} failed");
    };
    let dir = std::env::temp_dir().join(format!("exo-outage-{}", uuid::Uuid::new_v4()));
    let http = reqwest::Client::builder().cookie_store(true).timeout(Duration::from_secs(20)).build().unwrap();
    let server = Server::start_with_workers(&dir, 1, Some(&url));
    server.wait_ready(&http).await;
    let id = queue(&http, &server.base, &interruptible_request()).await;
    wait_mid_training(&http, &server.base, &id).await;

    pg_ctl("stop");
    let asked = Instant::now();
    let r = http.get(format!("{}/api/v1/trainings/{id}", server.base)).send().await.unwrap();
    let (status, retry_after) = (r.status().as_u16(), r.headers().get("retry-after").is_some());
    let ready = http.get(format!("{}/api/v1/ready", server.base)).send().await.unwrap().status().as_u16();
    pg_ctl("start");
    assert_eq!(status, 503, "a status poll while the database is down");
    assert!(retry_after, "503 says when to retry");
    assert!(asked.elapsed() < Duration::from_secs(15), "answered in {:?}", asked.elapsed());
    assert_eq!(ready, 503, "not ready while the database is down");

    // Back: polls answer again and the training (its outcome retried) completes.
    let finished = wait_for(&http, &server.base, &id, "completed").await;
    assert!(finished["attempts"].as_u64().unwrap() >= 1, "{finished}");
    let (status, _) = get(&http, format!("{}/api/v1/trainings/{id}/result", server.base)).await;
    assert_eq!(status, 200);
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}

/// A bounded load test on loopback against the real server binary: 8 trainings queued (two
/// run at a time) while 100 pollers each read one training's progress about every 250 ms
/// and one client loads pages, for `EXO_LOAD_SECS` seconds (default 60, at most 70) and at
/// most 60 000 requests. Every answer must be a success. Latencies are printed, not asserted
/// (a loaded 2-core CI machine is no benchmark):
/// `load: requests=N errors=E poll_p50_ms=… poll_p99_ms=… page_p50_ms=… page_p99_ms=…`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_100_pollers_and_8_trainings() {
    let _serial = one_at_a_time();
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    const POLLERS: usize = 100;
    const MAX_REQUESTS: usize = 60_000;
    const POLL_EVERY: Duration = Duration::from_millis(250);
    let secs =
        std::env::var("EXO_LOAD_SECS").ok().and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(60).clamp(1, 70);

    let state_dir = std::env::temp_dir().join(format!("exo-load-{}", uuid::Uuid::new_v4()));
    let http = reqwest::Client::builder().cookie_store(true).timeout(Duration::from_secs(30)).build().unwrap();
    let server = Server::start_with_workers(&state_dir, 2, None);
    server.wait_ready(&http).await;
    let trainings = [
        json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"n_trees": 300}}),
        json!({"dataset": "tess", "model": "decision_tree"}),
        json!({"dataset": "tess", "model": "gradient_boosting"}),
        json!({"dataset": "k2", "model": "random_forest", "hyperparameters": {"n_trees": 300}}),
        json!({"dataset": "kepler", "model": "gradient_boosting"}),
        json!({"dataset": "k2", "model": "decision_tree"}),
        json!({"dataset": "tess", "model": "random_forest", "hyperparameters": {"n_trees": 300}}),
        json!({"dataset": "k2", "model": "logistic_regression"}),
    ];
    let mut ids = Vec::new();
    for body in &trainings {
        let r = http.post(format!("{}/api/v1/trainings", server.base)).json(body).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 202, "{body}");
        let started: Value = r.json().await.unwrap();
        ids.push(started["id"].as_str().unwrap().to_string());
    }

    let requests = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let until = Instant::now() + Duration::from_secs(secs);
    // One request: its time to the last byte, or an error (a transport error or not 2xx).
    async fn timed(http: &reqwest::Client, url: &str, errors: &AtomicUsize) -> Option<Duration> {
        let started = Instant::now();
        let outcome = match http.get(url).send().await {
            Ok(r) if r.status().is_success() => r.bytes().await.map(|_| ()).map_err(|e| e.to_string()),
            Ok(r) => Err(format!("status {}", r.status())),
            Err(e) => Err(e.to_string()),
        };
        match outcome {
            Ok(()) => Some(started.elapsed()),
            Err(error) => {
                if errors.fetch_add(1, Ordering::SeqCst) < 5 {
                    eprintln!("load: GET {url}: {error}");
                }
                None
            }
        }
    }
    let mut pollers = Vec::new();
    for i in 0..POLLERS {
        let (http, requests, errors) = (http.clone(), requests.clone(), errors.clone());
        let url = format!("{}/api/v1/trainings/{}", server.base, ids[i % ids.len()]);
        pollers.push(tokio::spawn(async move {
            // Starts spread over one period, so the pollers do not fire in lockstep.
            tokio::time::sleep(POLL_EVERY * i as u32 / POLLERS as u32).await;
            let mut latencies = Vec::new();
            while Instant::now() < until && requests.fetch_add(1, Ordering::SeqCst) < MAX_REQUESTS {
                latencies.extend(timed(&http, &url, &errors).await);
                tokio::time::sleep(POLL_EVERY).await;
            }
            latencies
        }));
    }
    let pages = {
        let (http, requests, errors, base) = (http.clone(), requests.clone(), errors.clone(), server.base.clone());
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            for path in ["/", "/train"].iter().cycle() {
                if Instant::now() >= until || requests.fetch_add(1, Ordering::SeqCst) >= MAX_REQUESTS {
                    break;
                }
                latencies.extend(timed(&http, &format!("{base}{path}"), &errors).await);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            latencies
        })
    };
    let mut poll_latencies = Vec::new();
    for poller in pollers {
        poll_latencies.extend(poller.await.unwrap());
    }
    let mut page_latencies = pages.await.unwrap();
    let mut finished = 0;
    for id in &ids {
        let (_, body) = get(&http, format!("{}/api/v1/trainings/{id}", server.base)).await;
        finished += usize::from(body["status"] == "completed");
    }
    server.kill();
    let _ = std::fs::remove_dir_all(&state_dir);

    fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
        sorted
            .get(((sorted.len().max(1) - 1) as f64 * p).round() as usize)
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    }
    poll_latencies.sort();
    page_latencies.sort();
    let errors = errors.load(Ordering::SeqCst);
    let report = format!(
        "load: requests={} errors={errors} poll_p50_ms={:.1} poll_p99_ms={:.1} page_p50_ms={:.1} page_p99_ms={:.1}\nload: {secs} s, {POLLERS} pollers, {} page loads, {finished} of {} trainings completed\n",
        poll_latencies.len() + page_latencies.len() + errors,
        percentile_ms(&poll_latencies, 0.5),
        percentile_ms(&poll_latencies, 0.99),
        percentile_ms(&page_latencies, 0.5),
        percentile_ms(&page_latencies, 0.99),
        page_latencies.len(),
        ids.len()
    );
    print!("{report}");
    // scripts/test.sh prints it after the run, so CI's log carries the figures.
    let _ = std::fs::write(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/load-report.txt"), &report);
    assert_eq!(errors, 0, "every request must succeed under this load");
}
