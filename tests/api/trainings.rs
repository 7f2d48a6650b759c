//! Trainings on the bundled NASA tables through the JSON API: queued behind one worker,
//! run to full results (metrics, predictions, explanations), every model family with its
//! preset, and a full queue refused with 429.

use std::time::Duration;

use serde_json::json;

use super::server::TestServer;

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
    check_calibration(&m["calibration"], predictions);

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
        // Every family is explained in probability by default, adding up to the probability shown.
        let first = &result["predictions"][0];
        let e = &first["explanation"];
        assert_eq!(e["space"], "probability", "{model}");
        let shown = first["probabilities"][e["class"].as_str().unwrap()].as_f64().unwrap();
        assert!((e["output_value"].as_f64().unwrap() - shown).abs() < 1e-9, "{model}: {e}");
        assert!(!e["method"].as_str().unwrap().is_empty(), "{model}");
        // The score space stays available where it is exact, and only there.
        let score_space = match model {
            "logistic_regression" | "pca_logistic" => Some("log-odds"),
            "gradient_boosting" => Some("margin"),
            _ => None,
        };
        if score_space.is_some() {
            assert_eq!(e["background_objects"], 100, "{model}");
        }
        let (status, scores) =
            s.get(&format!("/api/v1/trainings/{id}/result?space={}", score_space.unwrap_or("margin"))).await;
        match score_space {
            Some(space) => {
                assert_eq!(status, 200, "{model}: {scores}");
                let e = &scores["predictions"][0]["explanation"];
                assert_eq!(e["space"], space, "{model}");
                let total: f64 = e["base_value"].as_f64().unwrap()
                    + e["contributions"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).sum::<f64>();
                assert!((total - e["output_value"].as_f64().unwrap()).abs() < 1e-6, "{model}: {e}");
            }
            None => assert_eq!(status, 422, "{model}: {scores}"),
        }
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
    assert_eq!(refused["error"]["setting"], "EXO_MAX_QUEUE", "{refused}");

    for id in [&waiting, &running] {
        let (status, _) = s.post(&format!("/api/v1/trainings/{id}/cancel"), json!({})).await;
        assert_eq!(status, 200);
    }
}

/// `metrics.calibration` recomputed from the predictions it describes: the multi-class
/// Brier score, and per class ten bins of the predicted probability with their counts, means,
/// observed shares and the ECE they add up to.
fn check_calibration(c: &serde_json::Value, predictions: &[serde_json::Value]) {
    let classes = ["confirmed", "candidate", "false_positive"];
    let n = predictions.len() as f64;
    let p = |row: &serde_json::Value, k: &str| row["probabilities"][k].as_f64().unwrap();
    let is = |row: &serde_json::Value, k: &str| f64::from(u8::from(row["actual"] == k));
    let brier: f64 = predictions
        .iter()
        .map(|row| classes.iter().map(|k| (p(row, k) - is(row, k)).powi(2)).sum::<f64>())
        .sum::<f64>()
        / n;
    assert!((c["brier"].as_f64().unwrap() - brier).abs() < 1e-9, "brier {} vs {brier}", c["brier"]);
    let mut eces = 0.0;
    for (i, k) in classes.iter().enumerate() {
        let class = &c["classes"][i];
        assert_eq!(class["class"], *k);
        let bins = class["bins"].as_array().unwrap();
        assert_eq!(bins.len(), 10);
        let mut ece = 0.0;
        for (b, bin) in bins.iter().enumerate() {
            let members: Vec<&serde_json::Value> =
                predictions.iter().filter(|row| ((p(row, k) * 10.0).floor() as usize).min(9) == b).collect();
            assert_eq!(bin["count"].as_u64().unwrap() as usize, members.len(), "{k} bin {b}");
            if members.is_empty() {
                assert!(bin["observed"].is_null());
                continue;
            }
            let mean = members.iter().map(|row| p(row, k)).sum::<f64>() / members.len() as f64;
            let observed = members.iter().map(|row| is(row, k)).sum::<f64>() / members.len() as f64;
            assert!((bin["mean_predicted"].as_f64().unwrap() - mean).abs() < 1e-9, "{k} bin {b}");
            assert!((bin["observed"].as_f64().unwrap() - observed).abs() < 1e-12, "{k} bin {b}");
            ece += members.len() as f64 / n * (observed - mean).abs();
        }
        assert!((class["ece"].as_f64().unwrap() - ece).abs() < 1e-9, "{k}: ece {} vs {ece}", class["ece"]);
        eces += ece / 3.0;
    }
    assert!((c["ece"].as_f64().unwrap() - eces).abs() < 1e-9);
}

/// Both feature sets train on every mission: "physical" is the mission's default columns
/// less the measurement uncertainties, named in the result; an upload (whose mapping
/// chooses its features) and an unknown set are refused with the field named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_feature_sets_train_on_every_mission() {
    use exoplanet_playground::domain::{FeatureSet, ObservationProxy};
    use exoplanet_playground::ml::Mission;
    let s = TestServer::start().await;
    for mission in Mission::ALL {
        let defaults: Vec<&str> = mission.default_features().to_vec();
        let physical: Vec<&str> = defaults
            .iter()
            .copied()
            .filter(|f| ObservationProxy::of(f) != Some(ObservationProxy::Uncertainty))
            .collect();
        assert!(physical.len() < defaults.len(), "{} has uncertainty columns to drop", mission.id());
        for (set, expected) in [("all", &defaults), ("physical", &physical)] {
            let request = json!({"dataset": mission.id(), "model": "decision_tree", "feature_set": set});
            let (status, started) = s.post("/api/v1/trainings", request).await;
            assert_eq!(status, 202, "{started}");
            let id = started["id"].as_str().unwrap();
            assert_eq!(s.wait_until_finished(id).await["status"], "completed");
            let (_, result) = s.get(&format!("/api/v1/trainings/{id}/result")).await;
            let features: Vec<&str> =
                result["model_info"]["features"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
            assert_eq!(&features, expected, "{} {set}", mission.id());
            assert_eq!(result["model_info"]["feature_set"], set);
            assert!(result["metrics"]["macro_f1"].as_f64().unwrap() > 0.4, "{} {set}", mission.id());
            let contributions = result["predictions"][0]["explanation"]["contributions"].as_object().unwrap();
            assert_eq!(contributions.len(), expected.len(), "explained on the same columns");
        }
    }
    assert_eq!(FeatureSet::from_id("physical"), Some(FeatureSet::PhysicalOnly));

    // The About page's comparison: the default model on each mission with both sets, the
    // same figures a training with that request gives.
    let (status, c) = s.get("/api/v1/feature-sets").await;
    assert_eq!(status, 200, "{c}");
    assert_eq!(c["model"], "random_forest");
    let missions = c["missions"].as_array().unwrap();
    assert_eq!(missions.len(), 3);
    for (m, mission) in missions.iter().zip(Mission::ALL) {
        assert_eq!(m["mission"], mission.id());
        let scores = m["scores"].as_array().unwrap();
        assert_eq!(
            (scores[0]["feature_set"].as_str(), scores[1]["feature_set"].as_str()),
            (Some("all"), Some("physical"))
        );
        assert_eq!(scores[0]["features"], mission.default_features().len());
        assert!(scores[1]["features"].as_u64() < scores[0]["features"].as_u64());
    }
    let request = json!({"dataset": "k2", "model": "random_forest", "feature_set": "physical", "seed": 42});
    let (status, started) = s.post("/api/v1/trainings", request).await;
    assert_eq!(status, 202, "{started}");
    let id = started["id"].as_str().unwrap();
    assert_eq!(s.wait_until_finished(id).await["status"], "completed");
    let (_, result) = s.get(&format!("/api/v1/trainings/{id}/result")).await;
    assert_eq!(result["metrics"]["macro_f1"], missions[2]["scores"][1]["macro_f1"], "the same run, the same score");
    let (status, error) = s
        .post("/api/v1/trainings", json!({"dataset": "kepler", "model": "decision_tree", "feature_set": "some"}))
        .await;
    assert!((400..500).contains(&status), "{error}");
    assert!(error["error"]["message"].as_str().unwrap().contains("physical"), "{error}");
    let form = reqwest::multipart::Form::new()
        .text(
            "config",
            json!({"dataset": "upload", "model": "decision_tree", "mapping": super::common::custom_mapping(),
                "feature_set": "physical"})
            .to_string(),
        )
        .part(
            "train_file",
            reqwest::multipart::Part::bytes(super::common::custom_table().into_bytes()).file_name("mine.csv"),
        );
    let r = s.http.post(format!("{}/api/v1/trainings", s.base)).multipart(form).send().await.unwrap();
    let status = r.status().as_u16();
    let error: serde_json::Value = r.json().await.unwrap();
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("feature_set")), "{error}");
}

/// `"calibrate"` holds back a slice of the training part, reports the held-out log-loss,
/// Brier score and ECE before and after, and the saved model applies the same calibration
/// to later predictions (its scores on its own held-out objects are the result's). A wrong
/// method is refused with the choices named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calibrated_trainings_report_before_and_after_and_their_models_stay_calibrated() {
    use std::path::PathBuf;
    let s = TestServer::start_with_limit(50).await;
    let (status, plain) = s.post("/api/v1/trainings", json!({"dataset": "k2", "model": "random_forest"})).await;
    assert_eq!(status, 202, "{plain}");
    let plain_id = plain["id"].as_str().unwrap().to_string();
    assert_eq!(s.wait_until_finished(&plain_id).await["status"], "completed");
    let (_, plain) = s.get(&format!("/api/v1/trainings/{plain_id}/result")).await;
    assert!(plain.get("calibrated").is_none(), "uncalibrated unless asked");
    let k2 = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/k2pandc.csv")).unwrap();
    for method in ["isotonic", "platt"] {
        let request = json!({"dataset": "k2", "model": "random_forest", "calibrate": method});
        let (status, started) = s.post("/api/v1/trainings", request).await;
        assert_eq!(status, 202, "{started}");
        let id = started["id"].as_str().unwrap().to_string();
        assert_eq!(s.wait_until_finished(&id).await["status"], "completed");
        let (_, result) = s.get(&format!("/api/v1/trainings/{id}/result")).await;
        let c = &result["calibrated"];
        assert_eq!(c["method"], method, "{c}");
        let slice = c["slice_objects"].as_u64().unwrap();
        assert_eq!(
            result["model_info"]["train_rows"].as_u64().unwrap() + slice,
            plain["model_info"]["train_rows"].as_u64().unwrap(),
            "the slice comes out of the training part"
        );
        assert_eq!(result["model_info"]["test_rows"], plain["model_info"]["test_rows"]);
        assert_eq!(c["temperature"].is_number(), method == "platt", "{c}");
        let after = &c["after"];
        assert_eq!(after["log_loss"], result["metrics"]["log_loss"], "the result's scores are the calibrated ones");
        assert_eq!(after["brier"], result["metrics"]["calibration"]["brier"]);
        assert!(c["before"]["log_loss"].as_f64().unwrap() > 0.0 && after["ece"].as_f64().unwrap() >= 0.0, "{c}");
        assert!(result["model_info"]["split"].as_str().unwrap().contains("held back to calibrate"));

        // The saved model predicts the mission's export with the same calibration.
        let form = reqwest::multipart::Form::new()
            .text("config", json!({"model": id}).to_string())
            .part("file", reqwest::multipart::Part::bytes(k2.clone()).file_name("k2pandc.csv"));
        let r = s.http.post(format!("{}/api/v1/predictions", s.base)).multipart(form).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["labelled_rows"], result["model_info"]["test_rows"], "{}", body["notes"]);
        assert!(
            (body["metrics"]["log_loss"].as_f64().unwrap() - result["metrics"]["log_loss"].as_f64().unwrap()).abs()
                < 1e-12,
            "{} vs {}",
            body["metrics"]["log_loss"],
            result["metrics"]["log_loss"]
        );
        assert!(body["notes"].to_string().contains("calibrated"), "{}", body["notes"]);
        let first = &result["predictions"][0];
        let same = body["predictions"].as_array().unwrap().iter().find(|p| p["id"] == first["id"]).unwrap();
        assert_eq!(same["probabilities"], first["probabilities"]);
    }
    let (status, error) =
        s.post("/api/v1/trainings", json!({"dataset": "k2", "model": "random_forest", "calibrate": "sigmoid"})).await;
    assert!((400..500).contains(&status), "{error}");
    assert!(error["error"]["message"].as_str().unwrap().contains("isotonic"), "{error}");
}

/// The threshold explorer's numbers checked against the result's own rows: the 2×2 at a
/// threshold for both planet questions; a saved threshold is applied by the model's later
/// predictions (`planet` per row), only its owner may save one, and a bad one is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_threshold_counts_like_the_rows_and_is_saved_with_the_model() {
    use exoplanet_playground::domain::{ClassLabel, PlanetQuestion};
    let s = TestServer::start_with_limit(50).await;
    let (status, started) = s.post("/api/v1/trainings", json!({"dataset": "k2", "model": "random_forest"})).await;
    assert_eq!(status, 202, "{started}");
    let id = started["id"].as_str().unwrap().to_string();
    assert_eq!(s.wait_until_finished(&id).await["status"], "completed");
    let (_, result) = s.get(&format!("/api/v1/trainings/{id}/result")).await;
    let rows = result["predictions"].as_array().unwrap();
    for question in PlanetQuestion::ALL {
        for threshold in [0.0, 0.35, 0.5, 0.8, 1.0] {
            let (status, d) = s
                .get(&format!("/api/v1/trainings/{id}/decision?question={}&threshold={threshold}", question.id()))
                .await;
            assert_eq!(status, 200, "{d}");
            let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
            for row in rows {
                let p = |c: ClassLabel| row["probabilities"][c.as_str()].as_f64().unwrap();
                let score = match question {
                    PlanetQuestion::Confirmed => p(ClassLabel::Confirmed),
                    PlanetQuestion::NotFalsePositive => p(ClassLabel::Confirmed) + p(ClassLabel::Candidate),
                };
                let planet = match question {
                    PlanetQuestion::Confirmed => row["actual"] == "confirmed",
                    PlanetQuestion::NotFalsePositive => row["actual"] != "false_positive",
                };
                match (score >= threshold, planet) {
                    (true, true) => tp += 1,
                    (true, false) => fp += 1,
                    (false, true) => fn_ += 1,
                    (false, false) => tn += 1,
                }
            }
            let c = &d["counts"];
            assert_eq!(
                (
                    c["true_positive"].as_u64(),
                    c["false_positive"].as_u64(),
                    c["false_negative"].as_u64(),
                    c["true_negative"].as_u64()
                ),
                (Some(tp), Some(fp), Some(fn_), Some(tn)),
                "{question:?} at {threshold}"
            );
            assert_eq!(d["objects"].as_u64(), Some(rows.len() as u64));
        }
    }
    let (status, error) = s.get(&format!("/api/v1/trainings/{id}/decision?threshold=1.5")).await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("threshold")), "{error}");
    let (status, error) = s.get(&format!("/api/v1/trainings/{id}/decision?question=maybe&threshold=0.5")).await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("question")), "{error}");

    // Saved with the model: later predictions say planet or not by it.
    let saved = json!({"question": "not_false_positive", "threshold": 0.6});
    let (status, body) = s.post(&format!("/api/v1/trainings/{id}/threshold"), saved.clone()).await;
    assert_eq!((status, &body), (200, &saved), "{body}");
    let (status, error) =
        s.post(&format!("/api/v1/trainings/{id}/threshold"), json!({"question": "confirmed", "threshold": -0.1})).await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("threshold")), "{error}");
    let k2 = std::fs::read(std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/k2pandc.csv")).unwrap();
    let predict = |bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("config", json!({"model": id}).to_string())
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name("k2pandc.csv"));
        s.http.post(format!("{}/api/v1/predictions", s.base)).multipart(form).send()
    };
    let body: serde_json::Value = predict(k2.clone()).await.unwrap().json().await.unwrap();
    assert_eq!(body["threshold"], saved, "{}", body["notes"]);
    let predictions = body["predictions"].as_array().unwrap();
    for p in predictions {
        let score =
            p["probabilities"]["confirmed"].as_f64().unwrap() + p["probabilities"]["candidate"].as_f64().unwrap();
        assert_eq!(p["planet"].as_bool(), Some(score >= 0.6), "{p}");
    }
    assert!(predictions.iter().any(|p| p["planet"] == true) && predictions.iter().any(|p| p["planet"] == false));

    // Another visitor cannot save one on it (it is private: not found).
    let other = super::server::client();
    let r = other.post(format!("{}/api/v1/trainings/{id}/threshold", s.base)).json(&saved).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);

    // Cleared: probabilities only again.
    let r = s.http.delete(format!("{}/api/v1/trainings/{id}/threshold", s.base)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: serde_json::Value = predict(k2).await.unwrap().json().await.unwrap();
    assert!(
        body.get("threshold").is_none() && body["predictions"][0].get("planet").is_none(),
        "{}",
        body["predictions"][0]
    );
}

/// `"tune"` runs every trial as a grouped cross-validation on the training part, reports
/// them with the winner (whose values the model was trained with), shows its progress per
/// trial, stops on cancel, and refuses a bad budget with the field named.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tuning_reports_every_trial_trains_the_winner_and_stops_on_cancel() {
    let s = TestServer::start().await;
    let request = json!({"dataset": "k2", "model": "decision_tree", "hyperparameters": {"max_depth": 6},
        "tune": {"trials": 6, "method": "random"}});
    let (status, started) = s.post("/api/v1/trainings", request).await;
    assert_eq!(status, 202, "{started}");
    let id = started["id"].as_str().unwrap().to_string();
    assert_eq!(s.wait_until_finished(&id).await["status"], "completed");
    let (_, result) = s.get(&format!("/api/v1/trainings/{id}/result")).await;
    let t = &result["tuning"];
    assert_eq!(t["method"], "random", "{t}");
    let trials = t["trials"].as_array().unwrap();
    assert_eq!(trials.len(), 6);
    assert_eq!(trials[0]["hyperparameters"], json!({"max_depth": 6}), "trial 1 is the request's own");
    assert!(trials[1..].iter().all(|t| t["hyperparameters"]["max_depth"] != json!(null)));
    let best: Vec<&serde_json::Value> = trials.iter().filter(|t| t["best"] == true).collect();
    assert_eq!(best.len(), 1);
    let top = trials.iter().map(|t| t["cv_macro_f1_mean"].as_f64().unwrap()).fold(0.0, f64::max);
    assert_eq!(best[0]["cv_macro_f1_mean"].as_f64().unwrap(), top);
    assert_eq!(t["best_trial"], best[0]["number"]);
    assert_eq!(result["model_info"]["hyperparameters"], t["best_hyperparameters"], "the model is the winner's");
    for (name, value) in best[0]["hyperparameters"].as_object().unwrap() {
        assert_eq!(&result["model_info"]["hyperparameters"][name], value);
    }
    assert!(trials.iter().all(|t| t["rows"] == result["model_info"]["train_rows"]), "scored on the training part");

    // Progress per trial, then cancel.
    let request = json!({"dataset": "kepler", "model": "random_forest", "tune": {"trials": 30, "method": "halving"}});
    let (status, started) = s.post("/api/v1/trainings", request).await;
    assert_eq!(status, 202, "{started}");
    let id = started["id"].as_str().unwrap().to_string();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let (_, p) = s.get(&format!("/api/v1/trainings/{id}")).await;
        if p["step"].as_str().unwrap_or("").starts_with("Tuning: round 1/") {
            break;
        }
        assert!(std::time::Instant::now() < deadline && p["status"] != "completed", "no tuning step seen: {p}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let (status, _) = s.post(&format!("/api/v1/trainings/{id}/cancel"), json!({})).await;
    assert_eq!(status, 200);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let (_, p) = s.get(&format!("/api/v1/trainings/{id}")).await;
        if p["status"] == "cancelled" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not cancelled: {p}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    for (tune, needle) in [
        (json!({"trials": 1}), "between 2 and"),
        (json!({"trials": 500}), "between 2 and"),
        (json!({"trials": 5, "minutes": 0}), "minutes"),
    ] {
        let (status, error) =
            s.post("/api/v1/trainings", json!({"dataset": "k2", "model": "decision_tree", "tune": tune})).await;
        assert_eq!((status, error["error"]["field"].as_str()), (422, Some("tune")), "{error}");
        assert!(error["error"]["message"].as_str().unwrap().contains(needle), "{error}");
    }
    // The operator's ceiling (EXO_MAX_TUNE_TRIALS) is named when a request passes it.
    let small =
        TestServer::serve(exoplanet_playground::server::Config { max_tune_trials: 5, ..TestServer::config(32, 50) })
            .await;
    let (status, error) = small
        .post("/api/v1/trainings", json!({"dataset": "k2", "model": "decision_tree", "tune": {"trials": 6}}))
        .await;
    assert_eq!((status, error["error"]["field"].as_str()), (422, Some("tune")), "{error}");
    assert!(error["error"]["message"].as_str().unwrap().contains("EXO_MAX_TUNE_TRIALS"), "{error}");
    let (status, error) = s
        .post(
            "/api/v1/trainings",
            json!({"dataset": "k2", "model": "decision_tree", "tune": {"trials": 5, "method": "grid"}}),
        )
        .await;
    assert!((400..500).contains(&status), "{error}");
    assert!(error["error"]["message"].as_str().unwrap().contains("halving"), "{error}");
}
