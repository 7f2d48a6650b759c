//! The benchmark: every mission × model with default hyperparameters on the canonical split
//! of `data/benchmark/` (the same test objects as the scikit-learn / XGBoost / LightGBM
//! reference figures), one `BENCH` line per pair.
//!
//! Each pair runs in a child process of this binary so `peak_mb` (the process's peak
//! resident memory) belongs to that pair alone.
//!
//!     cargo run --release --features ssr --bin bench            # all pairs
//!     cargo run --release --features ssr --bin bench -- kepler  # one mission
//!     cargo run --release --features ssr --bin bench -- kepler gradient_boosting '{"n_rounds":500}'
//!     cargo run --release --features ssr --bin bench -- --fine-tune   # fine-tuning the pretrained model
//!
//! `--fine-tune` continues the pretrained model (100 rounds, seed 42) on each bundled archive
//! export as a user would upload it, one `FINETUNE` line per export and comparison row.
//!
//! `explain_s` is the default explanation (in probability); `explain_scores_s` the same
//! objects explained in the model's score space (margin / log-odds, what was shown before
//! issue 17), `nan` for families without one. `--explain-pretrained` times the pretrained
//! model's what-if answer (one object, median of 51) and the TOI export in both spaces, one
//! `EXPLAIN` line.
//!
//! `explain_filed_s` times the random forest's explanations by the explainer of the day
//! issue 13 was filed, in the same run (`bench/filed_tree_shap.rs`), and
//! `explain_filed_max_diff` is the largest difference between its values and today's.

// A directory of its own: a file beside bench.rs would be taken for another binary.
#[path = "bench/filed_tree_shap.rs"]
mod filed_tree_shap;

use std::path::{Path, PathBuf};
use std::process::Command;

use exoplanet_playground::ml::explain::explain_scores;
use exoplanet_playground::ml::models::hyperparameters::RawHyperparameters;
use exoplanet_playground::ml::models::{ModelKind, ModelParams};
use exoplanet_playground::ml::pipeline::{run_with, SplitRule, TrainingConfig};
use exoplanet_playground::ml::progress::{ProgressSlice, SilentProgress};
use exoplanet_playground::ml::Mission;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--pair") {
        let (mission, model) = (&args[1], &args[2]);
        if let Err(message) = bench_pair(mission, model, args.get(3).map_or("{}", String::as_str)) {
            eprintln!("bench {mission} {model}: {message}");
            std::process::exit(1);
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--fine-tune") {
        let exe = std::env::current_exe().expect("own path");
        let mut failed = false;
        for mission in Mission::ALL {
            failed |=
                !Command::new(&exe).args(["--fine-tune-one", mission.id()]).status().expect("run fine-tune").success();
        }
        std::process::exit(i32::from(failed));
    }
    if args.first().map(String::as_str) == Some("--fine-tune-one") {
        if let Err(message) = bench_fine_tune(&args[1]) {
            eprintln!("bench fine-tune {}: {message}", args[1]);
            std::process::exit(1);
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--learn-demo") {
        // Every family at every slider position of the "How the models work" demo.
        use exoplanet_playground::server::learning_demo::{decision_regions_in, demo_controls};
        let data_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
        for control in demo_controls() {
            let seconds: Vec<f64> = (0..control.values.len())
                .map(|step| decision_regions_in(&data_dir, &control.family, step, &|| Ok(None)).map(|r| r.seconds))
                .collect::<Result<_, _>>()
                .unwrap_or_else(|e| panic!("{}: {}", control.family, e.message));
            println!(
                "DEMO model={} positions={} max_s={:.3} mean_s={:.3}",
                control.family,
                seconds.len(),
                seconds.iter().copied().fold(0.0, f64::max),
                seconds.iter().sum::<f64>() / seconds.len() as f64
            );
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--calibrated") {
        // The default random forest on each mission (seed 42, 20 % of stars held out), with
        // each calibration: held-out log-loss, Brier and ECE before and after.
        use exoplanet_playground::domain::CalibrationMethod;
        let data_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
        for mission in Mission::ALL {
            for method in CalibrationMethod::ALL {
                let params = ModelParams::check(ModelKind::RandomForest, &RawHyperparameters::new()).expect("defaults");
                let split = SplitRule::Grouped { test_fraction: 0.2 };
                let config =
                    TrainingConfig::on_mission(mission, params, split, 42, data_dir.clone()).with_calibration(method);
                let out = run_with(&config, &SilentProgress, &mut |_| {}).expect("a calibrated training");
                let c = out.calibrated.as_ref().expect("calibrated");
                let (b, a) = (c.before.expect("labelled"), c.after.expect("labelled"));
                println!(
                    "CALIBRATED mission={} method={} slice={} log_loss={:.3}->{:.3} brier={:.3}->{:.3} ece={:.3}->{:.3} macro_f1={:.3}",
                    mission.id(),
                    method.id(),
                    c.slice_rows,
                    b.log_loss,
                    a.log_loss,
                    b.brier,
                    a.brier,
                    b.ece,
                    a.ece,
                    out.metrics.as_ref().map_or(f64::NAN, |m| m.macro_f1)
                );
            }
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--tuned") {
        // `--tuned [mission] [trials]`: gradient boosting and random forest, default against tuned.
        let missions: Vec<Mission> = match args.get(1) {
            Some(id) => vec![Mission::from_id(id).unwrap_or_else(|| panic!("unknown mission {id}"))],
            None => Mission::ALL.to_vec(),
        };
        let trials = args.get(2).map_or(10, |t| t.parse().expect("trials: a whole number"));
        for mission in missions {
            for kind in [ModelKind::GradientBoosting, ModelKind::RandomForest] {
                if let Err(message) = bench_tuned(mission, kind, trials) {
                    eprintln!("bench tuned {} {}: {message}", mission.id(), kind.id());
                    std::process::exit(1);
                }
            }
        }
        return;
    }
    if args.first().map(String::as_str) == Some("--explain-pretrained") {
        if let Err(message) = bench_explain_pretrained() {
            eprintln!("bench explain-pretrained: {message}");
            std::process::exit(1);
        }
        return;
    }
    let missions: Vec<Mission> = match args.first() {
        Some(id) => vec![Mission::from_id(id).unwrap_or_else(|| panic!("unknown mission {id}"))],
        None => Mission::ALL.to_vec(),
    };
    let models: Vec<ModelKind> = match args.get(1) {
        Some(id) => vec![ModelKind::from_id(id).unwrap_or_else(|| panic!("unknown model {id}"))],
        None => ModelKind::ALL.to_vec(),
    };
    let hyperparameters = args.get(2).cloned().unwrap_or_else(|| "{}".into());
    let exe = std::env::current_exe().expect("own path");
    let mut failed = false;
    for mission in missions {
        for &model in &models {
            let status = Command::new(&exe)
                .args(["--pair", mission.id(), model.id(), &hyperparameters])
                .status()
                .expect("run pair");
            failed |= !status.success();
        }
    }
    if failed {
        std::process::exit(1);
    }
}

fn bench_pair(mission_id: &str, model_id: &str, hyperparameters: &str) -> Result<(), String> {
    let mission = Mission::from_id(mission_id).ok_or("unknown mission")?;
    let kind = ModelKind::from_id(model_id).ok_or("unknown model")?;
    let data_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let params = ModelParams::check(
        kind,
        &serde_json::from_str::<RawHyperparameters>(hyperparameters).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let split = SplitRule::HeldOutIds(canonical_test_ids(&data_dir, mission)?);
    let config = TrainingConfig::on_mission(mission, params, split, 42, data_dir);
    // The server's part of click-to-result: from the start until the scores and predictions
    // can be shown (the result page does not wait for the explanations). The browser's part
    // (queueing, storing, drawing) is measured by the end-to-end timing test.
    // The cost model's work units for it, against its wall time: the admission's time check
    // refuses only past `EXO_MAX_TRAINING_S` at the fastest rate seen (`FASTEST_WORK_PER_S`).
    let work = exoplanet_playground::ml::pipeline::check_training(&config).map_err(|e| e.to_string())?.work;
    let started = std::time::Instant::now();
    let mut scored_s = f64::NAN;
    let out = run_with(&config, &SilentProgress, &mut |_| scored_s = started.elapsed().as_secs_f64())
        .map_err(|e| e.to_string())?;
    let run_s = started.elapsed().as_secs_f64();
    let started = std::time::Instant::now();
    let slice = ProgressSlice { sink: &SilentProgress, start: 0.0, end: 1.0 };
    let scores_s =
        explain_scores(&out.model, &out.test_features, &slice).map_or(f64::NAN, |_| started.elapsed().as_secs_f64());
    let (filed_s, filed_diff) = explain_as_filed(&out);
    println!(
        "BENCH mission={} model={} acc={:.4} macro_f1={:.4} roc_auc={:.4} fit_s={:.2} predict_ms={:.1} peak_mb={:.0} explain_s={:.2} explain_scores_s={:.2} click_to_result_s={:.2} explain_filed_s={:.2} explain_filed_max_diff={:.1e} work={:.2e} work_per_s={:.2e}",
        mission.id(),
        kind.id(),
        out.metrics.as_ref().unwrap().accuracy,
        out.metrics.as_ref().unwrap().macro_f1,
        out.metrics.as_ref().unwrap().roc_auc_macro.unwrap_or(f64::NAN),
        out.fit_seconds,
        out.predict_ms,
        peak_rss_mb(),
        out.explain_seconds,
        scores_s,
        scored_s,
        filed_s,
        filed_diff,
        work,
        work / run_s
    );
    Ok(())
}

/// The random forest's explanations by the explainer of the day issue 13 was filed
/// ([`filed_tree_shap`]): its time, and the largest difference from today's values. NaN for
/// other families.
fn explain_as_filed(out: &exoplanet_playground::ml::pipeline::TrainingOutcome) -> (f64, f64) {
    let exoplanet_playground::ml::models::TrainedModel::RandomForest(forest) = &out.model else {
        return (f64::NAN, f64::NAN);
    };
    let trees: Vec<_> = forest.trees.iter().collect();
    let started = std::time::Instant::now();
    let Some(values) = filed_tree_shap::explain_trees(&trees, &out.test_features) else {
        return (f64::NAN, f64::NAN);
    };
    let seconds = started.elapsed().as_secs_f64();
    let today = &out.explanations.as_ref().expect("the bench's run explains").values;
    let diff = values
        .iter()
        .flatten()
        .flatten()
        .zip(today.iter().flatten().flatten())
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    (seconds, diff)
}

/// Tuning against the defaults on the canonical split: both trained on the same training
/// part and scored on the same held-out objects; the tuned run's trial 1 is the defaults'
/// cross-validated score, so the CV columns compare like with like too.
fn bench_tuned(mission: Mission, kind: ModelKind, trials: usize) -> Result<(), String> {
    use exoplanet_playground::domain::{TuneMethod, TuneRequest};
    use exoplanet_playground::ml::tuning::TuneSettings;
    let data_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data");
    let params = ModelParams::check(kind, &RawHyperparameters::new()).map_err(|e| e.to_string())?;
    let split = SplitRule::HeldOutIds(canonical_test_ids(&data_dir, mission)?);
    let config = TrainingConfig::on_mission(mission, params, split, 42, data_dir);
    let plain = run_with(&config, &SilentProgress, &mut |_| {}).map_err(|e| e.to_string())?;
    let settings = TuneSettings {
        request: TuneRequest { trials, method: TuneMethod::Random, minutes: None },
        requested: RawHyperparameters::new(),
    };
    let started = std::time::Instant::now();
    let tuned = run_with(&config.with_tuning(settings), &SilentProgress, &mut |_| {}).map_err(|e| e.to_string())?;
    let total_s = started.elapsed().as_secs_f64();
    let t = tuned.tuning.as_ref().ok_or("no tuning in the outcome")?;
    let best = &t.trials[t.best];
    let f1 =
        |o: &exoplanet_playground::ml::pipeline::TrainingOutcome| o.metrics.as_ref().map_or(f64::NAN, |m| m.macro_f1);
    println!(
        "TUNED mission={} model={} trials={} default_cv_f1={:.4} tuned_cv_f1={:.4} default_macro_f1={:.4} tuned_macro_f1={:.4} best_trial={} tune_s={:.1} best={}",
        mission.id(),
        kind.id(),
        t.trials.len(),
        t.trials[0].cv_mean,
        best.cv_mean,
        f1(&plain),
        f1(&tuned),
        best.number,
        total_s,
        serde_json::to_string(&best.hyperparameters).unwrap_or_default()
    );
    Ok(())
}

/// The pretrained model's explanations in both spaces: the what-if answer (one object,
/// first call and median of 51 runs, in ms) and the archive's TOI export (7,771 objects, in s).
fn bench_explain_pretrained() -> Result<(), String> {
    use exoplanet_playground::ml::predict::{objects_from_csv, predict_within};
    use exoplanet_playground::ml::pretrained::{load, FILE};
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let model = load(&root.join(FILE))?;
    let started = std::time::Instant::now();
    model.prepare_explainer();
    let prepare_ms = started.elapsed().as_secs_f64() * 1000.0;
    let bytes = std::fs::read(root.join("data/toi.csv")).map_err(|e| e.to_string())?;
    let objects = objects_from_csv("toi.csv", bytes, None).map_err(|e| e.to_string())?;
    let one = objects.select(&[0]);
    let time = |objects: &exoplanet_playground::ml::predict::ObjectsToPredict, scores: bool| {
        let started = std::time::Instant::now();
        let out = predict_within(&model, objects.clone(), &SilentProgress, scores).expect("silent sink");
        (started.elapsed().as_secs_f64(), out.explanations.space)
    };
    // (first call, median of 51): the server prepares the explainer when it loads the
    // model (`prepare_ms`), so a first call after that is like any other.
    let what_if_ms = |scores: bool| {
        let mut ms: Vec<f64> = (0..51).map(|_| time(&one, scores).0 * 1000.0).collect();
        let first = ms[0];
        ms.sort_by(f64::total_cmp);
        (first, ms[25])
    };
    let ((first_p, what_if_p), (_, what_if_m)) = (what_if_ms(false), what_if_ms(true));
    let ((toi_p, space_p), (toi_m, space_m)) = (time(&objects, false), time(&objects, true));
    println!(
        "EXPLAIN pretrained what_if_ms={what_if_p:.2} ({space_p}) what_if_first_ms={first_p:.2} prepare_ms={prepare_ms:.1} what_if_scores_ms={what_if_m:.2} ({space_m}) toi_objects={} toi_s={toi_p:.2} toi_scores_s={toi_m:.2} peak_mb={:.0}",
        objects.ids.len(),
        peak_rss_mb()
    );
    Ok(())
}

fn bench_fine_tune(mission_id: &str) -> Result<(), String> {
    use exoplanet_playground::ml::fine_tune::{run as fine_tune, FineTuneConfig};
    use exoplanet_playground::ml::models::gradient_boosting::BoostingParams;
    use exoplanet_playground::ml::pretrained::{load, FILE};
    let mission = Mission::from_id(mission_id).ok_or("unknown mission")?;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let base = load(&root.join(FILE))?;
    let params = BoostingParams::check(
        &serde_json::from_str::<RawHyperparameters>(r#"{"n_rounds":100}"#).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let file = root.join("data").join(mission.file_name());
    let file = exoplanet_playground::ml::upload::TableFile::read(&file).map_err(|e| e.to_string())?;
    let config =
        FineTuneConfig { file, columns: None, params, seed: 42, test_fraction: 0.2, data_dir: root.join("data") };
    let started = std::time::Instant::now();
    let out = fine_tune(&base, &config, &SilentProgress).map_err(|e| e.to_string())?;
    let total_s = started.elapsed().as_secs_f64();
    let f = out.fine_tune.as_ref().ok_or("no comparison")?;
    for c in &f.comparisons {
        println!(
            "FINETUNE file={} on={} objects={} before_macro_f1={:.4} after_macro_f1={:.4} before_acc={:.4} after_acc={:.4} fit_s={:.2} total_s={:.2} peak_mb={:.0}",
            mission.file_name(), c.on.as_str(), c.objects, c.before.macro_f1, c.after.macro_f1, c.before.accuracy, c.after.accuracy, out.fit_seconds, total_s, peak_rss_mb()
        );
    }
    Ok(())
}

/// Test-set object ids of the canonical split (`split_<mission>.json`, key `test_ids`).
fn canonical_test_ids(data_dir: &Path, mission: Mission) -> Result<Vec<String>, String> {
    let path = data_dir.join("benchmark").join(format!("split_{}.json", mission.id()));
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    json["test_ids"]
        .as_array()
        .ok_or_else(|| format!("{}: no test_ids", path.display()))?
        .iter()
        .map(|v| v.as_str().map(str::to_string).ok_or_else(|| format!("{}: a test id is not a string", path.display())))
        .collect()
}

/// Peak resident memory of this process (Linux `VmHWM`), in MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|kb| kb.parse::<f64>().ok()))
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}
