//! Fine-tuning the pretrained model (on the archive's TOI export and on a hand-made table
//! read through a column choice), with before-and-after scores; the original model answers
//! exactly as before. Bad requests are refused naming the field and why.

use std::path::PathBuf;
use std::time::Instant;

use serde_json::{json, Value};

use super::server::TestServer;

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
    assert!(error["error"]["message"].as_str().unwrap().contains("\"model\" must be \"gradient_boosting\""), "{error}");
    let (status, error) = send(
        json!({"dataset": "upload", "model": "gradient_boosting", "fine_tune": "my-forest"}),
        toi.clone(),
        "TOI_2025.csv",
    )
    .await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("fine_tune")), "{error}");
    assert!(
        error["error"]["message"].as_str().unwrap().contains("Only a pretrained model can be fine-tuned"),
        "{error}"
    );
    let (status, error) = s
        .post("/api/v1/trainings", json!({"dataset": "tess", "model": "gradient_boosting", "fine_tune": "pretrained"}))
        .await;
    assert_eq!((status, error["error"]["field"].as_str()), (400, Some("dataset")), "{error}");
    assert!(error["error"]["message"].as_str().unwrap().contains("\"dataset\": \"upload\""), "{error}");
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
