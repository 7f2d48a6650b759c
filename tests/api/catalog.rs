//! What the API lists before anything is trained: health, the bundled datasets (rows,
//! classes, default features without leaks) and the model families with their hyperparameters.

use serde_json::json;

use super::server::TestServer;

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
