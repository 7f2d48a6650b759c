//! Training requests refused before anything is queued: each answer names its error code,
//! the field at fault and, in the message, why; unknown ids and routes answer 404.

use serde_json::json;

use super::server::TestServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_specific_errors() {
    let s = TestServer::start().await;
    // (request, status, error code, field at fault, the reason the message must give)
    let cases = [
        (
            json!({"dataset": "kepler2", "model": "random_forest"}),
            422,
            "unknown_dataset",
            Some("dataset"),
            "Unknown dataset 'kepler2'. Choose one of: kepler, tess, k2",
        ),
        (
            json!({"dataset": "kepler", "model": "xgboost9"}),
            422,
            "unknown_model",
            Some("model"),
            "Unknown model 'xgboost9'. Choose one of: logistic_regression, svm,",
        ),
        (
            json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"n_trees": 0}}),
            422,
            "invalid_hyperparameter",
            Some("hyperparameters.n_trees"),
            "Hyperparameter 'n_trees' must be between 1 and 1000, got 0",
        ),
        (
            json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"depth": 3}}),
            422,
            "invalid_hyperparameter",
            Some("hyperparameters.depth"),
            "Hyperparameter 'depth' not a hyperparameter of random forest (known: n_trees, max_features, max_depth,",
        ),
        (
            json!({"dataset": "kepler", "model": "decision_tree", "hyperparameters": {"criterion": "chaos"}}),
            422,
            "invalid_hyperparameter",
            Some("hyperparameters.criterion"),
            "Hyperparameter 'criterion' must be one of gini, entropy, got \"chaos\"",
        ),
        (
            json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"n_trees": "many"}}),
            422,
            "invalid_hyperparameter",
            Some("hyperparameters.n_trees"),
            "Hyperparameter 'n_trees' expected a whole number, got \"many\"",
        ),
        (
            json!({"dataset": "kepler", "model": "decision_tree", "test_fraction": 0.9}),
            422,
            "invalid_value",
            Some("test_fraction"),
            "test_fraction must be between 0.05 and 0.5, got 0.9",
        ),
        (
            json!({"model": "decision_tree"}),
            400,
            "invalid_request",
            None,
            "not a valid training request: missing field `dataset`",
        ),
    ];
    for (body, status, code, field, says) in cases {
        let (got, error) = s.post("/api/v1/trainings", body.clone()).await;
        assert_eq!(got, status, "{body} → {error}");
        assert_eq!(error["error"]["code"], code, "{body} → {error}");
        assert_eq!(error["error"]["field"].as_str(), field, "{body} → {error}");
        assert!(error["error"]["message"].as_str().unwrap().len() > 10);
        assert!(error["error"]["message"].as_str().unwrap().contains(says), "{body} → {error}");
    }
    let (status, error) = s.get("/api/v1/trainings/00000000-0000-0000-0000-000000000000").await;
    assert_eq!((status, error["error"]["code"].as_str()), (404, Some("not_found")));
    let (status, error) = s.get("/api/v1/trainings/not-a-uuid/result").await;
    assert_eq!((status, error["error"]["code"].as_str()), (404, Some("not_found")), "{error}");
    let (status, error) = s.post("/api/v1/trainings/00000000-0000-0000-0000-000000000000/cancel", json!({})).await;
    assert_eq!((status, error["error"]["code"].as_str()), (404, Some("not_found")));
    let (status, error) = s.get("/api/v1/nothing-here").await;
    assert_eq!((status, error["error"]["code"].as_str()), (404, Some("not_found")));
}
