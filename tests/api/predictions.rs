//! Predictions through the JSON API: the pretrained model on the archive's TOI export and on
//! JSON rows, and a saved training's model on its mission's export, whose scores on the
//! objects it never learned from are its own held-out result.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::server::TestServer;

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
    assert!(error["error"]["message"].as_str().unwrap().contains("Unknown model 'forest-of-mine'"), "{error}");
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
    assert!(error["error"]["message"].as_str().unwrap().contains("'rows' is empty"), "{error}");
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

/// The physical pretrained model answers wherever the other does: the same JSON rows and
/// tables, explained on its ten physical inputs only (no uncertainty, no mission input);
/// its card says so, and a name that is neither model is refused naming `model`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_physical_pretrained_model_answers_on_physical_inputs_only() {
    let s = TestServer::start().await;
    let rows = json!([
        {"kepoi_name": "K00001.01", "koi_period": 2.47, "koi_duration": 1.74, "koi_depth": 14230, "koi_prad": 13.0,
         "koi_steff": 5820, "koi_period_err1": 0.0001, "koi_duration_err1": 0.01}
    ]);
    let (status, body) = s.post("/api/v1/predictions", json!({"model": "pretrained_physical", "rows": rows})).await;
    assert_eq!(status, 200, "{body}");
    let features: Vec<&str> = body["features"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(features.len(), 10, "{features:?}");
    assert!(features.iter().all(|f| !f.ends_with("_err") && *f != "mission"), "{features:?}");
    let p = &body["predictions"][0];
    let contributions = p["explanation"]["contributions"].as_object().unwrap();
    assert!(contributions.keys().all(|f| !f.ends_with("_err")), "{p}");
    let sum: f64 = contributions.values().map(|v| v.as_f64().unwrap()).sum();
    let e = &p["explanation"];
    assert!((e["base_value"].as_f64().unwrap() + sum - e["output_value"].as_f64().unwrap()).abs() < 1e-6);
    assert_eq!(body["model"], "pretrained_physical");
    // The same row with the other model reads the uncertainties too.
    let (_, all) = s.post("/api/v1/predictions", json!({"model": "pretrained", "rows": rows})).await;
    assert_eq!(all["features"].as_array().unwrap().len(), 17, "16 harmonised features and the mission");
    // Each model's card.
    let (status, card) = s.get("/api/v1/model-card?model=pretrained_physical").await;
    assert_eq!(status, 200, "{card}");
    assert_eq!((card["model"].as_str(), card["feature_set"].as_str()), (Some("pretrained_physical"), Some("physical")));
    assert_eq!(card["features"].as_array().unwrap().len(), 10);
    assert_eq!(card["variant"], "mission_calibration");
    assert!(card["scores"].as_array().unwrap().iter().all(|s| s["ece"].as_f64().is_some_and(|e| e < 0.2)), "{card}");
    let (_, default_card) = s.get("/api/v1/model-card").await;
    assert_eq!(default_card["model"], "pretrained");
    let (status, error) = s.post("/api/v1/predictions", json!({"model": "pretrained_chemistry", "rows": rows})).await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("model")), "{error}");
}
