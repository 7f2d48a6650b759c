//! The integration tests, one binary (each test binary links polars; one link instead of
//! three saves CI minutes). A module per area; filter by module or test name:
//! `cargo test --features ssr --test api -- restart::` or `... --test api -- uploads_train`.
//!
//! In-process tests serve the app's own router on a loopback port (`server`); process tests
//! start the real server binary (`process`) and run alone (`schedule` says why).
#![cfg(feature = "ssr")]
// The process tests hold `schedule`'s lock for their whole run, awaits included: that is the
// point (each test has its own runtime, so no other task on it waits for the lock).
#![allow(clippy::await_holding_lock)]

// Shared helpers.
mod common;
mod process;
mod schedule;
mod server;
mod visitor;

// The JSON API of an in-process server.
mod candidates;
mod catalog;
mod early_result;
mod fine_tune;
mod predictions;
mod serving;
mod temporal;
mod trainings;
mod transfer;
mod uploads;
mod validation;

// Owners, accounts and the limits around them.
mod browser_checks;
mod fairness;
mod limits;
mod ownership;

// Real server processes: abuse, restarts, shared queues, outages, load and bad input.
mod abuse;
mod bad_inputs;
mod load;
mod outage;
mod queue;
mod restart;

// Our explainers against Python's shap, from a committed fixture.
mod treeshap_fixture;
