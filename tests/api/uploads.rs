//! Uploaded tables through the JSON API: a hand-made table trains through a column mapping
//! (with or without a test file), the archive's own KOI export trains as is, and every bad
//! file is refused with a message naming the file and what is wrong.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::common;
use super::server::TestServer;

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
