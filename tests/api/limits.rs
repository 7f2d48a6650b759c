//! Quotas and rate limits, per owner and per address: active trainings, state-changing
//! requests, sign-in attempts and new anonymous identities; the operator is exempt.

use serde_json::json;

use super::visitor::{generous, quick, server_with, Visitor, ADMIN};
use exoplanet_playground::server::access_settings::{AccessSettings, Quotas, RateLimits};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotas_and_rate_limits_hold_per_owner_and_spare_the_operator() {
    let access = AccessSettings {
        admin_token: Some(ADMIN.into()),
        quotas: Quotas { active_trainings: 1, ..Quotas::default() },
        rate_limits: RateLimits { writes_per_minute: 6, sign_ins_per_minute: 2, new_visitors_per_minute: 100_000 },
        ..AccessSettings::default()
    };
    let s = server_with(access).await;
    let (alice, bob, operator) = (Visitor::new(&s), Visitor::new(&s), Visitor::with_token(&s, ADMIN));
    alice.get("/").await; // a first visit: the identity cookie
    let first =
        alice.train(json!({"dataset": "kepler", "model": "random_forest", "hyperparameters": {"n_trees": 300}})).await;
    let (status, body) = alice.post("/api/v1/trainings", quick()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (429, Some("quota_exceeded")), "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("EXO_QUOTA_ACTIVE_TRAININGS"), "{body}");
    // Alice's quota is hers: Bob and the operator still train.
    bob.get("/").await;
    let bobs = bob.train(quick()).await;
    let operators = operator.train(quick()).await;
    let extra = operator.train(quick()).await;
    assert_eq!(alice.post(&format!("/api/v1/trainings/{first}/cancel"), json!({})).await.0, 200);

    // Six state-changing requests a minute per owner; the seventh waits.
    let mut statuses = Vec::new();
    let mut retry_after = None;
    for _ in 0..8 {
        let r = bob
            .http
            .post(format!("{}/api/v1/trainings/{}/cancel", s.base, uuid::Uuid::new_v4()))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        if r.status().as_u16() == 429 {
            retry_after =
                r.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        }
        statuses.push(r.status().as_u16());
    }
    assert!(statuses.contains(&429), "{statuses:?}");
    assert!(retry_after.is_some_and(|s| (1..=61).contains(&s)), "{retry_after:?}");
    // Reads are not limited, and the operator is exempt.
    assert_eq!(bob.get(&format!("/api/v1/trainings/{bobs}")).await.0, 200);
    for _ in 0..8 {
        assert_ne!(
            operator.post(&format!("/api/v1/trainings/{}/cancel", uuid::Uuid::new_v4()), json!({})).await.0,
            429
        );
    }
    // Sign-in attempts per address.
    let mut sign_ins = Vec::new();
    for _ in 0..4 {
        sign_ins.push(
            Visitor::new(&s)
                .post("/api/v1/account/sign-in", json!({"username": "nobody", "password": "wrong password 1"}))
                .await
                .0,
        );
    }
    assert_eq!(sign_ins.last(), Some(&429), "{sign_ins:?}");
    for id in [bobs, operators, extra] {
        operator.wait(&id).await;
    }
}

/// Dropping the cookie buys no fresh owner: new anonymous identities are limited per client
/// address, while a client that keeps its cookie is not held back by that limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_anonymous_identities_are_limited_per_address() {
    let access = AccessSettings {
        rate_limits: RateLimits { new_visitors_per_minute: 2, ..generous(false).rate_limits },
        ..generous(false)
    };
    let s = server_with(access).await;
    let keeper = Visitor::new(&s);
    assert_eq!(keeper.get("/api/v1/trainings").await.0, 200, "the first identity");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let r = reqwest::Client::new().get(format!("{}/api/v1/trainings", s.base)).send().await.unwrap();
        statuses.push((r.status().as_u16(), r.headers().contains_key("retry-after")));
    }
    assert_eq!(statuses.last(), Some(&(429, true)), "{statuses:?}");
    for _ in 0..5 {
        assert_eq!(keeper.get("/api/v1/trainings").await.0, 200, "a known visitor is not a new one");
    }
}
