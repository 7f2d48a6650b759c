//! Owners, sharing, accounts, API tokens, quotas, rate limits and the browser-side checks,
//! through the JSON API of a real server: two clients with their own cookie jars are two
//! visitors; a third with the operator's token sees everything.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{client, common, TestServer};
use exoplanet_playground::server::access_settings::{AccessSettings, Quotas, RateLimits};

const ADMIN: &str = "operator-token-for-tests-0123456789";

/// A second client of the same server: its own cookies, so its own identity.
struct Visitor {
    base: String,
    http: reqwest::Client,
}

impl Visitor {
    fn new(s: &TestServer) -> Visitor {
        Visitor { base: s.base.clone(), http: client() }
    }

    fn with_token(s: &TestServer, token: &str) -> Visitor {
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

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn delete(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::DELETE, path, None).await
    }

    async fn train(&self, request: Value) -> String {
        let (status, body) = self.post("/api/v1/trainings", request).await;
        assert_eq!(status, 202, "{body}");
        body["id"].as_str().unwrap().to_string()
    }

    async fn wait(&self, id: &str) {
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

    async fn listed(&self) -> Vec<String> {
        let (status, list) = self.get("/api/v1/trainings").await;
        assert_eq!(status, 200, "{list}");
        list.as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap().to_string()).collect()
    }
}

fn quick() -> Value {
    json!({"dataset": "k2", "model": "decision_tree"})
}

async fn server_with(access: AccessSettings) -> TestServer {
    let mut config = TestServer::config(32, 1);
    config.access = access;
    TestServer::serve(config).await
}

fn generous(admin: bool) -> AccessSettings {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_sees_changes_or_downloads_another_owners_work_unless_shared() {
    let s = server_with(generous(true)).await;
    let (alice, bob) = (Visitor::new(&s), Visitor::new(&s));
    let id = alice.train(quick()).await;
    alice.wait(&id).await;
    assert_eq!(alice.listed().await, [id.clone()]);
    assert!(bob.listed().await.is_empty(), "a stranger's list is empty");

    // Every route answers a stranger exactly as for an id that does not exist.
    for path in ["", "/result", "/model", "/importance", "/predictions.csv"] {
        let (status, body) = bob.get(&format!("/api/v1/trainings/{id}{path}")).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["error"]["code"], "not_found");
    }
    assert_eq!(bob.post(&format!("/api/v1/trainings/{id}/cancel"), json!({})).await.0, 404);
    assert_eq!(bob.post(&format!("/api/v1/trainings/{id}/share"), json!({"shared": true})).await.0, 404);
    assert_eq!(bob.delete(&format!("/api/v1/trainings/{id}")).await.0, 404);
    let (status, body) =
        bob.post("/api/v1/predictions", json!({"model": id, "rows": [{"period": 3.0}], "mission": "k2"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("unknown_model")), "{body}");

    // A client with no cookie is a new visitor and gets one: HttpOnly, SameSite=Lax.
    let r = reqwest::Client::new().get(format!("{}/api/v1/trainings", s.base)).send().await.unwrap();
    let cookie = r.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(
        cookie.starts_with("exo_visitor=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(r.json::<Value>().await.unwrap(), json!([]));
    // A forged visitor cookie (another owner's id without the signature) is a new visitor.
    let forged = reqwest::Client::new()
        .get(format!("{}/api/v1/trainings/{id}", s.base))
        .header("cookie", format!("exo_visitor={}", uuid::Uuid::new_v4()))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 404);

    // Shared without rows: the scores, not the rows or the model; never cancel or delete.
    let (status, access) = alice.post(&format!("/api/v1/trainings/{id}/share"), json!({"shared": true})).await;
    assert_eq!(
        (status, access["shared"].as_bool(), access["shared_by"].as_str()),
        (200, Some(true), Some("anonymous")),
        "{access}"
    );
    let (status, result) = bob.get(&format!("/api/v1/trainings/{id}/result")).await;
    assert_eq!(status, 200, "{result}");
    assert!(result["metrics"]["macro_f1"].as_f64().is_some());
    assert_eq!(result["predictions"], json!([]), "rows left out");
    assert_eq!(bob.get(&format!("/api/v1/trainings/{id}/model")).await.0, 403);
    assert_eq!(bob.post(&format!("/api/v1/trainings/{id}/cancel"), json!({})).await.0, 403);
    assert_eq!(bob.delete(&format!("/api/v1/trainings/{id}")).await.0, 403);
    assert!(bob.listed().await.is_empty(), "shared is readable by link, not listed");
    // With rows: the rows and the model too.
    alice.post(&format!("/api/v1/trainings/{id}/share"), json!({"shared": true, "include_rows": true})).await;
    let (_, result) = bob.get(&format!("/api/v1/trainings/{id}/result")).await;
    assert!(!result["predictions"].as_array().unwrap().is_empty());
    assert_eq!(bob.get(&format!("/api/v1/trainings/{id}/model")).await.0, 200);
    // Private again: gone for Bob.
    alice.post(&format!("/api/v1/trainings/{id}/share"), json!({"shared": false})).await;
    assert_eq!(bob.get(&format!("/api/v1/trainings/{id}/result")).await.0, 404);

    // The operator sees and manages everything.
    let operator = Visitor::with_token(&s, ADMIN);
    let bobs = bob.train(quick()).await;
    let all = operator.listed().await;
    assert!(all.contains(&id) && all.contains(&bobs), "{all:?}");
    assert_eq!(operator.get(&format!("/api/v1/trainings/{id}/result")).await.0, 200);
    bob.wait(&bobs).await;
    assert_eq!(operator.delete(&format!("/api/v1/trainings/{bobs}")).await.0, 204);
    assert!(bob.listed().await.is_empty());
    assert_eq!(alice.delete(&format!("/api/v1/trainings/{id}")).await.0, 204, "the owner deletes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_adopt_a_browsers_work_and_api_tokens_act_for_them_until_revoked() {
    let s = server_with(generous(false)).await;
    let browser = Visitor::new(&s);
    let before = browser.train(quick()).await;
    let name = format!("ada{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let credentials = json!({"username": name, "password": "correct horse battery"});

    let (status, body) = browser.post("/api/v1/account/register", json!({"username": name, "password": "short"})).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("password")), "{body}");
    let (status, body) = browser.post("/api/v1/account/register", credentials.clone()).await;
    assert_eq!((status, body["username"].as_str()), (201, Some(name.as_str())), "{body}");
    assert_eq!(browser.listed().await, [before.clone()], "registering adopts the browser's work");
    let (status, body) = Visitor::new(&s).post("/api/v1/account/register", credentials.clone()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("name_taken")), "{body}");

    // A token acts as the account: lists, trains and reads.
    let (status, made) = browser.post("/api/v1/account/tokens", json!({"name": "nightly script"})).await;
    assert_eq!(status, 201, "{made}");
    let token = made["token"].as_str().unwrap().to_string();
    let script = Visitor::with_token(&s, &token);
    assert_eq!(script.listed().await, [before.clone()]);
    let by_script = script.train(quick()).await;
    script.wait(&by_script).await;
    assert_eq!(script.get(&format!("/api/v1/trainings/{by_script}/result")).await.0, 200);
    let (_, tokens) = browser.get("/api/v1/account/tokens").await;
    assert_eq!(tokens[0]["name"], "nightly script");
    assert!(tokens[0]["last_used_at"].as_u64().is_some(), "{tokens}");
    assert!(tokens.to_string().find(&token).is_none(), "the token is shown once, never listed");

    // Revoked: 401, with a message that says what to do.
    let token_id = made["info"]["id"].as_str().unwrap();
    assert_eq!(browser.delete(&format!("/api/v1/account/tokens/{token_id}")).await.0, 204);
    let (status, body) = script.get("/api/v1/trainings").await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")), "{body}");

    // Signing out leaves an anonymous browser with nothing; signing in brings it all back.
    assert_eq!(browser.post("/api/v1/account/sign-out", json!({})).await.0, 200);
    assert!(browser.listed().await.is_empty());
    let (status, _) =
        browser.post("/api/v1/account/sign-in", json!({"username": name, "password": "wrong horse battery"})).await;
    assert_eq!(status, 401);
    let (status, body) = browser
        .post("/api/v1/account/sign-in", json!({"username": name.to_uppercase(), "password": "correct horse battery"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let mut listed = browser.listed().await;
    listed.sort();
    let mut expected = vec![before, by_script];
    expected.sort();
    assert_eq!(listed, expected);
    // Tokens need an account.
    let (status, _) = Visitor::new(&s).post("/api/v1/account/tokens", json!({"name": "x"})).await;
    assert_eq!(status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotas_and_rate_limits_hold_per_owner_and_spare_the_operator() {
    let access = AccessSettings {
        admin_token: Some(ADMIN.into()),
        quotas: Quotas { active_trainings: 1, ..Quotas::default() },
        rate_limits: RateLimits { writes_per_minute: 6, sign_ins_per_minute: 2, new_visitors_per_minute: 100_000 },
        ..AccessSettings::default()
    };
    let s = server_with(access).await;
    let (alice, bob, operator) = (Visitor::new(&s), Visitor::new(&s), Visitor::with_token(&s, ADMIN));
    alice.get("/").await; // a first visit: the identity cookie
    let first =
        alice.train(json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"n_trees": 300}})).await;
    let (status, body) = alice.post("/api/v1/trainings", quick()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("quota_exceeded")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("EXO_QUOTA_ACTIVE_TRAININGS"), "{body}");
    // Alice's quota is hers: Bob and the operator still train.
    bob.get("/").await;
    let bobs = bob.train(quick()).await;
    let operators = operator.train(quick()).await;
    let extra = operator.train(quick()).await;
    assert_eq!(alice.post(&format!("/api/v1/trainings/{first}/cancel"), json!({})).await.0, 200);

    // Six state-changing requests a minute per owner; the seventh waits.
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..8 {
        let r = bob
            .http
            .post(format!("{}/api/v1/trainings/{}/cancel", s.base, uuid::Uuid::new_v4()))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        if r.status().as_u16() == 429 {
            retry_after =
                r.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        }
        statuses.push(r.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(retry_after.is_some_and(|s| (1..=61).contains(&s)), "{retry_after:?}");
    // Reads are not limited, and the operator is exempt.
    assert_eq!(bob.get(&format!("/api/v1/trainings/{bobs}")).await.0, 200);
    for _ in 0..8 {
        assert_ne!(
            operator.post(&format!("/api/v1/trainings/{}/cancel", uuid::Uuid::new_v4()), json!({})).await.0,
            429
        );
    }
    // Sign-in attempts per address.
    let mut sign_ins = Vec::new();
    for _ in 0..4 {
        sign_ins.push(
            Visitor::new(&s)
                .post("/api/v1/account/sign-in", json!({"username": "nobody", "password": "wrong password 1"}))
                .await
                .0,
        );
    }
    assert_eq!(sign_ins.last(), Some(&429), "{sign_ins:?}");
    for id in [bobs, operators, extra] {
        operator.wait(&id).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_origins_hosts_and_plain_text_server_calls_are_refused() {
    let s = server_with(generous(false)).await;
    let http = client();
    let url = format!("{}/api/v1/trainings", s.base);
    let foreign = http.post(&url).header("origin", "http://evil.example").json(&quick()).send().await.unwrap();
    assert_eq!(foreign.status().as_u16(), 403);
    assert_eq!(foreign.json::<Value>().await.unwrap()["error"]["code"], "forbidden");
    let same = http.post(&url).header("origin", s.base.clone()).json(&quick()).send().await.unwrap();
    assert_eq!(same.status().as_u16(), 202);
    let id = same.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();

    // A cross-site form can send text/plain without a preflight: server functions refuse it.
    let plain = http
        .post(format!("{}/api/cancel_training", s.base))
        .header("content-type", "text/plain")
        .body(format!("id={id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status().as_u16(), 415);
    // Through the server function (as the pages call it), a stranger's cancel is 404 too,
    // with the JSON error the page shows, not a 500.
    let stranger = client()
        .post(format!("{}/api/cancel_training", s.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("id={id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status().as_u16(), 404);
    assert_eq!(stranger.json::<Value>().await.unwrap()["code"], "not_found");
    // DNS rebinding: the right address under a foreign name.
    let rebound =
        http.get(format!("{}/api/v1/trainings", s.base)).header("host", "rebind.example:3000").send().await.unwrap();
    assert_eq!(rebound.status().as_u16(), 421);
    let text = rebound.text().await.unwrap();
    assert!(text.contains("EXO_ALLOWED_HOSTS") && !text.contains("/work"), "{text}");
    assert_eq!(
        http.get(format!("{}/api/v1/trainings/{id}", s.base)).send().await.unwrap().status().as_u16(),
        200,
        "still queued or running, not cancelled by the refused call"
    );
}

/// Object ids a spreadsheet would run come back neutralised in the predictions CSV; numbers
/// stay numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_predictions_csv_neutralises_formula_cells() {
    let s = server_with(generous(false)).await;
    let hostile = ["=HYPERLINK(\"http://x.example\";\"click\")", "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-2+3"];
    // The held-out objects come from a test file whose first ids are hostile.
    let custom = common::custom_table();
    let test_file: String = custom
        .lines()
        .take(31)
        .enumerate()
        .map(|(i, line)| match (i, line.split_once(',')) {
            (1..=4, Some((_, rest))) => format!("\"{}\",{rest}", hostile[i - 1].replace('"', "\"\"")),
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let form = reqwest::multipart::Form::new()
        .text(
            "config",
            json!({"dataset": "upload", "model": "decision_tree", "mapping": common::custom_mapping()}).to_string(),
        )
        .part("train_file", reqwest::multipart::Part::bytes(custom.into_bytes()).file_name("mine.csv"))
        .part("test_file", reqwest::multipart::Part::bytes(test_file.into_bytes()).file_name("new.csv"));
    let r = s.http.post(format!("{}/api/v1/trainings", s.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 202, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    s.wait_until_finished(&id).await;
    let r = s.http.get(format!("{}/api/v1/trainings/{id}/predictions.csv", s.base)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    let ids: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert!(!ids.is_empty());
    for cell in &ids {
        let unquoted = cell.trim_start_matches('"');
        assert!(!unquoted.starts_with(['=', '+', '@']), "a formula cell left as it is: {cell}");
    }
    let neutralised: Vec<&&str> = ids.iter().filter(|c| c.trim_start_matches('"').starts_with('\'')).collect();
    assert_eq!(neutralised.len(), hostile.len(), "{csv}");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x.example\"\";\"\"click\"\")\"") && csv.contains("'@SUM(A1:A2)"),
        "{csv}"
    );
    // "-2+3" is not a number: neutralised too, when held out; plain ids untouched.
    assert!(ids.iter().any(|c| c.starts_with('o')), "{csv}");
}

/// Dropping the cookie buys no fresh owner: new anonymous identities are limited per client
/// address, while a client that keeps its cookie is not held back by that limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_anonymous_identities_are_limited_per_address() {
    let access = AccessSettings {
        rate_limits: RateLimits { new_visitors_per_minute: 2, ..generous(false).rate_limits },
        ..generous(false)
    };
    let s = server_with(access).await;
    let keeper = Visitor::new(&s);
    assert_eq!(keeper.get("/api/v1/trainings").await.0, 200, "the first identity");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let r = reqwest::Client::new().get(format!("{}/api/v1/trainings", s.base)).send().await.unwrap();
        statuses.push((r.status().as_u16(), r.headers().contains_key("retry-after")));
    }
    assert_eq!(statuses.last(), Some(&(429, true)), "{statuses:?}");
    for _ in 0..5 {
        assert_eq!(keeper.get("/api/v1/trainings").await.0, 200, "a known visitor is not a new one");
    }
}
