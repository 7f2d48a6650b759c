//! The serving layers around the API: compression (precompressed front-end files), security,
//! cache and request-id headers, the pages' script nonces, readiness and metrics.

use std::time::{Duration, Instant};

use serde_json::json;

use super::server::TestServer;

/// One request with `Accept-Encoding: encoding` (none when empty).
async fn fetch(s: &TestServer, path: &str, encoding: &str) -> reqwest::Response {
    let mut request = s.http.get(format!("{}{path}", s.base));
    if !encoding.is_empty() {
        request = request.header("accept-encoding", encoding);
    }
    request.send().await.unwrap()
}

fn header<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// The serving layers: pages, JSON and the front end's files come back compressed (the
/// files precompressed at start-up), with security and cache headers and a request id; the
/// page's policy names the nonce its inline scripts carry; readiness and metrics answer.
/// `cargo test` does not build the front end, so the site root is a temporary folder with a
/// stand-in WASM and JS file (Playwright's serving.spec.ts checks the real ones).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_are_compressed_and_carry_security_cache_and_request_id_headers() {
    let site = std::env::temp_dir().join(format!("exo-site-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    let wasm: Vec<u8> = (0..64 * 1024u32).map(|i| (i % 251 / 8) as u8).collect();
    std::fs::write(site.join("pkg/exoplanet-playground.wasm"), &wasm).unwrap();
    std::fs::write(site.join("pkg/exoplanet-playground.js"), "export function hydrate() { return 1; }\n".repeat(100))
        .unwrap();
    let mut config = TestServer::config(32, 1);
    config.leptos.site_root = site.to_str().unwrap().into();
    let s = TestServer::serve(config).await;

    // The server writes .br and .gz beside each file soon after it starts.
    let variants = ["wasm.br", "wasm.gz", "js.br", "js.gz"].map(|v| site.join(format!("pkg/exoplanet-playground.{v}")));
    let deadline = Instant::now() + Duration::from_secs(60);
    while !variants.iter().all(|v| v.exists()) {
        assert!(Instant::now() < deadline, "precompressed files were not written");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    for path in ["/", "/train", "/api/v1/datasets", "/pkg/exoplanet-playground.wasm", "/pkg/exoplanet-playground.js"] {
        for encoding in ["br", "gzip"] {
            let r = fetch(&s, path, encoding).await;
            assert_eq!(r.status().as_u16(), 200, "{path}");
            assert_eq!(header(&r, "content-encoding"), encoding, "{path} with {encoding}");
            assert_eq!(header(&r, "x-content-type-options"), "nosniff", "{path}");
            assert_eq!(header(&r, "x-frame-options"), "DENY", "{path}");
            assert_eq!(header(&r, "referrer-policy"), "same-origin", "{path}");
            let policy = header(&r, "content-security-policy");
            assert!(
                policy.contains("frame-ancestors 'none'") && policy.contains("'wasm-unsafe-eval'"),
                "{path}: {policy}"
            );
            let script_src = policy.split(';').find(|d| d.trim_start().starts_with("script-src")).unwrap_or_default();
            assert!(!script_src.contains("unsafe-inline"), "{path}: {policy}");
            assert_eq!(header(&r, "x-request-id").len(), 36, "{path}: a UUID");
            let cache = if path.starts_with("/pkg") { "no-cache" } else { "no-store" };
            assert_eq!(header(&r, "cache-control"), cache, "{path}");
            if path.starts_with("/pkg") {
                // Served from the precompressed file, not compressed again per request.
                let file = site.join(format!("{}.{}", &path[1..], if encoding == "br" { "br" } else { "gz" }));
                let last_modified = header(&r, "last-modified").to_string();
                assert_eq!(r.bytes().await.unwrap().to_vec(), std::fs::read(file).unwrap(), "{path} with {encoding}");
                let again = s
                    .http
                    .get(format!("{}{path}", s.base))
                    .header("if-modified-since", last_modified)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(again.status().as_u16(), 304, "{path}: revalidation");
            }
        }
    }
    // Without Accept-Encoding, plain bytes.
    let r = fetch(&s, "/pkg/exoplanet-playground.wasm", "").await;
    assert_eq!(header(&r, "content-encoding"), "");
    assert_eq!(r.bytes().await.unwrap().to_vec(), wasm);

    // A client's request id is kept and echoed.
    let r = s.http.get(format!("{}/api/v1/health", s.base)).header("x-request-id", "trace-me-42").send().await.unwrap();
    assert_eq!(header(&r, "x-request-id"), "trace-me-42");

    // Every inline script of a page carries the nonce its policy allows; none goes without.
    for path in ["/", "/train", "/predict", "/model-card", "/no-such-page"] {
        let r = fetch(&s, path, "").await;
        let policy = header(&r, "content-security-policy").to_string();
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {policy}"))
            .to_string();
        let html = r.text().await.unwrap();
        let scripts: Vec<&str> = html.split("<script").skip(1).map(|s| &s[..s.find('>').unwrap()]).collect();
        assert!(!scripts.is_empty(), "{path}: the hydration script");
        for tag in scripts.iter().filter(|t| !t.contains(" src=")) {
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: inline <script{tag}> without the page's nonce"
            );
        }
    }

    // Ready: the database answers and the worker runs (it may take a moment to start).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = s.get("/api/v1/ready").await;
        if status == 200 {
            assert_eq!(body, json!({"status": "ready"}));
            break;
        }
        assert!(Instant::now() < deadline, "not ready: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Metrics, from loopback: request durations by route pattern, refusals by reason, the queue.
    assert_eq!(s.get("/api/v1/trainings/00000000-0000-0000-0000-000000000000").await.0, 404);
    let r = fetch(&s, "/metrics", "").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(header(&r, "content-type").starts_with("text/plain"));
    let text = r.text().await.unwrap();
    for name in [
        "exo_http_request_duration_seconds_bucket",
        "exo_rejected_requests_total{reason=\"not_found\"}",
        "exo_training_queue_depth",
        "exo_trainings_running",
        "exo_trainings_kept{status=\"completed\"}",
        "exo_training_workers_alive",
        "route=\"/api/v1/trainings/{id}\"",
    ] {
        assert!(text.contains(name), "{name} missing from\n{text}");
    }
    assert!(!text.contains("00000000-0000"), "ids never become labels");
    // A proxy forwarding someone else is not a local client.
    let r = s.http.get(format!("{}/metrics", s.base)).header("x-forwarded-for", "192.0.2.1").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let _ = std::fs::remove_dir_all(&site);
}
