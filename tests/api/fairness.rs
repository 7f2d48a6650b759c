//! The smaller fairness rules on an in-process server: an IPv6 /64 is one principal, per-day
//! quotas count starts (deleting gives none back), a full disk refuses new work and keeps
//! everyone's, the operator purges inactive anonymous work, sign-ins back off per account,
//! tokens cannot mint tokens, "sign out everywhere" ends every browser's sign-in, and secure
//! cookies carry the `__Host-` prefix. Each refusal names its setting.

use std::time::Duration;

use serde_json::{json, Value};

use super::common;
use super::server::TestServer;
use super::visitor::{generous, quick, Visitor, ADMIN};
use exoplanet_playground::server::access_settings::{AccessSettings, Quotas, RateLimits};

/// A client that comes from `address` through the trusted proxy, with its own cookies.
fn from(s: &TestServer, address: &str) -> Visitor {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", address.parse().unwrap());
    Visitor::with_client(s, reqwest::Client::builder().cookie_store(true).default_headers(headers).build().unwrap())
}

async fn server(access: AccessSettings, tweak: impl FnOnce(&mut exoplanet_playground::server::Config)) -> TestServer {
    let mut config = TestServer::config(32, 4);
    config.access = AccessSettings { trust_proxy: true, ..access };
    tweak(&mut config);
    TestServer::serve(config).await
}

/// Rotating through the addresses of one IPv6 /64 (and through cookies) buys nothing: the
/// /64 shares one write bucket; another /64 has its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ipv6_64_is_one_principal() {
    let access = AccessSettings {
        rate_limits: RateLimits { writes_per_minute: 5, ..generous(false).rate_limits },
        ..generous(false)
    };
    let s = server(access, |_| {}).await;
    let mut statuses = Vec::new();
    let mut refusal = Value::Null;
    for i in 0..8 {
        let v = from(&s, &format!("2001:db8:1:2:{i:x}::{:x}", i * 7 + 1));
        let (status, body) = v.post(&format!("/api/v1/trainings/{}/cancel", uuid::Uuid::new_v4()), json!({})).await;
        statuses.push(status);
        if status == 429 {
            refusal = body;
        }
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(refusal["error"]["setting"], "EXO_RATE_LIMIT_PER_MINUTE", "{refusal}");
    let elsewhere = from(&s, "2001:db8:1:3::1");
    let (status, _) = elsewhere.post(&format!("/api/v1/trainings/{}/cancel", uuid::Uuid::new_v4()), json!({})).await;
    assert_eq!(status, 404, "another /64 has its own bucket");
}

/// "Per day" counts the trainings started in the last 24 hours: deleting them gives none back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_does_not_refill_the_daily_quota() {
    let access =
        AccessSettings { quotas: Quotas { trainings_per_day: 2, ..generous(false).quotas }, ..generous(false) };
    let s = server(access, |_| {}).await;
    let v = from(&s, "192.0.2.10");
    for _ in 0..2 {
        let id = v.train(quick()).await;
        v.wait(&id).await;
        assert_eq!(v.delete(&format!("/api/v1/trainings/{id}")).await.0, 204);
    }
    let (status, body) = v.post("/api/v1/trainings", quick()).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["setting"], "EXO_QUOTA_TRAININGS_PER_DAY", "{body}");
}

/// A table of about 2 MB in the custom table's shape (what the full disk is filled with).
fn large_table() -> String {
    let mut table = common::custom_table();
    let rows: Vec<String> = table.lines().skip(1).map(str::to_string).collect();
    let mut i = 0;
    while table.len() < 2_000_000 {
        table.push_str(&rows[i % rows.len()].replacen('o', &format!("x{i}o"), 1));
        table.push('\n');
        i += 1;
    }
    table
}

/// At the disk limit new work is refused with 507 naming the setting, and nothing kept is
/// removed to make room; the operator's purge of inactive anonymous work frees it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_refuses_new_work_keeps_everyones_and_the_operator_purges() {
    let s = server(generous(true), |c| c.max_disk_mb = 1).await;
    let v = from(&s, "192.0.2.11");
    let form = reqwest::multipart::Form::new()
        .text(
            "config",
            json!({"dataset": "upload", "model": "decision_tree", "mapping": common::custom_mapping()}).to_string(),
        )
        .part("train_file", reqwest::multipart::Part::bytes(large_table().into_bytes()).file_name("mine.csv"));
    let r = v.http.post(format!("{}/api/v1/trainings", s.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let kept = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    v.wait(&kept).await;
    // Measured after the training: past 1 MB now.
    let (status, body) = v.post("/api/v1/trainings", quick()).await;
    assert_eq!(status, 507, "{body}");
    assert_eq!(body["error"]["setting"], "EXO_MAX_DISK_MB", "{body}");
    assert_eq!(v.get(&format!("/api/v1/trainings/{kept}/result")).await.0, 200, "nothing kept is removed");
    // Only the operator purges; then there is room again.
    assert_eq!(v.post("/api/v1/admin/purge", json!({"inactive_days": 0})).await.0, 403);
    let operator = Visitor::with_token(&s, ADMIN);
    let (status, report) = operator.post("/api/v1/admin/purge", json!({"inactive_days": 0})).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["removed_trainings"], 1, "{report}");
    assert_eq!(v.get(&format!("/api/v1/trainings/{kept}")).await.0, 404);
    let (status, body) = v.post("/api/v1/trainings", quick()).await;
    assert_eq!(status, 202, "room again after the purge: {body}");
}

/// Wrong passwords for one account, from any number of addresses, make each further attempt
/// wait (the right password too, until the wait is over).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ins_back_off_per_account() {
    let s = server(generous(false), |_| {}).await;
    let owner = from(&s, "192.0.2.20");
    let credentials = json!({"username": "backoff_tester", "password": "correct horse battery"});
    assert_eq!(owner.post("/api/v1/account/register", credentials.clone()).await.0, 201);
    let mut statuses = Vec::new();
    for i in 0..7 {
        let guesser = from(&s, &format!("198.51.100.{}", 30 + i));
        let (status, _) = guesser
            .post(
                "/api/v1/account/sign-in",
                json!({"username": "backoff_tester", "password": format!("guess {i} wrong")}),
            )
            .await;
        statuses.push(status);
    }
    assert_eq!(&statuses[..5], [401; 5], "{statuses:?}");
    assert_eq!(statuses[6], 429, "from the sixth on, the account waits: {statuses:?}");
    let late = from(&s, "198.51.100.99");
    let r = late.http.post(format!("{}/api/v1/account/sign-in", s.base)).json(&credentials).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 429, "the right password waits too");
    let retry: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");
}

/// A token may use its account but not make more tokens; "sign out everywhere" ends every
/// browser's sign-in to the account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_cannot_mint_tokens_and_sign_out_everywhere_ends_every_sign_in() {
    let s = server(generous(false), |_| {}).await;
    let (laptop, phone) = (from(&s, "192.0.2.30"), from(&s, "192.0.2.30"));
    let credentials = json!({"username": "everywhere_tester", "password": "correct horse battery"});
    assert_eq!(laptop.post("/api/v1/account/register", credentials.clone()).await.0, 201);
    assert_eq!(phone.post("/api/v1/account/sign-in", credentials).await.0, 200);
    let (status, made) = laptop.post("/api/v1/account/tokens", json!({"name": "script"})).await;
    assert_eq!(status, 201, "{made}");
    let script = Visitor::with_token(&s, made["token"].as_str().unwrap());
    assert_eq!(script.get("/api/v1/account").await.1["username"], "everywhere_tester");
    let (status, body) = script.post("/api/v1/account/tokens", json!({"name": "another"})).await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = laptop.post("/api/v1/account/sign-out-everywhere", json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(laptop.get("/api/v1/account").await.1["username"], Value::Null);
    assert_eq!(phone.get("/api/v1/account").await.1["username"], Value::Null, "the other browser is signed out too");
    assert_eq!(script.get("/api/v1/account").await.1["username"], "everywhere_tester", "tokens stay until revoked");
}

/// With secure cookies the visitor cookie is `__Host-` prefixed (HTTPS only, this host, path /).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secure_cookies_carry_the_host_prefix() {
    let s = server(AccessSettings { secure_cookies: true, ..generous(false) }, |_| {}).await;
    let r = reqwest::Client::new().get(format!("{}/api/v1/account", s.base)).send().await.unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("__Host-exo_visitor="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    tokio::time::sleep(Duration::from_millis(1)).await;
}
