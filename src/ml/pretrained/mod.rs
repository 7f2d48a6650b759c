//! The models shipped with the app: gradient boosting on the harmonised features of all three
//! missions together, one on every leak-free column ([`FILE`]) and one on physical quantities
//! only ([`PHYSICAL_FILE`]: no measurement uncertainty, no mission input), built from the
//! bundled tables with a fixed seed by `cargo run --release --features ssr --bin pretrain`
//! (which writes both, committed).
//!
//! Each mission's table is split by host star (seed [`SEED`]); the model learns from the
//! three training parts pooled and is scored on each mission's held-out part. Two ways to
//! tell the model which mission an object comes from are built and measured, and the better
//! one (mean macro-F1 over the missions) is kept, the other's scores recorded beside it:
//! - `mission_feature`: the mission as one more input (0 Kepler, 1 TESS, 2 K2);
//! - `mission_calibration`: no mission input; the pooled model's probabilities are shifted
//!   to each mission's own class mix (Bayes' rule with the training part's class shares).

mod build;
mod model;

pub use build::{build, SEED, TEST_FRACTION};
pub use model::{file_of, load, MissionScore, PretrainedModel, FILE, MISSION_FEATURE, PHYSICAL_FILE};
