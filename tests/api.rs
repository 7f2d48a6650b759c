//! Drives the JSON API of a real server (the app's own router on a real socket) through
//! validation errors and complete trainings on the bundled NASA tables.
#![cfg(feature = "ssr")]

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use exoplanet_playground::server::access_settings::{AccessSettings, Quotas, RateLimits};
use exoplanet_playground::server::{app, AppState, Config};

#[path = "owners/ownership.rs"]
mod ownership;
use serde_json::{json, Value};

struct TestServer {
    base: String,
    http: reqwest::Client,
}

impl TestServer {
    /// Serves the app on a free loopback port; one training at a time, so queueing is observable.
    async fn start() -> TestServer {
        Self::start_with(32, 1).await
    }

    async fn start_with_limit(max_upload_mb: u64) -> TestServer {
        Self::start_with(32, max_upload_mb).await
    }

    async fn start_with_queue(max_queue: usize) -> TestServer {
        Self::start_with(max_queue, 1).await
    }

    async fn start_with(max_queue: usize, max_upload_mb: u64) -> TestServer {
        Self::serve(Self::config(max_queue, max_upload_mb)).await
    }

    fn config(max_queue: usize, max_upload_mb: u64) -> Config {
        let leptos = leptos::prelude::get_configuration(Some("Cargo.toml")).unwrap().leptos_options;
        let state_dir = std::env::temp_dir().join(format!("exo-api-test-{}", uuid::Uuid::new_v4()));
        Config {
            leptos: leptos.clone(),
            state_dir,
            data_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"),
            max_concurrent_trainings: 1,
            max_queue,
            max_sessions: 200,
            max_disk_mb: 4096,
            max_upload_mb,
            database_url: None,
            pretrained_model: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/pretrained.json"),
            // These tests queue many trainings from one client; the quota and rate-limit
            // tests (owners/ownership.rs) set their own.
            access: AccessSettings {
                quotas: Quotas { active_trainings: 1000, ..Quotas::default() },
                rate_limits: RateLimits {
                    writes_per_minute: 100_000,
                    new_visitors_per_minute: 100_000,
                    ..RateLimits::default()
                },
                ..AccessSettings::default()
            },
            ..Config::with_defaults(leptos.clone())
        }
    }

    /// Serves as `serve()` does: with the peer address known (`/metrics` answers loopback).
    async fn serve(config: Config) -> TestServer {
        let state = AppState::new(config).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let service = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, service).await.unwrap() });
        // One client, one identity: the cookie the server sets on the first answer is kept.
        TestServer { base, http: client() }
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let r = self.http.get(format!("{}{path}", self.base)).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self.http.post(format!("{}{path}", self.base)).json(&body).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap())
    }

    async fn wait_until_finished(&self, id: &str) -> Value {
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
fn client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_datasets_and_models() {
    let s = TestServer::start().await;
    assert_eq!(s.get("/api/v1/health").await, (200, json!({"status": "ok"})));

    let (status, datasets) = s.get("/api/v1/datasets").await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = datasets.as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["kepler", "tess", "k2"]);
    let kepler = &datasets[0];
    assert_eq!(kepler["rows"], 9564);
    assert_eq!(kepler["classes"], json!({"confirmed": 2746, "candidate": 1979, "false_positive": 4839}));
    let features: Vec<&str> = kepler["features"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(features.contains(&"koi_period"));
    for leak in ["koi_score", "koi_fpflag_nt", "koi_pdisposition", "kepid", "kepoi_name"] {
        assert!(!features.contains(&leak), "{leak} is a default feature");
    }
    assert_eq!(datasets[2]["rows"], 1806, "K2 has one row per object");

    let (status, models) = s.get("/api/v1/models").await;
    assert_eq!(status, 200);
    let forest = models.as_array().unwrap().iter().find(|m| m["id"] == "random_forest").unwrap();
    let trees = forest["hyperparameters"].as_array().unwrap().iter().find(|h| h["name"] == "n_trees").unwrap();
    assert_eq!(
        (trees["type"].clone(), trees["default"].clone(), trees["min"].clone(), trees["max"].clone()),
        (json!("integer"), json!(200), json!(1.0), json!(1000.0))
    );
    assert!(trees["help"].as_str().unwrap().len() > 10);
    assert!(models.as_array().unwrap().iter().any(|m| m["id"] == "decision_tree"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_specific_errors() {
    let s = TestServer::start().await;
    let cases = [
        (json!({"dataset": "kepler2", "model": "random_forest"}), 422, "unknown_dataset", Some("dataset")),
        (json!({"dataset": "kepler", "model": "xgboost9"}), 422, "unknown_model", Some("model")),
        (
            json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"n_trees": 0}}),
            422,
            "invalid_hyperparameter",
            Some("hyperparameters.n_trees"),
        ),
        (
            json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"depth": 3}}),
            422,
            "invalid_hyperparameter",
            Some("hyperparameters.depth"),
        ),
        (
            json!({"dataset": "kepler", "model": "decision_tree", "hyperparameters": {"criterion": "chaos"}}),
            422,
            "invalid_hyperparameter",
            Some("hyperparameters.criterion"),
        ),
        (
            json!({"dataset": "kepler", "model": "decision_tree", "test_fraction": 0.9}),
            422,
            "invalid_value",
            Some("test_fraction"),
        ),
        (json!({"model": "decision_tree"}), 400, "invalid_request", None),
    ];
    for (body, status, code, field) in cases {
        let (got, error) = s.post("/api/v1/trainings", body.clone()).await;
        assert_eq!(got, status, "{body} → {error}");
        assert_eq!(error["error"]["code"], code, "{body} → {error}");
        assert_eq!(error["error"]["field"].as_str(), field, "{body} → {error}");
        assert!(error["error"]["message"].as_str().unwrap().len() > 10);
    }
    let (status, error) = s.get("/api/v1/trainings/00000000-0000-0000-0000-000000000000").await;
    assert_eq!((status, error["error"]["code"].as_str()), (404, Some("not_found")));
    let (status, _) = s.get("/api/v1/trainings/not-a-uuid/result").await;
    assert_eq!(status, 404);
    let (status, error) = s.post("/api/v1/trainings/00000000-0000-0000-0000-000000000000/cancel", json!({})).await;
    assert_eq!((status, error["error"]["code"].as_str()), (404, Some("not_found")));
    let (status, error) = s.get("/api/v1/nothing-here").await;
    assert_eq!((status, error["error"]["code"].as_str()), (404, Some("not_found")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trainings_queue_run_and_return_full_results() {
    let s = TestServer::start().await;
    // One worker: the first training occupies it, so the second is observably queued.
    let (status, first) = s
        .post(
            "/api/v1/trainings",
            json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"n_trees": 150}, "seed": 7}),
        )
        .await;
    assert_eq!(status, 202, "{first}");
    let (status, second) =
        s.post("/api/v1/trainings", json!({"dataset": "k2", "model": "decision_tree", "seed": 3})).await;
    assert_eq!(status, 202, "{second}");
    let second_id = second["id"].as_str().unwrap().to_string();
    let (_, queued) = s.get(&format!("/api/v1/trainings/{second_id}")).await;
    let (_, f) = s.get(&format!("/api/v1/trainings/{}", first["id"].as_str().unwrap())).await;
    assert_eq!(queued["status"], "queued", "first: {f}");
    let (status, early) = s.get(&format!("/api/v1/trainings/{second_id}/result")).await;
    assert_eq!((status, early["error"]["code"].as_str()), (409, Some("not_finished")));

    let first_id = first["id"].as_str().unwrap();
    let done = s.wait_until_finished(first_id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["progress"], 100.0);
    let (status, result) = s.get(&format!("/api/v1/trainings/{first_id}/result")).await;
    assert_eq!(status, 200);
    let used = &result["model_info"]["hyperparameters"];
    assert_eq!(
        (used["n_trees"].clone(), used["max_features"].clone()),
        (json!(150), json!("sqrt")),
        "effective values, defaults filled in"
    );
    let m = &result["metrics"];
    for key in ["accuracy", "macro_f1", "weighted_f1"] {
        let v = m[key].as_f64().unwrap();
        assert!((0.5..=1.0).contains(&v), "{key} = {v}");
    }
    assert_eq!(m["confusion_matrix"]["labels"], json!(["confirmed", "candidate", "false_positive"]));
    let predictions = result["predictions"].as_array().unwrap();
    let cm_total: u64 = m["confusion_matrix"]["matrix"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r.as_array().unwrap())
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(cm_total as usize, predictions.len());
    assert_eq!(result["model_info"]["test_rows"].as_u64().unwrap() as usize, predictions.len());
    let support: u64 = m["per_class"].as_object().unwrap().values().map(|c| c["support"].as_u64().unwrap()).sum();
    assert_eq!(support as usize, predictions.len());
    for p in predictions.iter().take(100) {
        let sum: f64 = p["probabilities"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{p}");
        assert!(p["id"].as_str().unwrap().starts_with('K'));
        assert_eq!(p["correct"], p["prediction"] == p["actual"]);
        assert_eq!(p["confidence"], p["probabilities"][p["prediction"].as_str().unwrap()]);
    }

    let done = s.wait_until_finished(&second_id).await;
    assert_eq!(done["status"], "completed", "{done}");
    let (_, result) = s.get(&format!("/api/v1/trainings/{second_id}/result")).await;
    assert!(result["model_info"]["missing_values"].as_str().unwrap().contains("Native"));

    let (status, error) = s.post(&format!("/api/v1/trainings/{second_id}/cancel"), json!({})).await;
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (409, Some("not_finished")),
        "a completed training cannot be cancelled"
    );

    // Same seed, same data, same request: the same figures.
    let (_, again) = s.post("/api/v1/trainings", json!({"dataset": "k2", "model": "decision_tree", "seed": 3})).await;
    let again_id = again["id"].as_str().unwrap();
    s.wait_until_finished(again_id).await;
    let (_, again_result) = s.get(&format!("/api/v1/trainings/{again_id}/result")).await;
    assert_eq!(again_result["metrics"], result["metrics"]);
}

/// All seven families through the JSON API on K2 with their "fast" preset: every result has
/// the metrics, a ROC curve per class, and an additive explanation on every prediction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_model_family_trains_through_the_api() {
    let s = TestServer::start().await;
    let (_, models) = s.get("/api/v1/models").await;
    let ids: Vec<&str> = models.as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "logistic_regression",
            "svm",
            "decision_tree",
            "random_forest",
            "gradient_boosting",
            "pca_logistic",
            "neural_network"
        ]
    );
    for m in models.as_array().unwrap() {
        let presets: Vec<&str> = m["presets"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
        assert_eq!(presets, ["fast", "balanced", "accurate"], "{}", m["id"]);
    }

    let (status, body) =
        s.post("/api/v1/trainings", json!({"dataset": "k2", "model": "svm", "preset": "quickest"})).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["field"], "preset");
    assert!(body["error"]["message"].as_str().unwrap().contains("fast, balanced, accurate"), "{body}");

    for model in ids {
        let (status, started) =
            s.post("/api/v1/trainings", json!({"dataset": "k2", "model": model, "preset": "fast"})).await;
        assert_eq!(status, 202, "{model}: {started}");
        let id = started["id"].as_str().unwrap().to_string();
        let finished = s.wait_until_finished(&id).await;
        assert_eq!(finished["status"], "completed", "{model}: {finished}");
        let (status, result) = s.get(&format!("/api/v1/trainings/{id}/result")).await;
        assert_eq!(status, 200);
        let metrics = &result["metrics"];
        assert!(metrics["macro_f1"].as_f64().unwrap() > 0.6, "{model}: {metrics}");
        assert!(metrics["log_loss"].as_f64().unwrap().is_finite());
        let curves = metrics["roc_curves"].as_array().unwrap();
        assert_eq!(curves.len(), 3);
        for c in curves {
            let points = c["points"].as_array().unwrap();
            assert_eq!(points.first().unwrap(), &json!([0.0, 0.0]));
            assert_eq!(points.last().unwrap(), &json!([1.0, 1.0]));
        }
        // The preset's values are the effective hyperparameters.
        if model == "random_forest" {
            assert_eq!(result["model_info"]["hyperparameters"]["n_trees"], 50);
        }
        for p in result["predictions"].as_array().unwrap() {
            let e = &p["explanation"];
            let total: f64 = e["base_value"].as_f64().unwrap()
                + e["contributions"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).sum::<f64>();
            assert!((total - e["output_value"].as_f64().unwrap()).abs() < 1e-6, "{model} {}: {e}", p["id"]);
        }
        let space = result["predictions"][0]["explanation"]["space"].as_str().unwrap();
        let expected = match model {
            "logistic_regression" | "pca_logistic" => "log-odds",
            "gradient_boosting" => "margin",
            _ => "probability",
        };
        assert_eq!(space, expected, "{model}");
        let (_, importance) = s.get(&format!("/api/v1/trainings/{id}/importance")).await;
        assert!(!importance["dots"]["features"].as_array().unwrap().is_empty(), "{model}");
    }
}

/// Beyond the queue limit a new training is refused with 429 and a clear message; a
/// waiting training knows its place in the queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_answers_429_and_queued_trainings_know_their_place() {
    let s = TestServer::start_with_queue(1).await;
    let long = json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"n_trees": 1000}});
    let (_, running) = s.post("/api/v1/trainings", long.clone()).await;
    let running = running["id"].as_str().unwrap().to_string();
    loop {
        let (_, p) = s.get(&format!("/api/v1/trainings/{running}")).await;
        if p["status"] == "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, waiting) = s.post("/api/v1/trainings", long.clone()).await;
    assert_eq!(status, 202);
    let waiting = waiting["id"].as_str().unwrap().to_string();
    let (_, p) = s.get(&format!("/api/v1/trainings/{waiting}")).await;
    assert_eq!(p["status"], "queued");
    assert_eq!(p["queue_position"], 1);

    let (status, refused) = s.post("/api/v1/trainings", long).await;
    assert_eq!(status, 429, "{refused}");
    assert_eq!(refused["error"]["code"], "queue_full");
    assert!(refused["error"]["message"].as_str().unwrap().contains("limit is 1"), "{refused}");

    for id in [&waiting, &running] {
        let (status, _) = s.post(&format!("/api/v1/trainings/{id}/cancel"), json!({})).await;
        assert_eq!(status, 200);
    }
}

/// Uploads through the JSON API: the archive's own KOI export trains as is; a hand-made
/// table trains through a column mapping; bad files get specific messages; too big → 413.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_train_and_bad_files_are_refused_with_specific_messages() {
    let s = TestServer::start().await;
    let form = |config: Value, file: (&str, Vec<u8>)| {
        reqwest::multipart::Form::new()
            .text("config", config.to_string())
            .part("train_file", reqwest::multipart::Part::bytes(file.1).file_name(file.0.to_string()))
    };
    let post = |form: reqwest::multipart::Form| {
        let url = format!("{}/api/v1/trainings", s.base);
        let http = s.http.clone();
        async move {
            let r = http.post(url).multipart(form).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };

    // A hand-made table with its own column names, 20 objects per class.
    let custom = common::custom_table();
    let mapping = common::custom_mapping();
    let (status, started) = post(form(
        json!({"dataset": "upload", "model": "decision_tree", "mapping": mapping}),
        ("mine.csv", custom.clone().into_bytes()),
    ))
    .await;
    assert_eq!(status, 202, "{started}");
    let done = s.wait_until_finished(started["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "completed", "{done}");
    let (_, result) = s.get(&format!("/api/v1/trainings/{}/result", started["id"].as_str().unwrap())).await;
    assert_eq!(result["model_info"]["dataset"], "upload");
    assert!(result["model_info"]["split"].as_str().unwrap().contains("grouped by 'host'"));
    assert!(result["predictions"][0]["id"].as_str().unwrap().starts_with('o'));

    // A test file without the label column: predictions and explanations, no metrics.
    let unlabelled: String = custom
        .lines()
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            format!("{},{},{}", c[0], c[3], c[4])
        })
        .take(11)
        .collect::<Vec<_>>()
        .join("\n");
    let with_test = form(
        json!({"dataset": "upload", "model": "random_forest", "mapping": mapping}),
        ("mine.csv", custom.clone().into_bytes()),
    )
    .part("test_file", reqwest::multipart::Part::bytes(unlabelled.clone().into_bytes()).file_name("new_objects.csv"));
    let (status, started) = post(with_test).await;
    assert_eq!(status, 202, "{started}");
    let done = s.wait_until_finished(started["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "completed", "{done}");
    let (_, result) = s.get(&format!("/api/v1/trainings/{}/result", started["id"].as_str().unwrap())).await;
    assert_eq!(result["metrics"], Value::Null);
    assert_eq!(result["model_info"]["test_rows"], 10);
    assert!(result["model_info"]["caveats"].to_string().contains("no labels"), "{}", result["model_info"]);
    let p = &result["predictions"][0];
    assert_eq!((p["id"].as_str(), &p["actual"], &p["correct"]), (Some("o0"), &Value::Null, &Value::Null));
    let e = &p["explanation"];
    let sum: f64 = e["contributions"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).sum();
    assert!((e["base_value"].as_f64().unwrap() + sum - e["output_value"].as_f64().unwrap()).abs() < 1e-6);
    // A test file that lacks a training feature is refused before queueing.
    let no_radius: String =
        unlabelled.lines().map(|l| l.rsplit_once(',').unwrap().0.to_string()).collect::<Vec<_>>().join("\n");
    let bad_test = form(
        json!({"dataset": "upload", "model": "decision_tree", "mapping": mapping}),
        ("mine.csv", custom.clone().into_bytes()),
    )
    .part("test_file", reqwest::multipart::Part::bytes(no_radius.into_bytes()).file_name("new_objects.csv"));
    let (status, error) = post(bad_test).await;
    assert_eq!(
        (status, error["error"]["message"].as_str().unwrap()),
        (422, "new_objects.csv: the test file lacks training feature radius_re")
    );

    // Without a mapping, a table that is not an archive export is refused.
    let (status, error) =
        post(form(json!({"dataset": "upload", "model": "decision_tree"}), ("mine.csv", custom.clone().into_bytes())))
            .await;
    assert_eq!(status, 422);
    assert!(
        error["error"]["message"].as_str().unwrap().starts_with("mine.csv: this is not one of the archive's"),
        "{error}"
    );

    // Each bad file names itself and what is wrong.
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", b"".to_vec(), "empty.csv: the file is empty"),
        ("latin.csv", b"a,b\n1,\xe9\n".to_vec(), "latin.csv: line 2 is not UTF-8 text"),
        ("dup.csv", b"verdict,x,x\nyes,1,2\n".to_vec(), "dup.csv: column 'x' appears twice"),
        (
            "../../etc/evil.csv",
            custom.replacen("o0,h0,yes,1.5,", "o0,h0,yes,abc,", 1).into_bytes(),
            "evil.csv: column 'period_d' should hold numbers but 1 value is not (row 2: 'abc')",
        ),
        (
            "noheader.csv",
            b"just one column\n1\n".to_vec(),
            "noheader.csv: the first line after any '#' lines is not a comma-separated header row",
        ),
        (
            "inf.csv",
            custom.replacen("o3,h1,yes,1.8,", "o3,h1,yes,inf,", 1).into_bytes(),
            "inf.csv: column 'period_d', row 5: 'inf' is infinite",
        ),
        (
            "oneclass.csv",
            custom.replace(",unsure,", ",yes,").replace(",no,", ",yes,").into_bytes(),
            "oneclass.csv: the labelled rows hold fewer than two classes (confirmed 60, candidate 0, false_positive 0)",
        ),
        (
            "few.csv",
            custom.replacen(",no,", ",yes,", 15).into_bytes(),
            "few.csv: class 'false_positive' has only 5 rows; each class needs at least 10",
        ),
        (
            "nonumbers.csv",
            custom
                .lines()
                .map(|l| {
                    let c: Vec<&str> = l.split(',').collect();
                    if c[0] == "object" {
                        l.to_string()
                    } else {
                        format!("{},{},{},,", c[0], c[1], c[2])
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                .into_bytes(),
            "nonumbers.csv: no feature column holds a single number",
        ),
    ];
    for (name, bytes, expected) in cases {
        let (status, error) =
            post(form(json!({"dataset": "upload", "model": "decision_tree", "mapping": mapping}), (name, bytes))).await;
        assert_eq!(status, 422, "{name}: {error}");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(expected), "{name}: {message}");
    }
    let (status, error) = post(form(json!({"dataset": "upload", "model": "decision_tree", "mapping": {"label_column": "status", "label_values": {}, "features": ["period_d"]}}), ("mine.csv", custom.clone().into_bytes()))).await;
    assert_eq!(
        (status, error["error"]["message"].as_str().unwrap()),
        (422, "mine.csv: the label column 'status' is not in the file")
    );

    // The test server's limit is 1 MB.
    let big = vec![b'1'; 1_200_000];
    let (status, error) = post(form(json!({"dataset": "upload", "model": "decision_tree"}), ("big.csv", big))).await;
    assert_eq!(status, 413, "{error}");
    assert!(error["error"]["message"].as_str().unwrap().contains("limit of 1 MB"), "{error}");

    // JSON asking for an upload without files is told how to send them.
    let (status, error) = s.post("/api/v1/trainings", json!({"dataset": "upload", "model": "svm"})).await;
    assert_eq!(status, 400);
    assert!(error["error"]["message"].as_str().unwrap().contains("multipart/form-data"));

    // Inspecting a table for the mapping form.
    let inspect = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(custom.into_bytes()).file_name("mine.csv"));
    let r = s.http.post(format!("{}/api/v1/uploads/inspect", s.base)).multipart(inspect).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let inspection: Value = r.json().await.unwrap();
    assert_eq!(inspection["rows"], 60);
    assert_eq!(inspection["detected"], Value::Null);
    assert_eq!(inspection["columns"][2]["distinct"], json!(["yes", "unsure", "no"]));
}

/// The archive's own KOI export, uploaded as is, is recognised and trains.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_archives_koi_export_uploads_and_trains() {
    let s = TestServer::start_with_limit(50).await;
    let koi = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/koi_cumulative.csv")).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("config", json!({"dataset": "upload", "model": "logistic_regression"}).to_string())
        .part("train_file", reqwest::multipart::Part::bytes(koi).file_name("cumulative_2025.csv"));
    let r = s.http.post(format!("{}/api/v1/trainings", s.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let started: Value = r.json().await.unwrap();
    let done = s.wait_until_finished(started["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "completed", "{done}");
    let (_, result) = s.get(&format!("/api/v1/trainings/{}/result", started["id"].as_str().unwrap())).await;
    assert_eq!(
        result["model_info"]["test_rows"].as_u64().unwrap() + result["model_info"]["train_rows"].as_u64().unwrap(),
        9564
    );
    assert!(result["model_info"]["dataset_name"].as_str().unwrap().contains("Kepler"));
    assert!(result["metrics"]["macro_f1"].as_f64().unwrap() > 0.6);
}

/// The pretrained model answers for the archive's own TOI export (recognised by its
/// columns), with an explanation per object and metrics from its labels; and for JSON rows by
/// the archive's or the harmonised column names. Bad input gets a specific message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pretrained_model_predicts_uploaded_tables_and_json_rows() {
    let s = TestServer::start_with_limit(50).await;
    let toi = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/toi.csv")).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("config", json!({"model": "pretrained"}).to_string())
        .part("file", reqwest::multipart::Part::bytes(toi).file_name("TOI_2025.csv"));
    let started = std::time::Instant::now();
    let r = s.http.post(format!("{}/api/v1/predictions", s.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await.unwrap();
    println!(
        "TOI export: {} predictions in {:.1} s",
        body["predictions"].as_array().unwrap().len(),
        started.elapsed().as_secs_f64()
    );
    assert!(body["read_as"].as_str().unwrap().contains("TESS"), "{}", body["read_as"]);
    let predictions = body["predictions"].as_array().unwrap();
    assert!(predictions.len() > 7000);
    // The model learned from about 80 % of the bundled TOI objects: those are left out of the
    // metrics, which cover the held-out fifth.
    let (labelled, seen) = (body["labelled_rows"].as_u64().unwrap(), body["seen_in_training"].as_u64().unwrap());
    assert!(seen > 5500 && labelled > 1400 && labelled < 1700, "labelled {labelled}, seen {seen}");
    assert!(body["notes"][0].as_str().unwrap().contains("left out of the metrics"));
    assert!(body["metrics"]["macro_f1"].as_f64().unwrap() > 0.5, "{}", body["metrics"]["macro_f1"]);
    for p in predictions.iter().take(50) {
        let e = &p["explanation"];
        let sum: f64 = e["contributions"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).sum();
        assert!((e["base_value"].as_f64().unwrap() + sum - e["output_value"].as_f64().unwrap()).abs() < 1e-6);
        assert_eq!(p["reasons"].as_array().unwrap().len(), 3);
    }

    // JSON rows, by the archive's names and by the harmonised ones.
    let (status, body) = s.post("/api/v1/predictions", json!({"model": "pretrained", "rows": [
        {"kepoi_name": "K00001.01", "koi_period": 2.47, "koi_duration": 1.74, "koi_depth": 14230, "koi_prad": 13.0, "koi_steff": 5820},
        {"kepoi_name": "K99999.01", "koi_period": 0.84, "koi_depth": 80, "koi_prad": 0.9}
    ]})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["predictions"][0]["id"], "K00001.01");
    assert!(body["read_as"].as_str().unwrap().contains("Kepler"));
    assert!(body.get("metrics").is_none());
    let (status, body) = s
        .post(
            "/api/v1/predictions",
            json!({"model": "pretrained", "mission": "tess",
        "rows": [{"id": "mine", "period": 3.1, "depth": 1200, "planet_radius": 2.4, "label": "confirmed"}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["labelled_rows"].as_u64(), body["predictions"][0]["actual"].as_str()),
        (Some(1), Some("confirmed"))
    );
    assert_eq!(body["features"].as_array().unwrap().last().unwrap(), "mission");

    // Refusals name what is wrong.
    let (status, error) =
        s.post("/api/v1/predictions", json!({"model": "forest-of-mine", "rows": [{"period": 1}]})).await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("model")));
    let (status, error) = s
        .post("/api/v1/predictions", json!({"model": "pretrained", "rows": [{"period": 1}, {"period": "soon"}]}))
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        error["error"]["message"],
        "rows: column 'period', row 3: 'soon' is not a finite number; leave the cell empty if the value is unknown"
    );
    let (status, error) = s.post("/api/v1/predictions", json!({"model": "pretrained", "rows": []})).await;
    assert_eq!((status, error["error"]["field"].as_str()), (400, Some("rows")));
}

/// Cross-mission transfer: trained on Kepler's training part, tested on TESS's held-out part,
/// with the features that shift most between the two; bad combinations are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kepler_to_tess_transfer_trains_and_states_the_shift() {
    let s = TestServer::start().await;
    let (status, started) = s
        .post(
            "/api/v1/trainings",
            json!({"dataset": "kepler", "model": "gradient_boosting", "preset": "fast", "transfer_to": "tess"}),
        )
        .await;
    assert_eq!(status, 202, "{started}");
    let done = s.wait_until_finished(started["id"].as_str().unwrap()).await;
    assert_eq!(done["status"], "completed", "{done}");
    let (_, result) = s.get(&format!("/api/v1/trainings/{}/result", started["id"].as_str().unwrap())).await;
    let info = &result["model_info"];
    assert!(info["split"].as_str().unwrap().starts_with("Cross-mission transfer"), "{}", info["split"]);
    assert_eq!(info["dataset_name"], "Kepler KOI → TESS TOI");
    assert_eq!(info["features"].as_array().unwrap().len(), 16);
    // TESS's held-out part, the same objects as the pretrained model's TESS test part.
    assert_eq!(info["test_rows"], 1555);
    let f1 = result["metrics"]["macro_f1"].as_f64().unwrap();
    println!(
        "Kepler → TESS gradient boosting (fast): macro-F1 {f1:.4}, accuracy {:.4}, predicted {}, confusion {}",
        result["metrics"]["accuracy"].as_f64().unwrap(),
        result["predicted_counts"],
        result["metrics"]["confusion_matrix"]
    );
    // A real score, whatever it is: how well Kepler's rules carry over is what is measured.
    assert!(f1 > 0.0 && f1 < 1.0, "{f1}");
    let shift = result["shift"].as_array().unwrap();
    assert_eq!(shift.len(), 6);
    let ks: Vec<f64> = shift
        .iter()
        .map(|f| {
            f["ks"]
                .as_f64()
                .unwrap()
                .max((f["train_missing"].as_f64().unwrap() - f["test_missing"].as_f64().unwrap()).abs())
        })
        .collect();
    assert!(ks.windows(2).all(|w| w[0] >= w[1]), "largest shift first: {ks:?}");
    println!(
        "largest shifts: {}",
        shift
            .iter()
            .map(|f| format!("{} {:.2}", f["feature"].as_str().unwrap(), f["ks"].as_f64().unwrap()))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let (status, error) = s
        .post("/api/v1/trainings", json!({"dataset": "kepler", "model": "decision_tree", "transfer_to": "kepler"}))
        .await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("transfer_to")));
    let (status, error) = s
        .post("/api/v1/trainings", json!({"dataset": "kepler", "model": "decision_tree", "transfer_to": "jwst"}))
        .await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("transfer_to")));
}

/// A saved model predicts too: a K2 tree predicts the archive's K2 export, and its scores on
/// the objects it never learned from are its own held-out result, object for object.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_model_predicts_its_missions_export_with_its_held_out_scores() {
    let s = TestServer::start_with_limit(50).await;
    let (status, started) = s.post("/api/v1/trainings", json!({"dataset": "k2", "model": "decision_tree"})).await;
    assert_eq!(status, 202, "{started}");
    let id = started["id"].as_str().unwrap().to_string();
    assert_eq!(s.wait_until_finished(&id).await["status"], "completed");
    let (_, result) = s.get(&format!("/api/v1/trainings/{id}/result")).await;

    let k2 = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/k2pandc.csv")).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("config", json!({"model": id}).to_string())
        .part("file", reqwest::multipart::Part::bytes(k2).file_name("k2pandc_2025.csv"));
    let r = s.http.post(format!("{}/api/v1/predictions", s.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["labelled_rows"], result["model_info"]["test_rows"], "{}", body["notes"]);
    assert!(body["seen_in_training"].as_u64().unwrap() > 1000);
    assert!(
        (body["metrics"]["macro_f1"].as_f64().unwrap() - result["metrics"]["macro_f1"].as_f64().unwrap()).abs() < 1e-12
    );
    let p = &body["predictions"][0]["explanation"];
    let sum: f64 = p["contributions"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).sum();
    assert!((p["base_value"].as_f64().unwrap() + sum - p["output_value"].as_f64().unwrap()).abs() < 1e-6);

    // JSON rows by the model's own column names; a missing input is named in the notes.
    let (status, body) = s
        .post(
            "/api/v1/predictions",
            json!({"model": id, "rows": [{"pl_name": "mine b", "pl_orbper": 4.2, "pl_rade": 2.2}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["predictions"][0]["id"], "mine b");
    assert!(
        body["notes"].to_string().contains("inputs are not in the table and count as missing"),
        "{}",
        body["notes"]
    );
}

/// Fine-tuning the pretrained model on the archive's TOI export: boosting continues on the
/// export's training part, the result shows both models on the held-out TOI rows and on each
/// mission's NASA held-out part; the fine-tuned model is saved beside the original (which
/// answers exactly as before) and predicts through the same route. Bad requests are refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fine_tuning_the_pretrained_model_shows_before_and_after() {
    let s = TestServer::start_with_limit(50).await;
    let toi = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/toi.csv")).unwrap();
    let send = |config: Value, file: Vec<u8>, name: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("config", config.to_string())
            .part("train_file", reqwest::multipart::Part::bytes(file).file_name(name));
        let (http, url) = (s.http.clone(), format!("{}/api/v1/trainings", s.base));
        async move {
            let r = http.post(url).multipart(form).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let one_row = json!({"model": "pretrained", "mission": "tess", "rows": [{"id": "probe", "period": 3.1, "depth": 1200, "planet_radius": 2.4}]});
    let (_, original_before) = s.post("/api/v1/predictions", one_row.clone()).await;

    // Refusals.
    let (status, error) =
        send(json!({"dataset": "upload", "model": "svm", "fine_tune": "pretrained"}), toi.clone(), "TOI_2025.csv")
            .await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("model")), "{error}");
    let (status, error) = send(
        json!({"dataset": "upload", "model": "gradient_boosting", "fine_tune": "my-forest"}),
        toi.clone(),
        "TOI_2025.csv",
    )
    .await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("fine_tune")), "{error}");
    let (status, error) = s
        .post("/api/v1/trainings", json!({"dataset": "tess", "model": "gradient_boosting", "fine_tune": "pretrained"}))
        .await;
    assert_eq!((status, error["error"]["field"].as_str()), (400, Some("dataset")), "{error}");
    let unlabelled = b"id,period,depth\nmine-1,3.2,900\nmine-2,11.0,350\n".to_vec();
    let (status, error) = send(
        json!({"dataset": "upload", "model": "gradient_boosting", "fine_tune": "pretrained"}),
        unlabelled,
        "mine.csv",
    )
    .await;
    assert_eq!(status, 422, "{error}");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.contains("mine.csv") && message.contains("no row has a label"), "{message}");

    // The TOI export.
    let started_at = Instant::now();
    let (status, started) = send(
        json!({"dataset": "upload", "model": "gradient_boosting", "fine_tune": "pretrained"}),
        toi.clone(),
        "TOI_2025.csv",
    )
    .await;
    assert_eq!(status, 202, "{started}");
    let id = started["id"].as_str().unwrap().to_string();
    let done = s.wait_until_finished(&id).await;
    assert_eq!(done["status"], "completed", "{done}");
    let (_, result) = s.get(&format!("/api/v1/trainings/{id}/result")).await;
    let f = &result["fine_tune"];
    let on: Vec<&str> = f["comparisons"].as_array().unwrap().iter().map(|c| c["on"].as_str().unwrap()).collect();
    assert_eq!(on, ["your_table", "kepler", "tess", "k2", "nasa"]);
    assert_eq!(f["added_trees"], 300, "100 rounds × 3 classes by default");
    assert_eq!(result["model_info"]["hyperparameters"]["n_rounds"], 100);
    assert!(result["model_info"]["model_name"].as_str().unwrap().contains("fine-tuned"));
    let yours = &f["comparisons"][0];
    assert_eq!(yours["objects"], result["model_info"]["test_rows"]);
    assert!(
        (yours["after"]["macro_f1"].as_f64().unwrap() - result["metrics"]["macro_f1"].as_f64().unwrap()).abs() < 1e-12
    );
    for c in f["comparisons"].as_array().unwrap() {
        println!(
            "FINE-TUNE TOI {:>10} objects={:>5} before acc={:.4} macro_f1={:.4} auc={:.4} | after acc={:.4} macro_f1={:.4} auc={:.4}",
            c["on"].as_str().unwrap(), c["objects"], c["before"]["accuracy"].as_f64().unwrap(), c["before"]["macro_f1"].as_f64().unwrap(),
            c["before"]["roc_auc"].as_f64().unwrap_or(f64::NAN), c["after"]["accuracy"].as_f64().unwrap(), c["after"]["macro_f1"].as_f64().unwrap(),
            c["after"]["roc_auc"].as_f64().unwrap_or(f64::NAN)
        );
    }
    println!("FINE-TUNE TOI wall time {:.1} s (queue to completed, this build)", started_at.elapsed().as_secs_f64());
    // "Before" on a mission the file does not touch is the model card's figure.
    let (_, card) = s.get("/api/v1/model-card").await;
    let kepler_card = card["scores"].as_array().unwrap().iter().find(|m| m["mission"] == "kepler").unwrap();
    assert_eq!(f["comparisons"][1]["objects"], kepler_card["test_objects"]);
    assert!(
        (f["comparisons"][1]["before"]["macro_f1"].as_f64().unwrap() - kepler_card["macro_f1"].as_f64().unwrap()).abs()
            < 1e-12
    );

    // Saved beside the original: the model file is the fine-tuned one in the shipped format,
    // and the pretrained model answers exactly as before.
    let model_file: Value =
        s.http.get(format!("{}/api/v1/trainings/{id}/model", s.base)).send().await.unwrap().json().await.unwrap();
    assert_eq!(model_file["variant"], "mission_feature");
    let (_, original_after) = s.post("/api/v1/predictions", one_row.clone()).await;
    assert_eq!(original_before["predictions"], original_after["predictions"]);

    // The fine-tuned model predicts the export through the same route; rows it learned from
    // (the pretrained model's and the fine-tuning's) are left out of the metrics.
    let form = reqwest::multipart::Form::new()
        .text("config", json!({"model": id}).to_string())
        .part("file", reqwest::multipart::Part::bytes(toi).file_name("TOI_2025.csv"));
    let r = s.http.post(format!("{}/api/v1/predictions", s.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await.unwrap();
    assert!(body["notes"][0].as_str().unwrap().contains("fine-tuned"), "{}", body["notes"]);
    assert_eq!(body["labelled_rows"], yours["objects"], "{}", body["notes"]);
    assert!(
        (body["metrics"]["macro_f1"].as_f64().unwrap() - yours["after"]["macro_f1"].as_f64().unwrap()).abs() < 1e-12
    );
    let mut tuned_row = one_row;
    tuned_row["model"] = json!(id);
    let (status, tuned) = s.post("/api/v1/predictions", tuned_row).await;
    assert_eq!(status, 200, "{tuned}");
    assert_ne!(tuned["predictions"][0]["probabilities"], original_after["predictions"][0]["probabilities"]);
}

/// A hand-made table with its own column names: predicted through a column choice (JSON
/// rows and a CSV file), and fine-tuned through the same choice; bad choices are named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_made_table_is_read_through_a_column_choice_and_fine_tunes() {
    let s = TestServer::start_with_limit(50).await;
    let mut csv = String::from("Name,Host,Orbital Period (d),Transit Depth (ppm),Radius (Earth),Status\n");
    for i in 0..90 {
        let (status, radius, depth) = match i % 3 {
            0 => ("CONFIRMED", 1.0 + (i % 7) as f64 * 0.4, 150.0 + (i * 37 % 900) as f64),
            1 => ("FALSE POSITIVE", 14.0 + (i % 11) as f64 * 1.5, 9000.0 + (i * 53 % 30000) as f64),
            _ => ("CANDIDATE", 3.0 + (i % 5) as f64, 900.0 + (i * 29 % 2000) as f64),
        };
        csv.push_str(&format!("mine-{i},host-{},{},{depth},{radius},{status}\n", i / 2, 0.7 + (i * 13 % 40) as f64));
    }
    let choice = json!({"id": "Name", "star": "Host", "label": "Status", "period": "Orbital Period (d)", "depth": "Transit Depth (ppm)", "planet_radius": "Radius (Earth)"});

    // Without a choice the table is refused, saying which columns the model expects.
    let predict = |config: Value| {
        let form = reqwest::multipart::Form::new()
            .text("config", config.to_string())
            .part("file", reqwest::multipart::Part::bytes(csv.clone().into_bytes()).file_name("my_candidates.csv"));
        let (http, url) = (s.http.clone(), format!("{}/api/v1/predictions", s.base));
        async move {
            let r = http.post(url).multipart(form).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (status, error) = predict(json!({"model": "pretrained"})).await;
    assert_eq!((status, error["error"]["code"].as_str()), (422, Some("unrecognised_columns")), "{error}");
    assert!(error["error"]["message"].as_str().unwrap().contains("none of the model's input columns"));
    let (status, error) = predict(json!({"model": "pretrained", "columns": {"period": "Period"}})).await;
    assert_eq!(status, 422);
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("the column 'Period' chosen for period is not in the file"),
        "{error}"
    );

    let (status, body) = predict(json!({"model": "pretrained", "mission": "kepler", "columns": choice})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["read_as"], "your column choice");
    assert_eq!(body["predictions"].as_array().unwrap().len(), 90);
    assert_eq!(body["predictions"][1]["id"], "mine-1");
    assert_eq!(body["predictions"][1]["actual"], "false_positive");
    assert_eq!(body["labelled_rows"], 90);
    assert!(body["metrics"]["accuracy"].as_f64().is_some());

    // JSON rows by the user's own names, through the same choice.
    let (status, body) = s
        .post(
            "/api/v1/predictions",
            json!({"model": "pretrained", "columns": {"period": "P", "planet_radius": "R"},
        "rows": [{"P": 2.5, "R": 22.0}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["predictions"].as_array().unwrap().len(), 1);

    // Fine-tuning the same file through the same choice.
    let form = reqwest::multipart::Form::new()
        .text("config", json!({"dataset": "upload", "model": "gradient_boosting", "fine_tune": "pretrained", "columns": choice, "hyperparameters": {"n_rounds": 20, "min_data_in_leaf": 5}}).to_string())
        .part("train_file", reqwest::multipart::Part::bytes(csv.clone().into_bytes()).file_name("my_candidates.csv"));
    let r = s.http.post(format!("{}/api/v1/trainings", s.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(s.wait_until_finished(&id).await["status"], "completed");
    let (_, result) = s.get(&format!("/api/v1/trainings/{id}/result")).await;
    let yours = &result["fine_tune"]["comparisons"][0];
    assert_eq!(yours["on"], "your_table");
    assert_eq!(yours["objects"], result["model_info"]["test_rows"]);
    // Hosts hold two rows each: the split keeps them together.
    assert!(
        result["model_info"]["split"].as_str().unwrap().contains("split by host star"),
        "{}",
        result["model_info"]["split"]
    );
    println!("FINE-TUNE hand-made: before {} after {}", yours["before"]["macro_f1"], yours["after"]["macro_f1"]);
}

/// One request with `Accept-Encoding: encoding` (none when empty).
async fn fetch(s: &TestServer, path: &str, encoding: &str) -> reqwest::Response {
    let mut request = s.http.get(format!("{}{path}", s.base));
    if !encoding.is_empty() {
        request = request.header("accept-encoding", encoding);
    }
    request.send().await.unwrap()
}

fn header<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// The serving layers: pages, JSON and the front end's files come back compressed (the
/// files precompressed at start-up), with security and cache headers and a request id; the
/// page's policy names the nonce its inline scripts carry; readiness and metrics answer.
/// `cargo test` does not build the front end, so the site root is a temporary folder with a
/// stand-in WASM and JS file (Playwright's serving.spec.ts checks the real ones).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_are_compressed_and_carry_security_cache_and_request_id_headers() {
    let site = std::env::temp_dir().join(format!("exo-site-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    let wasm: Vec<u8> = (0..64 * 1024u32).map(|i| (i % 251 / 8) as u8).collect();
    std::fs::write(site.join("pkg/exoplanet-playground.wasm"), &wasm).unwrap();
    std::fs::write(site.join("pkg/exoplanet-playground.js"), "export function hydrate() { return 1; }\n".repeat(100))
        .unwrap();
    let mut config = TestServer::config(32, 1);
    config.leptos.site_root = site.to_str().unwrap().into();
    let s = TestServer::serve(config).await;

    // The server writes .br and .gz beside each file soon after it starts.
    let variants = ["wasm.br", "wasm.gz", "js.br", "js.gz"].map(|v| site.join(format!("pkg/exoplanet-playground.{v}")));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !variants.iter().all(|v| v.exists()) {
        assert!(Instant::now() < deadline, "precompressed files were not written");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    for path in ["/", "/train", "/api/v1/datasets", "/pkg/exoplanet-playground.wasm", "/pkg/exoplanet-playground.js"] {
        for encoding in ["br", "gzip"] {
            let r = fetch(&s, path, encoding).await;
            assert_eq!(r.status().as_u16(), 200, "{path}");
            assert_eq!(header(&r, "content-encoding"), encoding, "{path} with {encoding}");
            assert_eq!(header(&r, "x-content-type-options"), "nosniff", "{path}");
            assert_eq!(header(&r, "x-frame-options"), "DENY", "{path}");
            assert_eq!(header(&r, "referrer-policy"), "no-referrer", "{path}");
            let policy = header(&r, "content-security-policy");
            assert!(
                policy.contains("frame-ancestors 'none'") && policy.contains("'wasm-unsafe-eval'"),
                "{path}: {policy}"
            );
            let script_src = policy.split(';').find(|d| d.trim_start().starts_with("script-src")).unwrap_or_default();
            assert!(!script_src.contains("unsafe-inline"), "{path}: {policy}");
            assert_eq!(header(&r, "x-request-id").len(), 36, "{path}: a UUID");
            let cache = if path.starts_with("/pkg") { "no-cache" } else { "no-store" };
            assert_eq!(header(&r, "cache-control"), cache, "{path}");
            if path.starts_with("/pkg") {
                // Served from the precompressed file, not compressed again per request.
                let file = site.join(format!("{}.{}", &path[1..], if encoding == "br" { "br" } else { "gz" }));
                let last_modified = header(&r, "last-modified").to_string();
                assert_eq!(r.bytes().await.unwrap().to_vec(), std::fs::read(file).unwrap(), "{path} with {encoding}");
                let again = s
                    .http
                    .get(format!("{}{path}", s.base))
                    .header("if-modified-since", last_modified)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(again.status().as_u16(), 304, "{path}: revalidation");
            }
        }
    }
    // Without Accept-Encoding, plain bytes.
    let r = fetch(&s, "/pkg/exoplanet-playground.wasm", "").await;
    assert_eq!(header(&r, "content-encoding"), "");
    assert_eq!(r.bytes().await.unwrap().to_vec(), wasm);

    // A client's request id is kept and echoed.
    let r = s.http.get(format!("{}/api/v1/health", s.base)).header("x-request-id", "trace-me-42").send().await.unwrap();
    assert_eq!(header(&r, "x-request-id"), "trace-me-42");

    // Every inline script of a page carries the nonce its policy allows; none goes without.
    for path in ["/", "/train", "/predict", "/model-card", "/no-such-page"] {
        let r = fetch(&s, path, "").await;
        let policy = header(&r, "content-security-policy").to_string();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {policy}"))
            .to_string();
        let html = r.text().await.unwrap();
        let scripts: Vec<&str> = html.split("<script").skip(1).map(|s| &s[..s.find('>').unwrap()]).collect();
        assert!(!scripts.is_empty(), "{path}: the hydration script");
        for tag in scripts.iter().filter(|t| !t.contains(" src=")) {
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: inline <script{tag}> without the page's nonce"
            );
        }
    }

    // Ready: the database answers and the worker runs (it may take a moment to start).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = s.get("/api/v1/ready").await;
        if status == 200 {
            assert_eq!(body, json!({"status": "ready"}));
            break;
        }
        assert!(Instant::now() < deadline, "not ready: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Metrics, from loopback: request durations by route pattern, refusals by reason, the queue.
    assert_eq!(s.get("/api/v1/trainings/00000000-0000-0000-0000-000000000000").await.0, 404);
    let r = fetch(&s, "/metrics", "").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(header(&r, "content-type").starts_with("text/plain"));
    let text = r.text().await.unwrap();
    for name in [
        "exo_http_request_duration_seconds_bucket",
        "exo_rejected_requests_total{reason=\"not_found\"}",
        "exo_training_queue_depth",
        "exo_trainings_running",
        "exo_trainings_kept{status=\"completed\"}",
        "exo_training_workers_alive",
        "route=\"/api/v1/trainings/{id}\"",
    ] {
        assert!(text.contains(name), "{name} missing from\n{text}");
    }
    assert!(!text.contains("00000000-0000"), "ids never become labels");
    // A proxy forwarding someone else is not a local client.
    let r = s.http.get(format!("{}/metrics", s.base)).header("x-forwarded-for", "192.0.2.1").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let _ = std::fs::remove_dir_all(&site);
}
