//! Cross-mission transfer: trained on one mission, tested on another's held-out part, with
//! the features whose distributions shift most; bad combinations are refused.

use serde_json::json;

use super::server::TestServer;

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
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("transfer_to must be another mission than the training one"),
        "{error}"
    );
    let (status, error) = s
        .post("/api/v1/trainings", json!({"dataset": "kepler", "model": "decision_tree", "transfer_to": "jwst"}))
        .await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("transfer_to")));
    assert!(error["error"]["message"].as_str().unwrap().contains("Unknown mission 'jwst' for transfer_to"), "{error}");
}
