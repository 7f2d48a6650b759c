//! Histogram gradient boosting for three classes (softmax loss), our own.
//!
//! Why not a crate: perpetual (the maintained pure-Rust booster) tunes itself with a
//! "budget" instead of LightGBM's rounds / learning rate / leaves, gives no per-round
//! progress or cancel hook, and its trees would need converting for TreeSHAP; no other
//! maintained crate is pure Rust (lightgbm / xgboost bindings need C++ toolchains and
//! cmake on the CI machine). Growing LightGBM-style trees on the binning we already have
//! is ~300 lines: each round grows one leaf-wise tree per class on the softmax gradients
//! (the three in parallel), with LightGBM's defaults (31 leaves, 20 objects per leaf,
//! 255 bins) and native missing values.

mod algorithm;
mod params;

pub use algorithm::GradientBoosting;
pub use params::{BoostingParams, HYPERPARAMETERS};
