//! The database stopped mid-run: requests answer 503 with Retry-After, never 404 or a hang,
//! and when it is back the service recovers and the training finishes.

use std::process::Command;
use std::time::{Duration, Instant};

use super::process::{
    get, interruptible_request, postgres_cluster, postgres_url, queue, wait_for, wait_mid_training, Server,
};
use super::schedule::one_at_a_time;

/// The database stopped mid-run: requests answer 503 with Retry-After (never 404, never a
/// hang), and when it is back the service recovers and the training finishes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_answers_503_and_the_service_recovers() {
    let test = "a_database_outage_answers_503_and_the_service_recovers";
    let Some(url) = postgres_url(test) else { return };
    let Some(cluster) = postgres_cluster(test) else { return };
    let _serial = one_at_a_time();
    let pg_ctl = |action: &str| {
        let mut args: Vec<&str> = cluster.split_whitespace().collect();
        args.push(action);
        if action == "stop" {
            args.extend(["-m", "fast"]);
        }
        let status = Command::new("pg_ctlcluster").args(&args).status().expect("pg_ctlcluster runs");
        assert!(status.success(), "pg_ctlcluster {args:?} failed");
    };
    let dir = std::env::temp_dir().join(format!("exo-outage-{}", uuid::Uuid::new_v4()));
    let http = reqwest::Client::builder().cookie_store(true).timeout(Duration::from_secs(20)).build().unwrap();
    let server = Server::start_with_workers(&dir, 1, Some(&url));
    server.wait_ready(&http).await;
    let id = queue(&http, &server.base, &interruptible_request()).await;
    wait_mid_training(&http, &server.base, &id).await;

    pg_ctl("stop");
    let asked = Instant::now();
    let r = http.get(format!("{}/api/v1/trainings/{id}", server.base)).send().await.unwrap();
    let (status, retry_after) = (r.status().as_u16(), r.headers().get("retry-after").is_some());
    let ready = http.get(format!("{}/api/v1/ready", server.base)).send().await.unwrap().status().as_u16();
    pg_ctl("start");
    assert_eq!(status, 503, "a status poll while the database is down");
    assert!(retry_after, "503 says when to retry");
    assert!(asked.elapsed() < Duration::from_secs(15), "answered in {:?}", asked.elapsed());
    assert_eq!(ready, 503, "not ready while the database is down");

    // Back: polls answer again and the training (its outcome retried) completes.
    let finished = wait_for(&http, &server.base, &id, "completed").await;
    assert!(finished["attempts"].as_u64().unwrap() >= 1, "{finished}");
    let (status, _) = get(&http, format!("{}/api/v1/trainings/{id}/result", server.base)).await;
    assert_eq!(status, 200);
    server.kill();
    let _ = std::fs::remove_dir_all(&dir);
}
