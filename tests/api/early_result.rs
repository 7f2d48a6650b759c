//! Scores before explanations: the result page's summary and predictions (server
//! functions) answer as soon as the held-out objects are scored, while the explanations are
//! still computed (`explaining`); the JSON API answers the result once it is whole, every
//! row with its explanation.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::server::TestServer;

/// A server function as the pages call it (form-encoded, from the app's own origin).
async fn call(s: &TestServer, endpoint: &str, body: String, content_type: &str) -> (u16, Value) {
    let r = s
        .http
        .post(format!("{}/api/{endpoint}", s.base))
        .header("origin", s.base.clone())
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scores_and_predictions_come_before_the_explanations() {
    let s = TestServer::start().await;
    // 200 trees on Kepler: its exact TreeSHAP takes many times the fit.
    let (status, started) = s.post("/api/v1/trainings", json!({"dataset": "kepler", "model": "random_forest"})).await;
    assert_eq!(status, 202, "{started}");
    let id = started["id"].as_str().unwrap().to_string();
    let form = "application/x-www-form-urlencoded";

    let deadline = Instant::now() + Duration::from_secs(300);
    let early = loop {
        let (status, summary) = call(&s, "training_summary", format!("id={id}"), form).await;
        if status == 200 {
            break summary;
        }
        assert_eq!(summary["code"], "not_finished", "{summary}");
        assert!(Instant::now() < deadline, "no early result: {summary}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let (_, progress) = s.get(&format!("/api/v1/trainings/{id}")).await;
    assert_eq!(progress["status"], "running", "the explanations take longer than a poll: {progress}");
    assert_eq!(progress["result_ready"], true, "the progress page moves on to the result: {progress}");
    assert_eq!(early["explaining"], true, "{early}");
    assert!(early["metrics"]["macro_f1"].as_f64().unwrap() > 0.5, "final scores already: {early}");
    assert!(early["importance"]["features"].as_array().unwrap().is_empty());
    // The JSON API waits for the whole result.
    let (status, whole) = s.get(&format!("/api/v1/trainings/{id}/result")).await;
    assert_eq!((status, whole["error"]["code"].as_str()), (409, Some("not_finished")), "{whole}");
    // The page's table of predictions is there, rows without explanations yet.
    let query =
        json!({"id": id, "query": {"sort": "id", "descending": false, "page": 0, "per_page": 5, "only_errors": false}});
    let (status, page) = call(&s, "training_predictions", query.to_string(), "application/json").await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["rows"].as_array().unwrap().len(), 5);
    assert!(page["rows"][0]["explanation"].is_null(), "{page}");
    let scores = early["metrics"].clone();

    let done = s.wait_until_finished(&id).await;
    assert_eq!(done["status"], "completed", "{done}");
    let (status, summary) = call(&s, "training_summary", format!("id={id}"), form).await;
    assert_eq!(status, 200);
    assert!(summary.get("explaining").is_none(), "the flag is gone once explained: {summary}");
    assert_eq!(summary["metrics"], scores, "the early scores were the final ones");
    assert!(!summary["importance"]["features"].as_array().unwrap().is_empty());
    let (status, whole) = s.get(&format!("/api/v1/trainings/{id}/result")).await;
    assert_eq!(status, 200);
    let rows = whole["predictions"].as_array().unwrap();
    assert!(rows.iter().all(|p| p["explanation"]["contributions"].is_object()), "every row explained");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_training_cancelled_while_explaining_keeps_no_result() {
    let s = TestServer::start().await;
    let (status, started) = s.post("/api/v1/trainings", json!({"dataset": "kepler", "model": "random_forest"})).await;
    assert_eq!(status, 202, "{started}");
    let id = started["id"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let (_, progress) = s.get(&format!("/api/v1/trainings/{id}")).await;
        if progress["result_ready"] == true {
            assert_eq!(progress["status"], "running", "{progress}");
            break;
        }
        assert_eq!(progress["result_ready"], false, "{progress}");
        assert!(Instant::now() < deadline, "no early result: {progress}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, body) = s.post(&format!("/api/v1/trainings/{id}/cancel"), json!({})).await;
    assert!(status < 300, "{status} {body}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let done = loop {
        let (_, progress) = s.get(&format!("/api/v1/trainings/{id}")).await;
        if progress["status"] != "running" {
            break progress;
        }
        assert!(Instant::now() < deadline, "not stopped: {progress}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(done["status"], "cancelled", "{done}");
    assert_eq!(done["result_ready"], false, "{done}");
    let (status, summary) = call(&s, "training_summary", format!("id={id}"), "application/x-www-form-urlencoded").await;
    assert_eq!((status, summary["code"].as_str()), (409, Some("not_finished")), "{summary}");
    let (_, list) = s.get("/api/v1/trainings").await;
    let listed = list.as_array().unwrap().iter().find(|t| t["id"] == id.as_str()).cloned().unwrap();
    assert!(listed["headline"].is_null(), "no scores listed for a cancelled training: {listed}");
}
