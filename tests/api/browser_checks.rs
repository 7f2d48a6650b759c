//! The checks that protect a browser: foreign origins, rebound host names and plain-text
//! server-function calls are refused, and the predictions CSV neutralises formula cells.

use serde_json::{json, Value};

use super::common;
use super::server::client;
use super::visitor::{generous, quick, server_with};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_origins_hosts_and_plain_text_server_calls_are_refused() {
    let s = server_with(generous(false)).await;
    let http = client();
    let url = format!("{}/api/v1/trainings", s.base);
    let foreign = http.post(&url).header("origin", "http://evil.example").json(&quick()).send().await.unwrap();
    assert_eq!(foreign.status().as_u16(), 403);
    assert_eq!(foreign.json::<Value>().await.unwrap()["error"]["code"], "forbidden");
    let same = http.post(&url).header("origin", s.base.clone()).json(&quick()).send().await.unwrap();
    assert_eq!(same.status().as_u16(), 202);
    let id = same.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();

    // A cross-site form can send text/plain without a preflight: server functions refuse it.
    let plain = http
        .post(format!("{}/api/cancel_training", s.base))
        .header("content-type", "text/plain")
        .body(format!("id={id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status().as_u16(), 415);
    // Through the server function (as the pages call it), a stranger's cancel is 404 too,
    // with the JSON error the page shows, not a 500.
    let stranger = client()
        .post(format!("{}/api/cancel_training", s.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("id={id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(stranger.status().as_u16(), 404);
    assert_eq!(stranger.json::<Value>().await.unwrap()["code"], "not_found");
    // DNS rebinding: the right address under a foreign name.
    let rebound =
        http.get(format!("{}/api/v1/trainings", s.base)).header("host", "rebind.example:3000").send().await.unwrap();
    assert_eq!(rebound.status().as_u16(), 421);
    let text = rebound.text().await.unwrap();
    assert!(text.contains("EXO_ALLOWED_HOSTS") && !text.contains("/work"), "{text}");
    assert_eq!(
        http.get(format!("{}/api/v1/trainings/{id}", s.base)).send().await.unwrap().status().as_u16(),
        200,
        "still queued or running, not cancelled by the refused call"
    );
}

/// Object ids a spreadsheet would run come back neutralised in the predictions CSV; numbers
/// stay numbers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_predictions_csv_neutralises_formula_cells() {
    let s = server_with(generous(false)).await;
    let hostile = ["=HYPERLINK(\"http://x.example\";\"click\")", "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-2+3"];
    // The held-out objects come from a test file whose first ids are hostile.
    let custom = common::custom_table();
    let test_file: String = custom
        .lines()
        .take(31)
        .enumerate()
        .map(|(i, line)| match (i, line.split_once(',')) {
            (1..=4, Some((_, rest))) => format!("\"{}\",{rest}", hostile[i - 1].replace('"', "\"\"")),
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    let form = reqwest::multipart::Form::new()
        .text(
            "config",
            json!({"dataset": "upload", "model": "decision_tree", "mapping": common::custom_mapping()}).to_string(),
        )
        .part("train_file", reqwest::multipart::Part::bytes(custom.into_bytes()).file_name("mine.csv"))
        .part("test_file", reqwest::multipart::Part::bytes(test_file.into_bytes()).file_name("new.csv"));
    let r = s.http.post(format!("{}/api/v1/trainings", s.base)).multipart(form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 202, "{}", r.text().await.unwrap());
    let id = r.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    s.wait_until_finished(&id).await;
    let r = s.http.get(format!("{}/api/v1/trainings/{id}/predictions.csv", s.base)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    let ids: Vec<&str> = csv.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert!(!ids.is_empty());
    for cell in &ids {
        let unquoted = cell.trim_start_matches('"');
        assert!(!unquoted.starts_with(['=', '+', '@']), "a formula cell left as it is: {cell}");
    }
    let neutralised: Vec<&&str> = ids.iter().filter(|c| c.trim_start_matches('"').starts_with('\'')).collect();
    assert_eq!(neutralised.len(), hostile.len(), "{csv}");
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://x.example\"\";\"\"click\"\")\"") && csv.contains("'@SUM(A1:A2)"),
        "{csv}"
    );
    // "-2+3" is not a number: neutralised too, when held out; plain ids untouched.
    assert!(ids.iter().any(|c| c.starts_with('o')), "{csv}");
}
