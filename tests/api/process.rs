//! Real server processes for the process tests: the server binary cargo built for this test
//! run (`CARGO_BIN_EXE_…`), started on a free port over a state folder, killed (SIGKILL) or
//! stopped (SIGTERM); helpers to queue a training and follow it; the PostgreSQL they may use.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn start(state_dir: &Path) -> Server {
        Self::start_with_workers(state_dir, 1, None)
    }

    /// `database_url`: a database server instead of the state folder's SQLite file.
    pub fn start_with_workers(state_dir: &Path, workers: usize, database_url: Option<&str>) -> Server {
        Self::start_with_env(state_dir, workers, database_url, &[])
    }

    /// As above, with more settings (`EXO_*` variables).
    pub fn start_with_env(
        state_dir: &Path,
        workers: usize,
        database_url: Option<&str>,
        settings: &[(&str, &str)],
    ) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        // EXO_TEST_SERVER_BIN runs the process tests against another build (an older one, to
        // measure what a change did); by default, the binary cargo built for this test run.
        let binary =
            std::env::var("EXO_TEST_SERVER_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_exoplanet-playground").into());
        let child = Command::new(binary)
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
            // One client queues many trainings here and runs them on every worker; tests of
            // quotas and fairness set their own.
            .env("EXO_QUOTA_ACTIVE_TRAININGS", "1000")
            .env("EXO_ADDRESS_ACTIVE_TRAININGS", "1000")
            .env("EXO_MAX_RUNNING_PER_PRINCIPAL", "100")
            .env("EXO_RATE_LIMIT_PER_MINUTE", "100000")
            .env("EXO_NEW_VISITORS_PER_MINUTE", "100000")
            .env("EXO_REQUESTS_PER_PRINCIPAL", "100000")
            .env("EXO_HEAVY_REQUESTS_PER_PRINCIPAL", "64")
            // Shared answers on first request, as in-process tests have them (abuse.rs tests
            // the warm-up).
            .env("EXO_WARM_UP", "false")
            .envs(settings.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .expect("server binary starts");
        Server { child, base: format!("http://127.0.0.1:{port}") }
    }

    pub async fn wait_ready(&self, http: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while http.get(format!("{}/api/v1/health", self.base)).send().await.is_err() {
            assert!(Instant::now() < deadline, "server did not come up");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The server's process id (its CPU time is read from /proc).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn kill(mut self) {
        self.child.kill().unwrap(); // SIGKILL: no graceful shutdown
        self.child.wait().unwrap();
    }

    /// SIGTERM, as a service manager stops it; its exit code (waits up to 30 s).
    pub fn terminate(mut self) -> Option<i32> {
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

pub async fn get(http: &reqwest::Client, url: String) -> (u16, Value) {
    let Ok(r) = http.get(url).send().await else { return (0, Value::Null) };
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

pub async fn wait_for(http: &reqwest::Client, base: &str, id: &str, wanted: &str) -> Value {
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

/// A training long enough to be interrupted (several seconds in a test build: 150 trees on
/// K2 alone took 0.16 s on a 2-core machine, over before a poll could see it running),
/// short enough to run three times: cross-validation fits the forest six times.
pub fn interruptible_request() -> Value {
    json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"n_trees": 200}, "seed": 11,
        "cross_validation": true})
}

pub async fn queue(http: &reqwest::Client, base: &str, request: &Value) -> String {
    let r = http.post(format!("{base}/api/v1/trainings")).json(request).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let started: Value = r.json().await.unwrap();
    started["id"].as_str().unwrap().to_string()
}

/// Waits until the training runs and has done part of its work, so a stop interrupts it.
pub async fn wait_mid_training(http: &reqwest::Client, base: &str, id: &str) {
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

/// The PostgreSQL the database tests use: `scripts/test.sh` starts Debian's and sets
/// `EXO_TEST_POSTGRES_URL` (a fresh, empty database). Without it the test is skipped, saying
/// so on stderr past the harness's capture, so the line shows in a normal run; in CI (`CI`
/// set, as `scripts/test.sh` reads it) the test fails instead, since a silent skip there
/// would pass a run that never touched PostgreSQL.
pub fn postgres_url(test: &str) -> Option<String> {
    required_setting(test, "EXO_TEST_POSTGRES_URL")
}

/// The cluster the outage test stops and starts (`pg_ctlcluster VERSION main stop|start`),
/// e.g. "15 main": `scripts/test.sh` sets `EXO_TEST_POSTGRES_CLUSTER`. Skipped or failed as
/// [`postgres_url`].
pub fn postgres_cluster(test: &str) -> Option<String> {
    required_setting(test, "EXO_TEST_POSTGRES_CLUSTER")
}

fn required_setting(test: &str, name: &str) -> Option<String> {
    if let Some(value) = std::env::var(name).ok().filter(|v| !v.trim().is_empty()) {
        return Some(value);
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty());
    assert!(
        !in_ci,
        "{test}: {name} is empty or missing while CI is set; scripts/test.sh sets it, or fails if it cannot"
    );
    // Not eprintln!: the harness captures that and shows it only when a test fails.
    let _ = writeln!(std::io::stderr(), "{test} skipped: set {name} (scripts/test.sh sets it)");
    None
}
