//! The live demo of "How the models work": a family trained on two features of the Kepler
//! table (log orbital period, log planet radius: the plane a reader can picture), its
//! decision regions predicted on a grid, for one hyperparameter at a few slider positions.
//! Small on purpose (at most 1,200 objects, a 40 × 40 grid), so an answer takes well under
//! a second; answers are kept, so a slider moved back is instant.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use ndarray::Array2;
use serde_json::{json, Value};

use crate::api::{ApiError, DecisionRegions, DemoControl};
use crate::domain::{ClassLabel, ErrorCode};
use crate::ml::bundled_tables::mission_dataset;
use crate::ml::models::hyperparameters::RawHyperparameters;
use crate::ml::models::{ModelKind, ModelParams, TrainedModel};
use crate::ml::progress::{ProgressSlice, SilentProgress};
use crate::ml::Mission;
use crate::server::state::AppState;

const SIDE: usize = 40;
const MAX_OBJECTS: usize = 1200;
const SHOWN_POINTS: usize = 400;

/// Each family's demo hyperparameter, its slider values, and the settings that keep the
/// family quick on 1,200 objects.
fn control(kind: ModelKind) -> (&'static str, &'static str, Vec<Value>, usize, Value) {
    match kind {
        ModelKind::LogisticRegression => (
            "c",
            "Inverse regularisation C",
            vec![json!(0.001), json!(0.01), json!(0.1), json!(1.0), json!(10.0), json!(100.0)],
            3,
            json!({}),
        ),
        ModelKind::PcaLogistic => {
            ("variance_kept", "Variance kept by PCA", vec![json!(0.5), json!(0.9), json!(0.999)], 2, json!({}))
        }
        ModelKind::Svm => (
            "gamma_scale",
            "Kernel width γ × features",
            vec![json!(0.1), json!(0.3), json!(1.0), json!(3.0), json!(10.0), json!(30.0)],
            2,
            json!({}),
        ),
        ModelKind::DecisionTree => {
            ("max_depth", "Maximum depth", [1, 2, 3, 4, 6, 8, 12, 20].map(|d| json!(d)).to_vec(), 3, json!({}))
        }
        ModelKind::RandomForest => (
            "max_depth",
            "Maximum depth (0: no limit)",
            [1, 2, 3, 4, 6, 8, 12, 0].map(|d| json!(d)).to_vec(),
            5,
            json!({"n_trees": 50}),
        ),
        ModelKind::GradientBoosting => (
            "n_rounds",
            "Boosting rounds",
            [1, 3, 10, 30, 100, 300].map(|d| json!(d)).to_vec(),
            3,
            json!({"learning_rate": 0.1, "min_data_in_leaf": 10}),
        ),
        ModelKind::NeuralNetwork => (
            "max_epochs",
            "Training epochs",
            [1, 3, 10, 30, 100].map(|d| json!(d)).to_vec(),
            3,
            json!({"hidden_layers": "32", "learning_rate": 0.01, "batch_size": 64, "patience": 200}),
        ),
    }
}

/// The slider of every family, in [`ModelKind::ALL`] order.
pub fn demo_controls() -> Vec<DemoControl> {
    ModelKind::ALL
        .into_iter()
        .map(|kind| {
            let (name, label, values, start, _) = control(kind);
            DemoControl {
                family: kind.id().into(),
                name: kind.name().into(),
                hyperparameter: name.into(),
                label: label.into(),
                values: values.iter().map(crate::api::value_text).collect(),
                start,
            }
        })
        .collect()
}

/// The two features of every Kepler object that has both, with its class.
struct Plane {
    x: Array2<f64>,
    y: Vec<ClassLabel>,
    x_range: [f64; 2],
    y_range: [f64; 2],
}

fn plane(data_dir: &std::path::Path) -> Result<&'static Plane, ApiError> {
    static PLANE: OnceLock<Plane> = OnceLock::new();
    if let Some(p) = PLANE.get() {
        return Ok(p);
    }
    let data = mission_dataset(Mission::Kepler, data_dir).map_err(ApiError::from)?;
    let column = |name: &str| {
        data.feature_names.iter().position(|f| f == name).ok_or_else(|| ApiError::internal(format!("no {name} column")))
    };
    let (period, radius) = (column("koi_period")?, column("koi_prad")?);
    let usable: Vec<usize> =
        (0..data.labels.len()).filter(|&i| data.x[[i, period]] > 0.0 && data.x[[i, radius]] > 0.0).collect();
    // Every k-th usable object: the same sample on every server, no randomness needed.
    let stride = usable.len().div_ceil(MAX_OBJECTS).max(1);
    let rows: Vec<usize> = usable.into_iter().step_by(stride).collect();
    let x = Array2::from_shape_fn((rows.len(), 2), |(r, c)| {
        data.x[[rows[r], if c == 0 { period } else { radius }]].log10()
    });
    let y = rows.iter().map(|&i| data.labels[i]).collect();
    // Axis ranges from the 1st to the 99th percentile: a few giant outliers would squash the plot.
    let range = |c: usize| {
        let mut v: Vec<f64> = x.column(c).to_vec();
        v.sort_by(f64::total_cmp);
        [v[v.len() / 100], v[v.len() * 99 / 100]]
    };
    let (x_range, y_range) = (range(0), range(1));
    Ok(PLANE.get_or_init(|| Plane { x, y, x_range, y_range }))
}

/// The regions of `family` at slider position `step`.
/// A position not computed yet is the caller's heavy read (`fairness::heavy_work`); a kept
/// one is answered at once, so dragging a slider over known positions costs nothing.
pub fn decision_regions(
    state: &AppState,
    caller: &crate::server::owner::Caller,
    family: &str,
    step: usize,
    budget: &crate::server::request_budget::RequestBudget,
) -> Result<DecisionRegions, ApiError> {
    decision_regions_in(&state.config.data_dir, family, step, &|| {
        state.heavy.enter(caller.principal(), budget).map(Some)
    })
}

/// What a demo position not yet kept takes before it is computed (a heavy-read turn, or
/// nothing for the bench).
pub type BeforeComputing<'a> = &'a dyn Fn() -> Result<Option<crate::server::fairness::heavy_work::HeavyTurn>, ApiError>;

/// [`decision_regions`] on the bundled tables in `data_dir` (the bench times every one).
pub fn decision_regions_in(
    data_dir: &std::path::Path,
    family: &str,
    step: usize,
    before_computing: BeforeComputing,
) -> Result<DecisionRegions, ApiError> {
    let kind = ModelKind::from_id(family).ok_or_else(|| {
        let known: Vec<&str> = ModelKind::ALL.iter().map(|m| m.id()).collect();
        ApiError::new(
            ErrorCode::UnknownModel,
            format!("Unknown model '{}'. Choose one of: {}.", crate::api::error::shorten(family), known.join(", ")),
        )
        .with_field("family")
    })?;
    let (name, _, values, _, base) = control(kind);
    let value = values.get(step).ok_or_else(|| {
        ApiError::new(ErrorCode::InvalidValue, format!("step must be 0 to {} for {}.", values.len() - 1, kind.name()))
            .with_field("step")
    })?;
    static KEPT: OnceLock<Mutex<HashMap<(&'static str, usize), DecisionRegions>>> = OnceLock::new();
    let kept = KEPT.get_or_init(Default::default);
    if let Some(found) = kept.lock().unwrap_or_else(|e| e.into_inner()).get(&(kind.id(), step)) {
        return Ok(found.clone());
    }
    let _turn = before_computing()?;
    let started = std::time::Instant::now();
    let plane = plane(data_dir)?;
    let mut raw: RawHyperparameters = serde_json::from_value(base).unwrap_or_default();
    raw.insert(name.into(), value.clone());
    let params = ModelParams::check(kind, &raw).map_err(ApiError::from)?;
    let slice = ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 };
    let model = TrainedModel::fit(&params, &plane.x, &plane.y, 7, &slice).map_err(ApiError::from)?;
    let ([x0, x1], [y0, y1]) = (plane.x_range, plane.y_range);
    // Cell centres, row by row from the top (largest y first), as the SVG draws them.
    let grid = Array2::from_shape_fn((SIDE * SIDE, 2), |(i, c)| {
        let (row, col) = (i / SIDE, i % SIDE);
        if c == 0 {
            x0 + (x1 - x0) * (col as f64 + 0.5) / SIDE as f64
        } else {
            y1 - (y1 - y0) * (row as f64 + 0.5) / SIDE as f64
        }
    });
    let p = model.predict_proba(&grid);
    let best = |p: &[f64; 3]| (0..3).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap_or(0);
    let cells = p.iter().map(|p| ClassLabel::ALL[best(p)]).collect();
    let confidence = p.iter().map(|p| p[best(p)] as f32).collect();
    let fitted = model.predict_proba(&plane.x);
    let right = fitted.iter().zip(&plane.y).filter(|(p, y)| ClassLabel::ALL[best(p)] == **y).count();
    let stride = plane.y.len().div_ceil(SHOWN_POINTS).max(1);
    let points = (0..plane.y.len()).step_by(stride).map(|i| (plane.x[[i, 0]], plane.x[[i, 1]], plane.y[i])).collect();
    let regions = DecisionRegions {
        family: kind.id().into(),
        family_name: kind.name().into(),
        step,
        x_label: "log₁₀ orbital period [days]".into(),
        y_label: "log₁₀ planet radius [Earth radii]".into(),
        x_range: plane.x_range,
        y_range: plane.y_range,
        side: SIDE,
        cells,
        confidence,
        points,
        training_accuracy: right as f64 / plane.y.len() as f64,
        objects: plane.y.len(),
        seconds: started.elapsed().as_secs_f64(),
    };
    kept.lock().unwrap_or_else(|e| e.into_inner()).insert((kind.id(), step), regions.clone());
    Ok(regions)
}
