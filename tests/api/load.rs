//! A bounded load test on loopback against the real server binary: many pollers and page
//! loads while trainings run; every answer must be a success, latencies are reported.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::process::{get, Server};
use super::schedule::one_at_a_time;

/// A bounded load test on loopback against the real server binary: 8 trainings queued (two
/// run at a time) while 100 pollers each read one training's progress about every 250 ms
/// and one client loads pages, for `EXO_LOAD_SECS` seconds (default 60, at most 70) and at
/// most 60 000 requests; alongside, an attacker from another address (through the trusted
/// proxy) drops its cookie to start trainings, loops sign-outs and floods heavy predictions
/// it hangs up on, each loop at most 2 000 requests. Every answer to the ordinary clients must
/// be a success. Latencies are printed, not asserted (a loaded 2-core CI machine is no
/// benchmark):
/// `load: requests=N errors=E poll_p50_ms=… poll_p99_ms=… page_p50_ms=… page_p99_ms=…`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_100_pollers_and_8_trainings() {
    let _serial = one_at_a_time();
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    const POLLERS: usize = 100;
    const MAX_REQUESTS: usize = 60_000;
    const POLL_EVERY: Duration = Duration::from_millis(250);
    let secs =
        std::env::var("EXO_LOAD_SECS").ok().and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(60).clamp(1, 70);

    let state_dir = std::env::temp_dir().join(format!("exo-load-{}", uuid::Uuid::new_v4()));
    let http = reqwest::Client::builder().cookie_store(true).timeout(Duration::from_secs(30)).build().unwrap();
    // A public instance's address budget and running share (one training at a time of the
    // two workers per principal); the ordinary clients (one address, 127.0.0.1) queue 8.
    let server = Server::start_with_env(
        &state_dir,
        2,
        None,
        &[("EXO_TRUST_PROXY", "true"), ("EXO_MAX_RUNNING_PER_PRINCIPAL", "0"), ("EXO_ADDRESS_ACTIVE_TRAININGS", "30")],
    );
    server.wait_ready(&http).await;
    let trainings = [
        json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"n_trees": 300}}),
        json!({"dataset": "tess", "model": "decision_tree"}),
        json!({"dataset": "tess", "model": "gradient_boosting"}),
        json!({"dataset": "k2", "model": "random_forest", "hyperparameters": {"n_trees": 300}}),
        json!({"dataset": "kepler", "model": "gradient_boosting"}),
        json!({"dataset": "k2", "model": "decision_tree"}),
        json!({"dataset": "tess", "model": "random_forest", "hyperparameters": {"n_trees": 300}}),
        json!({"dataset": "k2", "model": "logistic_regression"}),
    ];
    let mut ids = Vec::new();
    for body in &trainings {
        let r = http.post(format!("{}/api/v1/trainings", server.base)).json(body).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 202, "{body}");
        let started: Value = r.json().await.unwrap();
        ids.push(started["id"].as_str().unwrap().to_string());
    }

    let requests = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let until = Instant::now() + Duration::from_secs(secs);
    // One request: its time to the last byte, or an error (a transport error or not 2xx).
    async fn timed(http: &reqwest::Client, url: &str, errors: &AtomicUsize) -> Option<Duration> {
        let started = Instant::now();
        let outcome = match http.get(url).send().await {
            Ok(r) if r.status().is_success() => r.bytes().await.map(|_| ()).map_err(|e| e.to_string()),
            Ok(r) => Err(format!("status {}", r.status())),
            Err(e) => Err(e.to_string()),
        };
        match outcome {
            Ok(()) => Some(started.elapsed()),
            Err(error) => {
                if errors.fetch_add(1, Ordering::SeqCst) < 5 {
                    eprintln!("load: GET {url}: {error}");
                }
                None
            }
        }
    }
    let mut pollers = Vec::new();
    for i in 0..POLLERS {
        let (http, requests, errors) = (http.clone(), requests.clone(), errors.clone());
        let url = format!("{}/api/v1/trainings/{}", server.base, ids[i % ids.len()]);
        pollers.push(tokio::spawn(async move {
            // Starts spread over one period, so the pollers do not fire in lockstep.
            tokio::time::sleep(POLL_EVERY * i as u32 / POLLERS as u32).await;
            let mut latencies = Vec::new();
            while Instant::now() < until && requests.fetch_add(1, Ordering::SeqCst) < MAX_REQUESTS {
                latencies.extend(timed(&http, &url, &errors).await);
                tokio::time::sleep(POLL_EVERY).await;
            }
            latencies
        }));
    }
    let pages = {
        let (http, requests, errors, base) = (http.clone(), requests.clone(), errors.clone(), server.base.clone());
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            for path in ["/", "/train"].iter().cycle() {
                if Instant::now() >= until || requests.fetch_add(1, Ordering::SeqCst) >= MAX_REQUESTS {
                    break;
                }
                latencies.extend(timed(&http, &format!("{base}{path}"), &errors).await);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            latencies
        })
    };
    let abuse = spawn_abuse(server.base.clone(), until);
    let mut poll_latencies = Vec::new();
    for poller in pollers {
        poll_latencies.extend(poller.await.unwrap());
    }
    let mut page_latencies = pages.await.unwrap();
    let mut abuse_answers = std::collections::BTreeMap::new();
    for task in abuse {
        for (status, n) in task.await.unwrap() {
            *abuse_answers.entry(status).or_insert(0usize) += n;
        }
    }
    let mut finished = 0;
    for id in &ids {
        let (_, body) = get(&http, format!("{}/api/v1/trainings/{id}", server.base)).await;
        finished += usize::from(body["status"] == "completed");
    }
    server.kill();
    let _ = std::fs::remove_dir_all(&state_dir);

    fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
        sorted
            .get(((sorted.len().max(1) - 1) as f64 * p).round() as usize)
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    }
    poll_latencies.sort();
    page_latencies.sort();
    let errors = errors.load(Ordering::SeqCst);
    let report = format!(
        "load: requests={} errors={errors} poll_p50_ms={:.1} poll_p99_ms={:.1} page_p50_ms={:.1} page_p99_ms={:.1}\nload: {secs} s, {POLLERS} pollers, {} page loads, {finished} of {} trainings completed\nload: abuse alongside from one address, answers by status: {abuse_answers:?}\n",
        poll_latencies.len() + page_latencies.len() + errors,
        percentile_ms(&poll_latencies, 0.5),
        percentile_ms(&poll_latencies, 0.99),
        percentile_ms(&page_latencies, 0.5),
        percentile_ms(&page_latencies, 0.99),
        page_latencies.len(),
        ids.len()
    );
    print!("{report}");
    // scripts/test.sh prints it after the run, so CI's log carries the figures.
    let _ = std::fs::write(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/load-report.txt"), &report);
    assert_eq!(errors, 0, "every request must succeed under this load");
}

/// The attacker of the load test: three loops from one address until `until`, each at most
/// 2 000 requests; each returns its answers counted by status.
fn spawn_abuse(base: String, until: Instant) -> Vec<tokio::task::JoinHandle<Vec<(u16, usize)>>> {
    const MAX: usize = 2_000;
    let client = |cookies: bool, timeout: Duration| {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.99".parse().unwrap());
        reqwest::Client::builder().cookie_store(cookies).default_headers(headers).timeout(timeout).build().unwrap()
    };
    let count =
        |answers: &mut std::collections::BTreeMap<u16, usize>, status: u16| *answers.entry(status).or_insert(0) += 1;
    let starts = {
        let (http, base) = (client(false, Duration::from_secs(30)), base.clone());
        tokio::spawn(async move {
            let mut answers = std::collections::BTreeMap::new();
            let body = json!({"dataset": "kepler", "model": "gradient_boosting", "tune": {"trials": 60}});
            for _ in 0..MAX {
                if Instant::now() >= until {
                    break;
                }
                let status = http
                    .post(format!("{base}/api/v1/trainings"))
                    .json(&body)
                    .send()
                    .await
                    .map_or(0, |r| r.status().as_u16());
                count(&mut answers, status);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            answers.into_iter().collect()
        })
    };
    let sign_outs = {
        let (http, base) = (client(true, Duration::from_secs(30)), base.clone());
        tokio::spawn(async move {
            let mut answers = std::collections::BTreeMap::new();
            for _ in 0..MAX {
                if Instant::now() >= until {
                    break;
                }
                let status = http
                    .post(format!("{base}/api/v1/account/sign-out"))
                    .json(&json!({}))
                    .send()
                    .await
                    .map_or(0, |r| r.status().as_u16());
                count(&mut answers, status);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            answers.into_iter().collect()
        })
    };
    let heavy = {
        let (http, base) = (client(true, Duration::from_millis(800)), base);
        tokio::spawn(async move {
            let mut answers = std::collections::BTreeMap::new();
            let rows: String = (0..500).map(|i| format!("{},{}.0,3.5\n", 1.0 + i as f64 * 0.01, 2000 + i)).collect();
            let table = format!("period,depth,duration\n{rows}");
            for _ in 0..MAX {
                if Instant::now() >= until {
                    break;
                }
                let form = reqwest::multipart::Form::new()
                    .text("config", r#"{"model":"pretrained"}"#)
                    .part("file", reqwest::multipart::Part::bytes(table.clone().into_bytes()).file_name("flood.csv"));
                let status = http
                    .post(format!("{base}/api/v1/predictions"))
                    .multipart(form)
                    .send()
                    .await
                    .map_or(0, |r| r.status().as_u16());
                count(&mut answers, status);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            answers.into_iter().collect()
        })
    };
    vec![starts, sign_outs, heavy]
}
