//! `GET /api/v1/candidates`: every unresolved object of the bundled tables, counted against
//! the data README, ranked, filtered, paged and exported; a saved model ranks only its
//! mission and only for its owner; bad parameters get a 422 that names them.

use serde_json::{json, Value};

use super::server::TestServer;
use super::visitor::Visitor;

fn p(c: &Value, class: &str) -> f64 {
    c["probabilities"][class].as_f64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_unresolved_objects_are_ranked_filtered_paged_and_exported() {
    let s = TestServer::start().await;
    let (status, page) = s.get("/api/v1/candidates?limit=100").await;
    assert_eq!(status, 200, "{page}");
    // Without a model the list is ranked by the triage default the temporal report chose.
    let (_, report) = s.get("/api/v1/candidates/temporal").await;
    assert_eq!(page["model"], report["triage_default"], "{}", report["triage_default_reason"]);
    // The data README: KOI CANDIDATE 1,979; TOI PC 4,699 + APC 467; K2 CANDIDATE 976 (default rows).
    assert_eq!(page["unresolved"], json!({"k2": 976, "kepler": 1979, "tess": 5166}));
    assert_eq!(page["total"], 1979 + 5166 + 976);
    let rows = page["candidates"].as_array().unwrap();
    assert_eq!(rows.len(), 100);
    for (i, c) in rows.iter().enumerate() {
        assert_eq!(c["rank"], i + 1);
        assert!(["CANDIDATE", "PC", "APC"].contains(&c["disposition"].as_str().unwrap()), "{c}");
        assert!((c["score"].as_f64().unwrap() - p(c, "confirmed")).abs() < 1e-12);
        // Physical reasons first (three), then the strongest observational proxy, marked,
        // if one was among the three strongest overall.
        let reasons = c["reasons"].as_array().unwrap();
        assert!((3..=4).contains(&reasons.len()), "{c}");
        assert!(reasons[..3].iter().all(|r| r.get("note").is_none()), "{c}");
        assert!(reasons[3..].iter().all(|r| r.get("note").is_some()), "{c}");
        assert!(c["links"]["archive"].as_str().unwrap().starts_with("https://"));
        assert!(c["links"]["exofop"].as_str().unwrap().starts_with("https://"));
        let e = &c["explanation"];
        assert_eq!(e["space"], "probability");
        let sum = e["base_value"].as_f64().unwrap()
            + e["contributions"].as_object().unwrap().values().map(|v| v.as_f64().unwrap()).sum::<f64>();
        assert!((sum - e["output_value"].as_f64().unwrap()).abs() < 1e-6);
        if i > 0 {
            assert!(p(&rows[i - 1], "confirmed") >= p(c, "confirmed"), "ranked by P(confirmed)");
        }
    }
    // Every object once.
    let ids: std::collections::HashSet<String> = rows.iter().map(|c| format!("{}/{}", c["mission"], c["id"])).collect();
    assert_eq!(ids.len(), rows.len());

    // The next page continues the ranking.
    let (_, next) = s.get("/api/v1/candidates?limit=100&offset=100").await;
    assert_eq!(next["candidates"][0]["rank"], 101);
    assert!(p(&next["candidates"][0], "confirmed") <= p(&rows[99], "confirmed"));

    // One mission, another order, value filters.
    let (status, tess) = s
        .get("/api/v1/candidates?mission=tess&order=false_positive&period_min=1&period_max=10&magnitude_max=10&limit=500")
        .await;
    assert_eq!(status, 200, "{tess}");
    assert_eq!(tess["unresolved"], json!({"tess": 5166}));
    let tess_rows = tess["candidates"].as_array().unwrap();
    assert!(!tess_rows.is_empty() && tess["total"].as_u64().unwrap() < 5166);
    for w in tess_rows.windows(2) {
        assert!(p(&w[0], "false_positive") >= p(&w[1], "false_positive"));
    }
    for c in tess_rows {
        assert_eq!(c["mission"], "tess");
        let period = c["values"]["period"].as_f64().unwrap();
        assert!((1.0..=10.0).contains(&period) && c["values"]["magnitude"].as_f64().unwrap() <= 10.0);
    }
    let (_, ev) = s.get("/api/v1/candidates?mission=k2&order=expected_value&fp_cost=2&limit=5").await;
    for c in ev["candidates"].as_array().unwrap() {
        let want = p(c, "confirmed") - 2.0 * p(c, "false_positive");
        assert!((c["score"].as_f64().unwrap() - want).abs() < 1e-9);
    }

    // The CSV export: the whole filtered list, in rank order, with a header.
    let r = s
        .http
        .get(format!("{}/api/v1/candidates?mission=kepler&radius_max=2&format=csv", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    let (_, kepler_small) = s.get("/api/v1/candidates?mission=kepler&radius_max=2&limit=1").await;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("rank,id,mission,host,disposition,prediction,p_confirmed"));
    assert_eq!(lines.len() - 1, kepler_small["total"].as_u64().unwrap() as usize);
    let first: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(
        (first[0], first[1].trim_matches('"'), first[2]),
        ("1", kepler_small["candidates"][0]["id"].as_str().unwrap(), "kepler")
    );

    // Bad parameters: a 422 naming the parameter and what to do.
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("mission=jwst", ""),
        ("order=best", ""),
        ("period_min=10&period_max=1", "period_min"),
        ("fp_cost=-1", "fp_cost"),
        ("radius_mx=3", "radius_mx"),
        ("format=xml", "format"),
        ("model=not-a-model", "model"),
    ] {
        let (status, body) = s.get(&format!("/api/v1/candidates?{query}")).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert!(body["error"]["message"].as_str().unwrap().len() > 20, "{query}: {body}");
        if !field.is_empty() {
            assert_eq!(body["error"]["field"], field, "{query}: {body}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_model_ranks_its_own_mission_for_its_owner_only() {
    let s = TestServer::start().await;
    let owner = Visitor::new(&s);
    let id = owner
        .train(json!({"dataset": "k2", "model": "gradient_boosting", "hyperparameters": {"n_rounds": 30}, "seed": 3}))
        .await;
    owner.wait(&id).await;
    let (status, page) = owner.get(&format!("/api/v1/candidates?model={id}&limit=10")).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["unresolved"], json!({"k2": 976}));
    assert!(page["model_name"].as_str().unwrap().contains("K2"), "{page}");
    let (status, body) = owner.get(&format!("/api/v1/candidates?model={id}&mission=tess")).await;
    assert_eq!((status, body["error"]["field"].as_str()), (422, Some("mission")), "{body}");
    // Someone else does not see that the model exists.
    let (status, body) = Visitor::new(&s).get(&format!("/api/v1/candidates?model={id}")).await;
    assert_eq!((status, body["error"]["code"].as_str()), (422, Some("unknown_model")), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_object_is_a_point_and_any_opens_as_a_card() {
    let s = TestServer::start().await;
    let (status, points) = s.get("/api/v1/sky").await;
    assert_eq!(status, 200);
    let n = points["id"].as_array().unwrap().len();
    assert_eq!(n, 9564 + 7771 + 1806, "every object of the three tables once");
    for column in ["mission", "disposition", "predicted", "p_confirmed", "period", "radius", "ra", "dec"] {
        assert_eq!(points[column].as_array().unwrap().len(), n, "{column}");
    }
    assert!(points["p_confirmed"].as_array().unwrap().iter().all(|p| (0.0..=1.0).contains(&p.as_f64().unwrap())));
    let on_sky = points["ra"].as_array().unwrap().iter().filter(|v| v.is_number()).count();
    assert!(on_sky > n * 99 / 100, "{on_sky} of {n} have a sky position");

    let (status, card) = s.get("/api/v1/sky/object?mission=kepler&id=K00752.01").await;
    assert_eq!(status, 200, "{card}");
    assert_eq!((card["disposition"].as_str(), card["host"].as_str()), (Some("CONFIRMED"), Some("10797460")));
    assert_eq!(card["prediction"]["explanation"]["space"], "probability");
    assert!(card["links"]["exofop"].as_str().unwrap().contains("10797460"));
    assert!(card["values"]["period"].as_f64().unwrap() > 9.0);
    for (query, status_wanted, field) in [
        ("mission=kepler&id=K99999.99", 404, Some("id")),
        ("id=K00752.01", 422, None),
        ("mission=kepler&id=K00752.01&colour=red", 422, None),
    ] {
        let (status, body) = s.get(&format!("/api/v1/sky/object?{query}")).await;
        assert_eq!(status, status_wanted, "{query}: {body}");
        if field.is_some() {
            assert_eq!(body["error"]["field"].as_str(), field, "{query}: {body}");
        }
    }
}
