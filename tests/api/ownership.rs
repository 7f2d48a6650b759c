//! Owners and sharing through the JSON API of a real server: a stranger gets 404 for another
//! owner's work, sharing opens it read-only (rows optional), the operator sees everything;
//! accounts adopt a browser's work and API tokens act for them until revoked.

use serde_json::{json, Value};

use super::visitor::{generous, quick, server_with, Visitor, ADMIN};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_sees_changes_or_downloads_another_owners_work_unless_shared() {
    let s = server_with(generous(true)).await;
    let (alice, bob) = (Visitor::new(&s), Visitor::new(&s));
    let id = alice.train(quick()).await;
    alice.wait(&id).await;
    assert_eq!(alice.listed().await, std::slice::from_ref(&id));
    assert!(bob.listed().await.is_empty(), "a stranger's list is empty");

    // Every route answers a stranger exactly as for an id that does not exist.
    for path in ["", "/result", "/model", "/importance", "/predictions.csv"] {
        let (status, body) = bob.get(&format!("/api/v1/trainings/{id}{path}")).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["error"]["code"], "not_found");
    }
    assert_eq!(bob.post(&format!("/api/v1/trainings/{id}/cancel"), json!({})).await.0, 404);
    assert_eq!(bob.post(&format!("/api/v1/trainings/{id}/share"), json!({"shared": true})).await.0, 404);
    assert_eq!(bob.delete(&format!("/api/v1/trainings/{id}")).await.0, 404);
    let (status, body) =
        bob.post("/api/v1/predictions", json!({"model": id, "rows": [{"period": 3.0}], "mission": "k2"})).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("unknown_model")), "{body}");

    // A client with no cookie is a new visitor and gets one: HttpOnly, SameSite=Lax.
    let r = reqwest::Client::new().get(format!("{}/api/v1/trainings", s.base)).send().await.unwrap();
    let cookie = r.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(
        cookie.starts_with("exo_visitor=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(r.json::<Value>().await.unwrap(), json!([]));
    // A forged visitor cookie (another owner's id without the signature) is a new visitor.
    let forged = reqwest::Client::new()
        .get(format!("{}/api/v1/trainings/{id}", s.base))
        .header("cookie", format!("exo_visitor={}", uuid::Uuid::new_v4()))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 404);

    // Shared without rows: the scores, not the rows or the model; never cancel or delete.
    let (status, access) = alice.post(&format!("/api/v1/trainings/{id}/share"), json!({"shared": true})).await;
    assert_eq!(
        (status, access["shared"].as_bool(), access["shared_by"].as_str()),
        (200, Some(true), Some("anonymous")),
        "{access}"
    );
    let (status, result) = bob.get(&format!("/api/v1/trainings/{id}/result")).await;
    assert_eq!(status, 200, "{result}");
    assert!(result["metrics"]["macro_f1"].as_f64().is_some());
    assert_eq!(result["predictions"], json!([]), "rows left out");
    assert_eq!(bob.get(&format!("/api/v1/trainings/{id}/model")).await.0, 403);
    assert_eq!(bob.post(&format!("/api/v1/trainings/{id}/cancel"), json!({})).await.0, 403);
    assert_eq!(bob.delete(&format!("/api/v1/trainings/{id}")).await.0, 403);
    assert!(bob.listed().await.is_empty(), "shared is readable by link, not listed");
    // With rows: the rows and the model too.
    alice.post(&format!("/api/v1/trainings/{id}/share"), json!({"shared": true, "include_rows": true})).await;
    let (_, result) = bob.get(&format!("/api/v1/trainings/{id}/result")).await;
    assert!(!result["predictions"].as_array().unwrap().is_empty());
    assert_eq!(bob.get(&format!("/api/v1/trainings/{id}/model")).await.0, 200);
    // Private again: gone for Bob.
    alice.post(&format!("/api/v1/trainings/{id}/share"), json!({"shared": false})).await;
    assert_eq!(bob.get(&format!("/api/v1/trainings/{id}/result")).await.0, 404);

    // The operator sees and manages everything.
    let operator = Visitor::with_token(&s, ADMIN);
    let bobs = bob.train(quick()).await;
    let all = operator.listed().await;
    assert!(all.contains(&id) && all.contains(&bobs), "{all:?}");
    assert_eq!(operator.get(&format!("/api/v1/trainings/{id}/result")).await.0, 200);
    bob.wait(&bobs).await;
    assert_eq!(operator.delete(&format!("/api/v1/trainings/{bobs}")).await.0, 204);
    assert!(bob.listed().await.is_empty());
    assert_eq!(alice.delete(&format!("/api/v1/trainings/{id}")).await.0, 204, "the owner deletes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_adopt_a_browsers_work_and_api_tokens_act_for_them_until_revoked() {
    let s = server_with(generous(false)).await;
    let browser = Visitor::new(&s);
    let before = browser.train(quick()).await;
    let name = format!("ada{}", &uuid::Uuid::new_v4().simple().to_string()[..8]);
    let credentials = json!({"username": name, "password": "correct horse battery"});

    let (status, body) = browser.post("/api/v1/account/register", json!({"username": name, "password": "short"})).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("password")), "{body}");
    let (status, body) = browser.post("/api/v1/account/register", credentials.clone()).await;
    assert_eq!((status, body["username"].as_str()), (201, Some(name.as_str())), "{body}");
    assert_eq!(browser.listed().await, std::slice::from_ref(&before), "registering adopts the browser's work");
    let (status, body) = Visitor::new(&s).post("/api/v1/account/register", credentials.clone()).await;
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("name_taken")), "{body}");

    // A token acts as the account: lists, trains and reads.
    let (status, made) = browser.post("/api/v1/account/tokens", json!({"name": "nightly script"})).await;
    assert_eq!(status, 201, "{made}");
    let token = made["token"].as_str().unwrap().to_string();
    let script = Visitor::with_token(&s, &token);
    assert_eq!(script.listed().await, std::slice::from_ref(&before));
    let by_script = script.train(quick()).await;
    script.wait(&by_script).await;
    assert_eq!(script.get(&format!("/api/v1/trainings/{by_script}/result")).await.0, 200);
    let (_, tokens) = browser.get("/api/v1/account/tokens").await;
    assert_eq!(tokens[0]["name"], "nightly script");
    assert!(tokens[0]["last_used_at"].as_u64().is_some(), "{tokens}");
    assert!(tokens.to_string().find(&token).is_none(), "the token is shown once, never listed");

    // Revoked: 401, with a message that says what to do.
    let token_id = made["info"]["id"].as_str().unwrap();
    assert_eq!(browser.delete(&format!("/api/v1/account/tokens/{token_id}")).await.0, 204);
    let (status, body) = script.get("/api/v1/trainings").await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("unauthorized")), "{body}");

    // Signing out leaves an anonymous browser with nothing; signing in brings it all back.
    assert_eq!(browser.post("/api/v1/account/sign-out", json!({})).await.0, 200);
    assert!(browser.listed().await.is_empty());
    let (status, _) =
        browser.post("/api/v1/account/sign-in", json!({"username": name, "password": "wrong horse battery"})).await;
    assert_eq!(status, 401);
    let (status, body) = browser
        .post("/api/v1/account/sign-in", json!({"username": name.to_uppercase(), "password": "correct horse battery"}))
        .await;
    assert_eq!(status, 200, "{body}");
    let mut listed = browser.listed().await;
    listed.sort();
    let mut expected = vec![before, by_script];
    expected.sort();
    assert_eq!(listed, expected);
    // Tokens need an account.
    let (status, _) = Visitor::new(&s).post("/api/v1/account/tokens", json!({"name": "x"})).await;
    assert_eq!(status, 403);
}
