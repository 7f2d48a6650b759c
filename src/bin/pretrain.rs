//! Builds the two pretrained models from the bundled tables with the fixed seed and writes
//! them to `models/pretrained.json` (all leak-free columns) and
//! `models/pretrained_physical.json` (physical quantities only), both committed (the test
//! suite checks a rebuild writes the same bytes). Prints the held-out scores of each variant.
//!
//!     cargo run --release --features ssr --bin pretrain

use std::path::PathBuf;
use std::time::Instant;

use exoplanet_playground::ml::pretrained::{build, file_of, MissionScore};
use exoplanet_playground::ml::progress::SilentProgress;
use exoplanet_playground::ml::FeatureSet;

fn main() {
    for set in FeatureSet::ALL {
        build_one(set);
    }
}

fn build_one(set: FeatureSet) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let started = Instant::now();
    let model = match build(&root.join("data"), set, &SilentProgress) {
        Ok(m) => m,
        Err(error) => {
            eprintln!("pretrain: {error}");
            std::process::exit(1);
        }
    };
    let print = |variant: &str, scores: &[MissionScore]| {
        for s in scores {
            println!(
                "PRETRAINED features={} variant={variant} mission={} test_objects={} acc={:.4} macro_f1={:.4} roc_auc={:.4} log_loss={:.4} brier={:.4} ece={:.4}",
                set.id(),
                s.mission,
                s.test_objects,
                s.accuracy,
                s.macro_f1,
                s.roc_auc.unwrap_or(f64::NAN),
                s.log_loss,
                s.brier.unwrap_or(f64::NAN),
                s.ece.unwrap_or(f64::NAN)
            );
        }
    };
    print(&model.variant, &model.scores);
    print(&model.alternative_variant, &model.alternative_scores);
    let path = root.join(file_of(set));
    let json = serde_json::to_string(&model).expect("the model serialises");
    if let Err(error) =
        std::fs::create_dir_all(path.parent().expect("a folder")).and_then(|_| std::fs::write(&path, &json))
    {
        eprintln!("pretrain: cannot write {}: {error}", path.display());
        std::process::exit(1);
    }
    println!(
        "kept variant {}; wrote {} ({} KB) in {:.1} s",
        model.variant,
        path.display(),
        json.len() / 1024,
        started.elapsed().as_secs_f64()
    );
}
