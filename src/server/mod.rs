//! Server-only runtime: configuration, shared state, the session store, the training job
//! runner, the operations both the server functions and the JSON routes call, and the router.

pub mod access_settings;
pub mod accounts;
pub mod blocking;
pub mod catalog;
pub mod config;
pub mod database;
pub mod database_store;
pub mod fairness;
pub mod feature_set_scores;
pub mod health;
pub mod identity;
pub mod jobs;
pub mod json_body;
pub mod learning_demo;
pub mod logging;
pub mod metrics;
pub mod migrations;
pub mod ml_error;
pub mod origin_check;
pub mod owner;
pub mod owner_records;
pub mod predictions;
pub mod pretrained_models;
pub mod priority;
pub mod rate_limit;
pub mod reports;
pub mod request_budget;
pub mod rest;
pub mod retention;
pub mod router;
pub mod serving;
pub mod shared_answers;
pub mod sky;
pub mod startup_error;
pub mod state;
pub mod static_files;
pub mod store;
pub mod trainings;
pub mod uploads;

pub use config::Config;
pub use router::{app, serve};
pub use state::AppState;
