//! Several visitors of one in-process server: each client has its own cookie jar, so its own
//! identity; one with the operator's token sees everything. Used by the ownership, limits and
//! browser-check tests.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::server::{client, TestServer};
use exoplanet_playground::server::access_settings::{AccessSettings, Quotas, RateLimits};

pub const ADMIN: &str = "operator-token-for-tests-0123456789";

/// A second client of the same server: its own cookies, so its own identity.
pub struct Visitor {
    base: String,
    pub http: reqwest::Client,
}

impl Visitor {
    pub fn new(s: &TestServer) -> Visitor {
        Visitor { base: s.base.clone(), http: client() }
    }

    /// A client of the caller's making (its own headers, say an address through the proxy).
    pub fn with_client(s: &TestServer, http: reqwest::Client) -> Visitor {
        Visitor { base: s.base.clone(), http }
    }

    pub fn with_token(s: &TestServer, token: &str) -> Visitor {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
        Visitor { base: s.base.clone(), http: reqwest::Client::builder().default_headers(headers).build().unwrap() }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let r = request.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    pub async fn train(&self, request: Value) -> String {
        let (status, body) = self.post("/api/v1/trainings", request).await;
        assert_eq!(status, 202, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    pub async fn wait(&self, id: &str) {
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let (status, body) = self.get(&format!("/api/v1/trainings/{id}")).await;
            assert_eq!(status, 200, "{body}");
            if body["status"] == "completed" {
                return;
            }
            assert!(body["status"] != "failed" && Instant::now() < deadline, "{body}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn listed(&self) -> Vec<String> {
        let (status, list) = self.get("/api/v1/trainings").await;
        assert_eq!(status, 200, "{list}");
        list.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_string()).collect()
    }
}

pub fn quick() -> Value {
    json!({"dataset": "k2", "model": "decision_tree"})
}

pub async fn server_with(access: AccessSettings) -> TestServer {
    let mut config = TestServer::config(32, 1);
    config.access = access;
    TestServer::serve(config).await
}

pub fn generous(admin: bool) -> AccessSettings {
    AccessSettings {
        admin_token: admin.then(|| ADMIN.to_string()),
        quotas: Quotas { active_trainings: 1000, ..Quotas::default() },
        rate_limits: RateLimits {
            writes_per_minute: 100_000,
            sign_ins_per_minute: 1000,
            new_visitors_per_minute: 100_000,
        },
        ..AccessSettings::default()
    }
}
