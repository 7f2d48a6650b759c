//! The in-process test server: the app's own router on a free loopback port, its state in a
//! fresh temporary folder, and a client that keeps its cookie (one client, one identity).

use std::path::PathBuf;
use std::sync::RwLockReadGuard;
use std::time::{Duration, Instant};

use exoplanet_playground::server::access_settings::{AccessSettings, AddressQuotas, Quotas, RateLimits};
use exoplanet_playground::server::fairness::FairnessSettings;
use exoplanet_playground::server::{app, AppState, Config};
use serde_json::Value;

use super::schedule;

pub struct TestServer {
    pub base: String,
    pub http: reqwest::Client,
    /// While an in-process server lives, no process test runs (see `schedule`).
    _alongside: RwLockReadGuard<'static, ()>,
}

impl TestServer {
    /// Serves the app on a free loopback port; one training at a time, so queueing is observable.
    pub async fn start() -> TestServer {
        Self::start_with(32, 1).await
    }

    pub async fn start_with_limit(max_upload_mb: u64) -> TestServer {
        Self::start_with(32, max_upload_mb).await
    }

    pub async fn start_with_queue(max_queue: usize) -> TestServer {
        Self::start_with(max_queue, 1).await
    }

    async fn start_with(max_queue: usize, max_upload_mb: u64) -> TestServer {
        Self::serve(Self::config(max_queue, max_upload_mb)).await
    }

    pub fn config(max_queue: usize, max_upload_mb: u64) -> Config {
        let leptos = leptos::prelude::get_configuration(Some("Cargo.toml")).unwrap().leptos_options;
        let state_dir = std::env::temp_dir().join(format!("exo-api-test-{}", uuid::Uuid::new_v4()));
        Config {
            leptos: leptos.clone(),
            state_dir,
            data_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"),
            max_concurrent_trainings: 1,
            max_queue,
            max_disk_mb: 4096,
            max_upload_mb,
            database_url: None,
            pretrained_model: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/pretrained.json"),
            // These tests queue many trainings from one client; the quota and rate-limit
            // tests (limits.rs) set their own.
            access: AccessSettings {
                quotas: Quotas { active_trainings: 1000, ..Quotas::default() },
                address_quotas: AddressQuotas { active_trainings: 1000, ..AddressQuotas::default() },
                rate_limits: RateLimits {
                    writes_per_minute: 100_000,
                    new_visitors_per_minute: 100_000,
                    ..RateLimits::default()
                },
                ..AccessSettings::default()
            },
            // The shared answers are computed when a test first asks for one (every test
            // server warming all of them up would cost each test a minute of CPU); the
            // warm-up itself is tested on the real binary (abuse.rs).
            fairness: FairnessSettings {
                warm_up: false,
                requests_per_principal: 10_000,
                ..FairnessSettings::default()
            },
            ..Config::with_defaults(leptos.clone())
        }
    }

    /// Serves as `serve()` does: with the peer address known (`/metrics` answers loopback).
    pub async fn serve(config: Config) -> TestServer {
        let alongside = schedule::alongside_others();
        let state = AppState::new(config).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
        // One client, one identity: the cookie the server sets on the first answer is kept.
        TestServer { base, http: client(), _alongside: alongside }
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self.http.get(format!("{}{path}", self.base)).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self.http.post(format!("{}{path}", self.base)).json(&body).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    pub async fn wait_until_finished(&self, id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let (status, body) = self.get(&format!("/api/v1/trainings/{id}")).await;
            assert_eq!(status, 200);
            if body["status"] == "completed" || body["status"] == "failed" {
                return body;
            }
            assert!(Instant::now() < deadline, "training {id} did not finish: {body}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// A client that keeps cookies, as a browser (or `curl -c jar -b jar`) does.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().unwrap()
}
