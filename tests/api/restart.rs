//! A restart loses nothing: a completed training's result, its place in the list and its
//! model are all there after a hard kill, and a training that was running at a kill or a stop
//! runs again to the same result; uploaded tables' trainings survive a restart too.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::common;
use super::process::{get, interruptible_request, queue, wait_for, wait_mid_training, Server};
use super::schedule::one_at_a_time;

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
    assert!(model.headers()["content-disposition"].to_str().unwrap().contains("random_forest-kepler-"));
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
