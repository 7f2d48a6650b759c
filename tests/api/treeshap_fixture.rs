//! Our exact explainers against Python's `shap` package (0.51) on the same models: TreeSHAP
//! (`TreeExplainer`, path-dependent) on a random forest fitted on K2, a decision tree fitted
//! on Kepler and a gradient-boosted model fitted on K2 (per-class raw scores), and linear
//! SHAP (`LinearExplainer`, interventional) on a logistic regression fitted on Kepler — all
//! fitted by this crate and exported with the rows to explain. In probability, the booster
//! and the logistic regression against a background of their training rows: shap's
//! interventional explainers give each class score's values per background row, and the
//! script turns them into probability by the softmax's Shapley shares, written there
//! independently of ours (brute force over the eight subsets of moved scores).
//! `scripts/fixtures/treeshap_reference.py` computed the reference values once; they are
//! committed, so this test needs no Python.
//!
//! Regenerate: `cargo test --features ssr --test api export_fixture_input -- --ignored`
//! (writes the input and checks it reads back as the fitted models), then
//! `python3 scripts/fixtures/treeshap_reference.py`.

use std::path::PathBuf;

use exoplanet_playground::ml::dataset::LabelledDataset;
use exoplanet_playground::ml::explain::{explain, explain_scores, explain_trees, Explanations};
use exoplanet_playground::ml::models::background::Background;
use exoplanet_playground::ml::models::gradient_boosting::GradientBoosting;
use exoplanet_playground::ml::models::hyperparameters::RawHyperparameters;
use exoplanet_playground::ml::models::linear::LinearSoftmax;
use exoplanet_playground::ml::models::standardize::Standardizer;
use exoplanet_playground::ml::models::tree::{Node, Tree};
use exoplanet_playground::ml::models::{ModelKind, ModelParams, TrainedModel};
use exoplanet_playground::ml::progress::{ProgressSlice, SilentProgress};
use exoplanet_playground::ml::split::grouped_stratified_split;
use exoplanet_playground::ml::Mission;
use ndarray::Array2;
use serde_json::{json, Value};

use super::schedule;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures")
}

fn slice() -> ProgressSlice<'static> {
    ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 }
}

fn tree_to_json(tree: &Tree) -> Value {
    let n = &tree.nodes;
    json!({
        "left": n.iter().map(|x| if x.is_leaf() { -1 } else { x.left as i64 }).collect::<Vec<_>>(),
        "right": n.iter().map(|x| if x.is_leaf() { -1 } else { x.right as i64 }).collect::<Vec<_>>(),
        "missing_left": n.iter().map(|x| x.missing_left).collect::<Vec<_>>(),
        "feature": n.iter().map(|x| x.feature).collect::<Vec<_>>(),
        // +inf ("present vs missing" splits) is not JSON: written as null.
        "threshold": n.iter().map(|x| if x.threshold.is_finite() { json!(x.threshold) } else { Value::Null }).collect::<Vec<_>>(),
        "distribution": n.iter().map(|x| x.distribution.to_vec()).collect::<Vec<_>>(),
        "weight": n.iter().map(|x| x.weight).collect::<Vec<_>>(),
    })
}

fn tree_from_json(v: &Value) -> Tree {
    let ints = |k: &str| v[k].as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect::<Vec<_>>();
    let (left, right, feature) = (ints("left"), ints("right"), ints("feature"));
    let nodes = (0..left.len())
        .map(|i| Node {
            feature: feature[i] as u32,
            threshold: v["threshold"][i].as_f64().unwrap_or(f64::INFINITY),
            missing_left: v["missing_left"][i].as_bool().unwrap(),
            left: if left[i] < 0 { u32::MAX } else { left[i] as u32 },
            right: if right[i] < 0 { u32::MAX } else { right[i] as u32 },
            distribution: std::array::from_fn(|c| v["distribution"][i][c].as_f64().unwrap()),
            weight: v["weight"][i].as_f64().unwrap(),
        })
        .collect();
    Tree { nodes }
}

fn rows_json(x: &Array2<f64>) -> Value {
    json!(x
        .rows()
        .into_iter()
        .map(|r| r.iter().map(|v| if v.is_nan() { Value::Null } else { json!(v) }).collect::<Vec<_>>())
        .collect::<Vec<_>>())
}

/// The inverse of [`rows_json`]: null is a missing value (NaN).
fn rows_from_json(v: &Value, n_features: usize) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(|v| v.as_f64().unwrap_or(f64::NAN)).collect())
        .collect();
    Array2::from_shape_vec((rows.len(), n_features), rows.concat()).unwrap()
}

/// Bit for bit, a missing value matching a missing value.
fn same_rows(a: &Array2<f64>, b: &Array2<f64>) -> bool {
    a.shape() == b.shape() && a.iter().zip(b).all(|(p, q)| p.to_bits() == q.to_bits() || (p.is_nan() && q.is_nan()))
}

fn standardizer_from_json(v: &Value) -> Standardizer {
    let floats = |k: &str| -> Vec<f64> { v[k].as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect() };
    Standardizer {
        log_scale: v["log_scale"].as_bool().unwrap(),
        medians: floats("medians"),
        means: floats("means"),
        scales: floats("scales"),
    }
}

/// Our explainer on a fixture entry, the model rebuilt from the JSON alone (what Python
/// explains): the rows, and our explanations of them.
fn explain_entry(model: &Value) -> (Array2<f64>, Explanations) {
    let x = rows_from_json(&model["x"], model["n_features"].as_u64().unwrap() as usize);
    let ours = match model["kind"].as_str().unwrap() {
        "forest" => {
            let trees: Vec<Tree> = model["trees"].as_array().unwrap().iter().map(tree_from_json).collect();
            explain_trees(&trees.iter().collect::<Vec<_>>(), &x, &slice())
        }
        kind @ ("boosting" | "boosting_probability") => {
            let classes = model["tree_class"].as_array().unwrap().iter().map(|c| c.as_u64().unwrap() as usize);
            let trees = classes.zip(model["trees"].as_array().unwrap().iter().map(tree_from_json)).collect();
            let init = std::array::from_fn(|c| model["init"][c].as_f64().unwrap());
            let background = background_from_json(model, x.ncols());
            let m = TrainedModel::GradientBoosting(GradientBoosting {
                init,
                trees,
                background,
                explainer: Default::default(),
            });
            if kind == "boosting" {
                explain_scores(&m, &x, &slice()).unwrap()
            } else {
                explain(&m, &x, &x, 0, &slice())
            }
        }
        kind => {
            let standardizer = standardizer_from_json(&model["standardizer"]);
            let weights: Vec<Vec<f64>> = serde_json::from_value(model["weights"].clone()).unwrap();
            let weights = Array2::from_shape_vec((weights.len(), 3), weights.concat()).unwrap();
            let intercept = std::array::from_fn(|c| model["intercept"][c].as_f64().unwrap());
            let background = background_from_json(model, x.ncols());
            let m = TrainedModel::LogisticRegression(LinearSoftmax { standardizer, weights, intercept, background });
            if kind == "linear" {
                explain_scores(&m, &x, &slice()).unwrap()
            } else {
                explain(&m, &x, &x, 0, &slice())
            }
        }
    };
    (x, ours)
}

/// The entry's background rows (an explanation in probability); none for the others.
fn background_from_json(model: &Value, n_features: usize) -> Background {
    match model.get("background") {
        Some(rows) => Background { rows: rows_from_json(rows, n_features) },
        None => Background::default(),
    }
}

/// Rows of the model's background kept in the fixture: enough to average over, few enough
/// for shap's per-row explainers to be quick.
const FIXTURE_BACKGROUND_ROWS: usize = 25;

#[test]
#[ignore = "writes the fixture input; run by hand, then the Python script"]
fn export_fixture_input() {
    let _alongside = schedule::alongside_others();
    let data_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let (mut models, mut fitted) = (Vec::new(), Vec::new());
    for (name, mission, kind, raw) in [
        ("k2_random_forest", Mission::K2, ModelKind::RandomForest, json!({"n_trees": 8, "max_depth": 7})),
        ("kepler_decision_tree", Mission::Kepler, ModelKind::DecisionTree, json!({"max_depth": 6})),
        ("k2_gradient_boosting", Mission::K2, ModelKind::GradientBoosting, json!({"n_rounds": 10, "max_leaves": 15})),
        ("kepler_logistic_regression", Mission::Kepler, ModelKind::LogisticRegression, json!({})),
    ] {
        let data = LabelledDataset::load_mission(mission, &data_dir).unwrap();
        let split = grouped_stratified_split(&data.labels, &data.groups, 0.2, 42).unwrap();
        let (x_train, y_train) = data.rows(&split.train);
        let (x_test, _) = data.rows(&split.test[..40]);
        let raw: RawHyperparameters = serde_json::from_value(raw).unwrap();
        let model =
            TrainedModel::fit(&ModelParams::check(kind, &raw).unwrap(), &x_train, &y_train, 42, &slice()).unwrap();
        let entry = match &model {
            TrainedModel::DecisionTree(m) => json!({"kind": "forest", "trees": [tree_to_json(&m.tree)]}),
            TrainedModel::RandomForest(m) => {
                json!({"kind": "forest", "trees": m.trees.iter().map(tree_to_json).collect::<Vec<_>>()})
            }
            TrainedModel::GradientBoosting(m) => json!({
                "kind": "boosting",
                "init": m.init.to_vec(),
                "tree_class": m.trees.iter().map(|(c, _)| *c).collect::<Vec<_>>(),
                "trees": m.trees.iter().map(|(_, t)| tree_to_json(t)).collect::<Vec<_>>(),
            }),
            TrainedModel::LogisticRegression(m) => {
                // Python explains the scaled inputs; we explain the raw rows through the scaler.
                let z_train = m.standardizer.transform(&x_train);
                json!({
                    "kind": "linear",
                    "standardizer": {"log_scale": m.standardizer.log_scale, "medians": m.standardizer.medians, "means": m.standardizer.means, "scales": m.standardizer.scales},
                    "weights": m.weights.rows().into_iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
                    "intercept": m.intercept.to_vec(),
                    "z": rows_json(&m.standardizer.transform(&x_test)),
                    "z_train_mean": z_train.mean_axis(ndarray::Axis(0)).unwrap().to_vec(),
                })
            }
            _ => unreachable!("only exact explainers have fixtures"),
        };
        let mut entry = entry;
        entry["name"] = json!(name);
        entry["n_features"] = json!(x_test.ncols());
        entry["x"] = rows_json(&x_test);
        // The booster and the logistic regression again, explained in probability against
        // the first rows of their own background.
        let with_background =
            |b: &Background| Background { rows: b.rows.slice(ndarray::s![..FIXTURE_BACKGROUND_ROWS, ..]).to_owned() };
        let probability = match &model {
            TrainedModel::GradientBoosting(m) => Some(TrainedModel::GradientBoosting(GradientBoosting {
                background: with_background(&m.background),
                ..m.clone()
            })),
            TrainedModel::LogisticRegression(m) => Some(TrainedModel::LogisticRegression(LinearSoftmax {
                background: with_background(&m.background),
                ..m.clone()
            })),
            _ => None,
        };
        if let Some(probability) = probability {
            let mut second = entry.clone();
            second["name"] = json!(format!("{name}_probability"));
            second["kind"] = json!(format!("{}_probability", entry["kind"].as_str().unwrap()));
            let background = match &probability {
                TrainedModel::GradientBoosting(m) => &m.background,
                TrainedModel::LogisticRegression(m) => &m.background,
                _ => unreachable!(),
            };
            second["background"] = rows_json(&background.rows);
            if let TrainedModel::LogisticRegression(m) = &probability {
                second["z_background"] = rows_json(&m.standardizer.transform(&background.rows));
            }
            models.push(second);
            fitted.push((probability, x_test.clone()));
        }
        models.push(entry);
        fitted.push((model, x_test));
    }
    let path = fixtures().join("treeshap_input.json");
    std::fs::create_dir_all(fixtures()).unwrap();
    std::fs::write(&path, serde_json::to_string(&json!({"models": models})).unwrap()).unwrap();

    // Python must see exactly the models fitted here: read back, each entry holds the same
    // rows, and our explainer on the model rebuilt from the file gives exactly what it gives
    // on the fitted model (a field lost or rounded on the way would show here, not as a
    // puzzling mismatch against shap later).
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let entries = written["models"].as_array().unwrap();
    assert_eq!(entries.len(), fitted.len());
    for (entry, (model, x_test)) in entries.iter().zip(&fitted) {
        let name = entry["name"].as_str().unwrap();
        let (x, rebuilt) = explain_entry(entry);
        assert!(same_rows(&x, x_test), "{name}: the rows changed on the way through the file");
        let kind = entry["kind"].as_str().unwrap();
        let direct = if kind == "boosting" || kind == "linear" {
            explain_scores(model, x_test, &slice()).unwrap()
        } else {
            explain(model, x_test, x_test, 0, &slice())
        };
        assert_eq!(
            direct.space == exoplanet_playground::domain::ExplanationSpace::Probability,
            kind != "boosting" && kind != "linear",
            "{name}"
        );
        assert_eq!(rebuilt.base, direct.base, "{name}: base values");
        assert_eq!(rebuilt.values, direct.values, "{name}: SHAP values");
        if entry["kind"] == "linear" {
            // What Python explains (the scaled rows) is what our scaler makes of the rows.
            let z = rows_from_json(&entry["z"], x.ncols());
            assert!(same_rows(&z, &standardizer_from_json(&entry["standardizer"]).transform(&x)), "{name}: z");
        }
    }
}

#[test]
fn treeshap_matches_python_shap_to_1e_6() {
    let _alongside = schedule::alongside_others();
    let text = std::fs::read_to_string(fixtures().join("treeshap_reference.json")).expect("committed fixture");
    let fixture: Value = serde_json::from_str(&text).unwrap();
    // Every explainer with a fixture, probability space included: a fixture regenerated
    // without some entry must fail here, not pass by checking less.
    let names: Vec<&str> = fixture["models"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    for expected in [
        "k2_random_forest",
        "kepler_decision_tree",
        "k2_gradient_boosting",
        "kepler_logistic_regression",
        "k2_gradient_boosting_probability",
        "kepler_logistic_regression_probability",
    ] {
        assert!(names.contains(&expected), "{expected} missing from the fixture: {names:?}");
    }
    for model in fixture["models"].as_array().unwrap() {
        let name = model["name"].as_str().unwrap();
        let (_, ours) = explain_entry(model);
        let expected_base = &model["expected_value"];
        for c in 0..3 {
            let e = expected_base[c].as_f64().unwrap();
            assert!((ours.base[c] - e).abs() < 1e-6, "{name} base class {c}: {} vs {e}", ours.base[c]);
        }
        let mut largest = 0.0f64;
        for (r, row) in model["shap_values"].as_array().unwrap().iter().enumerate() {
            for (f, per_class) in row.as_array().unwrap().iter().enumerate() {
                for c in 0..3 {
                    let want = per_class[c].as_f64().unwrap();
                    let got = ours.values[r][f][c];
                    largest = largest.max(want.abs());
                    assert!((got - want).abs() < 1e-6, "{name} row {r} feature {f} class {c}: ours {got}, shap {want}");
                }
            }
        }
        assert!(largest > 0.01, "{name}: the fixture must hold non-trivial values");
    }
}
