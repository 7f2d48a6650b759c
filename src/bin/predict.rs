//! Predictions from the command line, no server needed: reads a CSV table (an archive
//! export or harmonised column names), writes one row per object with probabilities and the
//! top three reasons, and prints metrics when the table has labels.
//!
//!     cargo run --release --features ssr --bin predict -- --model pretrained --input toi.csv --output out.csv
//!     [--mission kepler|tess|k2] [--model-file models/pretrained.json]
//!
//! `--model pretrained_physical` answers with the model on physical quantities only.

use std::path::PathBuf;

use exoplanet_playground::api::predictions_csv::predictions_csv;
use exoplanet_playground::domain::ModelRef;
use exoplanet_playground::ml::pretrained::{file_of, load};
use exoplanet_playground::ml::FeatureSet;
use exoplanet_playground::server::predictions::predict_csv;
use exoplanet_playground::server::pretrained_models::PretrainedModels;

const USAGE: &str = "usage: predict --model pretrained|pretrained_physical --input FILE.csv --output OUT.csv [--mission kepler|tess|k2] [--model-file PATH]";

fn main() {
    if let Err(message) = run() {
        eprintln!("predict: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value =
        |flag: &str| -> Option<String> { args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned() };
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return Ok(());
    }
    let model_id = value("--model").ok_or(format!("--model is missing\n{USAGE}"))?;
    let input = PathBuf::from(value("--input").ok_or(format!("--input is missing\n{USAGE}"))?);
    let output = PathBuf::from(value("--output").ok_or(format!("--output is missing\n{USAGE}"))?);
    let set = ModelRef::parse(&model_id)
        .pretrained()
        .ok_or(format!("--model is pretrained or pretrained_physical, not '{model_id}'\n{USAGE}"))?;
    let model_file = value("--model-file")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file_of(set)));
    let model = load(&model_file)?;
    let models = match set {
        FeatureSet::AllLeakFree => PretrainedModels::of(Some(model), None),
        FeatureSet::PhysicalOnly => PretrainedModels::of(None, Some(model)),
    };
    let bytes = std::fs::read(&input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "input.csv".into());
    let request = exoplanet_playground::api::PredictRequest {
        model: model_id,
        rows: Vec::new(),
        mission: value("--mission"),
        columns: None,
        space: None,
    };
    let response = predict_csv(&models, &request, &name, bytes).map_err(|e| e.message)?;
    std::fs::write(&output, predictions_csv(&response.predictions))
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    println!(
        "{} objects read as {}; predictions written to {}",
        response.predictions.len(),
        response.read_as,
        output.display()
    );
    for note in &response.notes {
        println!("note: {note}");
    }
    if let Some(m) = &response.metrics {
        println!(
            "on the {} labelled objects it never learned from: accuracy {:.4}, macro-F1 {:.4}, ROC-AUC {}",
            response.labelled_rows,
            m.accuracy,
            m.macro_f1,
            m.roc_auc.map(|v| format!("{v:.4}")).unwrap_or_else(|| "n/a".into())
        );
    }
    Ok(())
}
