//! Tuning on real K2 rows: reproducible for a seed, successive halving narrows the field,
//! cancel stops it, and the held-out objects are never read (poisoning them changes the
//! held-out scores, never a trial).

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::ml::pipeline::{run, DataSource, ModelSetup, SplitRule, TrainingConfig, TrainingJob, UploadSource};
use crate::ml::progress::{ProgressSink, SilentProgress};
use crate::ml::upload::TableFile;
use crate::ml::Mission;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data")
}

fn settings(trials: usize, method: TuneMethod) -> TuneSettings {
    TuneSettings { request: TuneRequest { trials, method, minutes: None }, requested: Default::default() }
}

/// A trial without its wall time (the only thing that may differ between two runs).
fn scored(trials: &[Trial]) -> Vec<Trial> {
    trials.iter().map(|t| Trial { seconds: 0.0, ..t.clone() }).collect()
}

fn k2_tree(tune: TuneSettings) -> TrainingConfig {
    let params = ModelParams::check(ModelKind::DecisionTree, &Default::default()).unwrap();
    TrainingConfig::on_mission(Mission::K2, params, SplitRule::Grouped { test_fraction: 0.2 }, 42, data_dir())
        .with_tuning(tune)
}

#[test]
fn random_search_is_reproducible_and_starts_from_the_request() {
    let a = run(&k2_tree(settings(4, TuneMethod::Random)), &SilentProgress).unwrap();
    let b = run(&k2_tree(settings(4, TuneMethod::Random)), &SilentProgress).unwrap();
    let (ta, tb) = (a.tuning.as_ref().unwrap(), b.tuning.as_ref().unwrap());
    assert_eq!(scored(&ta.trials), scored(&tb.trials));
    assert_eq!(a.metrics, b.metrics);
    assert_eq!(ta.trials.len(), 4);
    assert!(ta.trials[0].hyperparameters.is_empty(), "trial 1 is the request's own settings");
    assert!(ta.trials.iter().all(|t| t.stars_share == 1.0 && t.rows == a.train_rows));
    let best = &ta.trials[ta.best];
    assert!(ta.trials.iter().all(|t| t.cv_mean <= best.cv_mean));
    assert_eq!(ta.best_params, ModelParams::check(ModelKind::DecisionTree, &best.hyperparameters).unwrap());
}

#[test]
fn successive_halving_scores_a_third_on_three_times_the_stars() {
    let out = run(&k2_tree(settings(9, TuneMethod::Halving)), &SilentProgress).unwrap();
    let t = out.tuning.unwrap();
    let first: Vec<&Trial> = t.trials.iter().filter(|t| t.rung == 0).collect();
    let second: Vec<&Trial> = t.trials.iter().filter(|t| t.rung == 1).collect();
    assert_eq!((first.len(), second.len()), (9, 3));
    assert!((first[0].stars_share - 1.0 / 3.0).abs() < 1e-12 && second[0].stars_share == 1.0);
    assert!(first[0].rows < second[0].rows);
    // The three that went on were the best three of the first round.
    let mut ranked: Vec<&&Trial> = first.iter().collect();
    ranked.sort_by(|a, b| b.cv_mean.total_cmp(&a.cv_mean));
    let mut advanced: Vec<usize> = second.iter().map(|t| t.number).collect();
    let mut top: Vec<usize> = ranked.iter().take(3).map(|t| t.number).collect();
    advanced.sort();
    top.sort();
    assert_eq!(advanced, top);
    assert_eq!(t.trials[t.best].rung, 1);
}

struct CancelAfter(AtomicUsize);
impl ProgressSink for CancelAfter {
    fn report(&self, _: f64, _: &str) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed) > 12
    }
}

#[test]
fn cancel_stops_tuning() {
    let sink = CancelAfter(AtomicUsize::new(0));
    let started = std::time::Instant::now();
    assert!(matches!(run(&k2_tree(settings(40, TuneMethod::Random)), &sink), Err(MlError::Cancelled)));
    assert!(started.elapsed().as_secs() < 20);
}

/// The K2 export split by star into a training file and a test file, and the test file
/// poisoned: every label turned round and every orbital period scrambled.
fn k2_files() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let text = std::fs::read_to_string(data_dir().join("k2pandc.csv")).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header = lines.next().unwrap();
    let columns: Vec<&str> = header.split(',').collect();
    let col = |name: &str| columns.iter().position(|c| *c == name).unwrap();
    let (host, disposition, period) = (col("hostname"), col("disposition"), col("pl_orbper"));
    let (mut train, mut test, mut poisoned) = (header.to_string(), header.to_string(), header.to_string());
    for line in lines {
        let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
        let to_test = cells[host].bytes().map(usize::from).sum::<usize>() % 5 == 0;
        let target = if to_test { &mut test } else { &mut train };
        target.push('\n');
        target.push_str(line);
        if to_test {
            cells[disposition] = match cells[disposition].as_str() {
                "CONFIRMED" => "FALSE POSITIVE".into(),
                _ => "CONFIRMED".into(),
            };
            if !cells[period].is_empty() {
                cells[period] = "1.0".into();
            }
            poisoned.push('\n');
            poisoned.push_str(&cells.join(","));
        }
    }
    (train.into_bytes(), test.into_bytes(), poisoned.into_bytes())
}

#[test]
fn tuning_never_reads_the_held_out_objects() {
    let (train, test, poisoned) = k2_files();
    let with_test = |test: Vec<u8>| {
        let upload = UploadSource {
            train: TableFile::new("k2_train.csv", train.clone()),
            test: Some(TableFile::new("k2_test.csv", test)),
            mapping: None,
        };
        let params = ModelParams::check(ModelKind::DecisionTree, &Default::default()).unwrap();
        let model = ModelSetup {
            params,
            split: SplitRule::Grouped { test_fraction: 0.2 },
            cross_validation: false,
            feature_set: Default::default(),
            calibrate: None,
            tune: Some(settings(5, TuneMethod::Random)),
        };
        let job = TrainingJob::Train { data: DataSource::Upload(Box::new(upload)), model };
        run(&TrainingConfig { job, seed: 3, data_dir: data_dir() }, &SilentProgress).unwrap()
    };
    let (clean, dirty) = (with_test(test), with_test(poisoned));
    assert_eq!(scored(&clean.tuning.as_ref().unwrap().trials), scored(&dirty.tuning.as_ref().unwrap().trials));
    assert_ne!(
        clean.metrics.as_ref().unwrap().macro_f1,
        dirty.metrics.as_ref().unwrap().macro_f1,
        "the poison reached the held-out scores"
    );
}
