//! Runtime settings: embedded defaults, then `Leptos.toml`, then environment variables,
//! so the app runs with no configuration at all and every setting can be overridden.

use std::path::{Path, PathBuf};

use leptos::config::LeptosOptions;
use serde::Deserialize;

use super::startup_error::StartupError;
use crate::ml::models::cost::DEFAULT_MAX_TRAINING_MB;
use crate::ml::table_limits::TableLimits;

#[derive(Debug, Clone)]
pub struct Config {
    /// Site address, output names and paths (cargo-leptos conventions; `LEPTOS_SITE_ADDR`
    /// sets the bind address).
    pub leptos: LeptosOptions,
    /// All runtime state lives below this folder (`EXO_STATE_DIR`, default `state`).
    pub state_dir: PathBuf,
    /// The bundled NASA tables (`EXO_DATA_DIR`, default `data`).
    pub data_dir: PathBuf,
    /// Trainings that may run at once (`EXO_MAX_TRAININGS`, default and 0: the number of
    /// cores); 0 when `EXO_SERVE_ONLY` is set (this process leaves the queue to others).
    pub max_concurrent_trainings: usize,
    /// Trainings one principal (an account, or an address's anonymous visitors) may have
    /// waiting for a slot; beyond it its new ones are refused with 429 (`EXO_MAX_QUEUE`,
    /// default 32). The whole queue's bound is `EXO_MAX_QUEUE_TOTAL` (see `fairness`).
    pub max_queue: usize,
    /// Trials one tuned training may run, each a 5-fold cross-validation
    /// (`EXO_MAX_TUNE_TRIALS`, default and ceiling 60).
    pub max_tune_trials: usize,
    /// Disk the store may use, in MB; at it new work is refused with 507 and nothing kept
    /// is deleted (`EXO_MAX_DISK_MB`, default 4096).
    pub max_disk_mb: u64,
    /// Largest accepted upload request, in MB (`EXO_MAX_UPLOAD_MB`, default 50).
    pub max_upload_mb: u64,
    /// A database server to use instead of the SQLite file in the state folder
    /// (`EXO_DATABASE_URL`, e.g. `postgres://user:password@host/db`). Server processes
    /// sharing it share the training queue; they must also share the state folder.
    pub database_url: Option<String>,
    /// The pretrained model file on all leak-free columns (`EXO_PRETRAINED_MODEL`, default
    /// `models/pretrained.json`).
    pub pretrained_model: PathBuf,
    /// The pretrained model file on physical quantities only (`EXO_PRETRAINED_PHYSICAL_MODEL`,
    /// default `models/pretrained_physical.json`).
    pub pretrained_physical_model: PathBuf,
    /// Rows, columns and bytes per cell of one uploaded table (`EXO_MAX_UPLOAD_ROWS`,
    /// `EXO_MAX_UPLOAD_COLUMNS`, `EXO_MAX_CELL_BYTES`).
    pub table_limits: TableLimits,
    /// Rows of one CSV prediction request (`EXO_MAX_PREDICTION_ROWS`, default 50,000: every
    /// row is explained, so this bounds the request's work).
    pub max_prediction_rows: usize,
    /// Seconds one prediction request may compute (`EXO_PREDICTION_BUDGET_S`, default 120);
    /// past it the work stops and the answer says to send fewer rows. Explanations in
    /// probability cost about ten times the booster's margins (the TOI export's 7,771 rows:
    /// 44 s against 4.7 s on this 2-core machine), so the budget doubled with them.
    pub prediction_budget_s: u64,
    /// Largest JSON request body, in KB (`EXO_MAX_JSON_KB`, default 4096); beyond it, 413.
    pub max_json_kb: u64,
    /// Memory one training may use, in MB, checked against its estimate before it is
    /// queued (`EXO_MAX_TRAINING_MB`, default 4096).
    pub max_training_mb: u64,
    /// Runs a training gets before a crash that keeps recurring marks it failed
    /// (`EXO_MAX_ATTEMPTS`, default 3).
    pub max_attempts: u32,
    /// Seconds running trainings get to finish on SIGTERM / Ctrl-C before they are put back
    /// in the queue (`EXO_SHUTDOWN_GRACE_S`, default 20).
    pub shutdown_grace_s: u64,
    /// Longest time to answer one request, in seconds; beyond it 503 `timeout`
    /// (`EXO_REQUEST_TIMEOUT_S`, default 60).
    pub request_timeout_s: u64,
    /// Requests handled at once by this process; beyond it 503 `overloaded` with
    /// `Retry-After` (`EXO_MAX_CONCURRENT_REQUESTS`, default 512).
    pub max_concurrent_requests: usize,
    /// Lets non-local clients read `/metrics` with `Authorization: Bearer <token>`
    /// (`EXO_METRICS_TOKEN`, default none: local clients only).
    pub metrics_token: Option<String>,
    /// Secret, operator token, allowed hosts, quotas and rate limits (environment only).
    pub access: super::access_settings::AccessSettings,
    /// How a shared instance stays fair (environment only; see `fairness::settings`).
    pub fairness: super::fairness::FairnessSettings,
}

/// The `Leptos.toml` file: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    state_dir: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    max_trainings: Option<usize>,
    serve_only: Option<bool>,
    max_queue: Option<usize>,
    /// No longer read: retention never removes finished work for space (see `retention`);
    /// accepted so that an older settings file still starts.
    #[allow(dead_code)]
    max_sessions: Option<usize>,
    max_tune_trials: Option<usize>,
    max_disk_mb: Option<u64>,
    max_upload_mb: Option<u64>,
    database_url: Option<String>,
    pretrained_model: Option<PathBuf>,
    pretrained_physical_model: Option<PathBuf>,
    max_upload_rows: Option<u64>,
    max_upload_columns: Option<u64>,
    max_cell_bytes: Option<u64>,
    max_json_kb: Option<u64>,
    max_training_mb: Option<u64>,
    max_attempts: Option<u64>,
    shutdown_grace_s: Option<u64>,
    request_timeout_s: Option<u64>,
    max_concurrent_requests: Option<usize>,
    metrics_token: Option<String>,
}

impl Config {
    /// Every setting at its embedded default (no file, no environment), for tests that set a
    /// few fields themselves.
    pub fn with_defaults(leptos: LeptosOptions) -> Config {
        Config {
            leptos,
            state_dir: PathBuf::from("state"),
            data_dir: PathBuf::from("data"),
            max_concurrent_trainings: 1,
            max_queue: 32,
            max_tune_trials: crate::domain::MAX_TUNE_TRIALS,
            max_disk_mb: 4096,
            max_upload_mb: 50,
            database_url: None,
            pretrained_model: PathBuf::from("models/pretrained.json"),
            pretrained_physical_model: PathBuf::from("models/pretrained_physical.json"),
            table_limits: TableLimits::default(),
            max_prediction_rows: 50_000,
            prediction_budget_s: 120,
            max_json_kb: 4096,
            max_training_mb: DEFAULT_MAX_TRAINING_MB,
            max_attempts: 3,
            shutdown_grace_s: 20,
            request_timeout_s: 60,
            max_concurrent_requests: 512,
            metrics_token: None,
            access: super::access_settings::AccessSettings::default(),
            fairness: super::fairness::FairnessSettings::default(),
        }
    }

    /// Reads `settings_file` if it exists, then applies environment overrides.
    pub fn load(leptos: LeptosOptions, settings_file: &Path) -> Result<Config, StartupError> {
        let file: SettingsFile = match std::fs::read_to_string(settings_file) {
            Ok(text) => toml::from_str(&text)
                .map_err(|e| StartupError::SettingsFile { file: settings_file.to_path_buf(), reason: e.to_string() })?,
            Err(_) => SettingsFile::default(),
        };
        let path = |var: &str, from_file: Option<PathBuf>, default: &str| {
            std::env::var(var).map(PathBuf::from).ok().or(from_file).unwrap_or_else(|| PathBuf::from(default))
        };
        let max = match std::env::var("EXO_MAX_TRAININGS") {
            Ok(v) if !v.trim().is_empty() => {
                v.trim().parse::<usize>().map_err(|_| StartupError::NotAWorkerCount { got: v.clone() })?
            }
            _ => file.max_trainings.unwrap_or(0),
        };
        // A process that serves pages and the API and leaves the training to the other
        // processes sharing the database (0 workers; EXO_MAX_TRAININGS = 0 means "one per
        // core", as it always has).
        let serve_only = match std::env::var("EXO_SERVE_ONLY") {
            Ok(v) => matches!(v.trim(), "1" | "true" | "yes"),
            Err(_) => file.serve_only.unwrap_or(false),
        };
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let number = |var: &str, from_file: Option<u64>, default: u64| -> Result<u64, StartupError> {
            match std::env::var(var) {
                Ok(v) => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| StartupError::NotAPositiveNumber { setting: var.into(), got: v.clone() }),
                Err(_) => Ok(from_file.filter(|n| *n > 0).unwrap_or(default)),
            }
        };
        Ok(Config {
            leptos,
            state_dir: path("EXO_STATE_DIR", file.state_dir, "state"),
            data_dir: path("EXO_DATA_DIR", file.data_dir, "data"),
            max_concurrent_trainings: if serve_only {
                0
            } else if max == 0 {
                cores
            } else {
                max
            },
            max_queue: number("EXO_MAX_QUEUE", file.max_queue.map(|n| n as u64), 32)? as usize,
            max_tune_trials: (number(
                "EXO_MAX_TUNE_TRIALS",
                file.max_tune_trials.map(|n| n as u64),
                crate::domain::MAX_TUNE_TRIALS as u64,
            )? as usize)
                .min(crate::domain::MAX_TUNE_TRIALS),
            max_disk_mb: number("EXO_MAX_DISK_MB", file.max_disk_mb, 4096)?,
            max_upload_mb: number("EXO_MAX_UPLOAD_MB", file.max_upload_mb, 50)?,
            pretrained_model: path("EXO_PRETRAINED_MODEL", file.pretrained_model, "models/pretrained.json"),
            pretrained_physical_model: path(
                "EXO_PRETRAINED_PHYSICAL_MODEL",
                file.pretrained_physical_model,
                "models/pretrained_physical.json",
            ),
            database_url: std::env::var("EXO_DATABASE_URL").ok().or(file.database_url).filter(|u| !u.trim().is_empty()),
            table_limits: TableLimits {
                max_rows: number("EXO_MAX_UPLOAD_ROWS", file.max_upload_rows, TableLimits::default().max_rows as u64)?
                    as usize,
                max_columns: number(
                    "EXO_MAX_UPLOAD_COLUMNS",
                    file.max_upload_columns,
                    TableLimits::default().max_columns as u64,
                )? as usize,
                max_cell_bytes: number(
                    "EXO_MAX_CELL_BYTES",
                    file.max_cell_bytes,
                    TableLimits::default().max_cell_bytes as u64,
                )? as usize,
                max_cells: number("EXO_MAX_UPLOAD_CELLS", None, TableLimits::default().max_cells as u64)? as usize,
            },
            max_prediction_rows: number("EXO_MAX_PREDICTION_ROWS", None, 50_000)? as usize,
            prediction_budget_s: number("EXO_PREDICTION_BUDGET_S", None, 120)?,
            max_json_kb: number("EXO_MAX_JSON_KB", file.max_json_kb, 4096)?,
            max_training_mb: number("EXO_MAX_TRAINING_MB", file.max_training_mb, DEFAULT_MAX_TRAINING_MB)?,
            max_attempts: number("EXO_MAX_ATTEMPTS", file.max_attempts, 3)?.min(100) as u32,
            shutdown_grace_s: number("EXO_SHUTDOWN_GRACE_S", file.shutdown_grace_s, 20)?,
            request_timeout_s: number("EXO_REQUEST_TIMEOUT_S", file.request_timeout_s, 60)?,
            max_concurrent_requests: number(
                "EXO_MAX_CONCURRENT_REQUESTS",
                file.max_concurrent_requests.map(|n| n as u64),
                512,
            )? as usize,
            metrics_token: std::env::var("EXO_METRICS_TOKEN")
                .ok()
                .or(file.metrics_token)
                .filter(|t| !t.trim().is_empty()),
            access: super::access_settings::AccessSettings::from_env()?,
            fairness: super::fairness::FairnessSettings::from_env()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_values_are_read_and_unknown_keys_refused() {
        let dir = std::env::temp_dir().join(format!("exo-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("Leptos.toml");
        std::fs::write(&file, "data_dir = \"tables\"\nmax_trainings = 3\n").unwrap();
        let c = Config::load(LeptosOptions::builder().output_name("x").build(), &file).unwrap();
        assert_eq!(c.data_dir, PathBuf::from("tables"));
        assert_eq!(c.max_concurrent_trainings, 3);
        // 0 keeps meaning one worker per core (the shipped Leptos.toml says so); a process
        // that only serves says so by name.
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        std::fs::write(&file, "max_trainings = 0\nmax_upload_rows = 5\nmax_training_mb = 64\n").unwrap();
        let c = Config::load(LeptosOptions::builder().output_name("x").build(), &file).unwrap();
        assert_eq!((c.max_concurrent_trainings, c.table_limits.max_rows, c.max_training_mb), (cores, 5, 64));
        std::fs::write(&file, "max_trainings = 3\nserve_only = true\n").unwrap();
        let c = Config::load(LeptosOptions::builder().output_name("x").build(), &file).unwrap();
        assert_eq!(c.max_concurrent_trainings, 0);
        std::fs::write(&file, "workers = 3\n").unwrap();
        let err = Config::load(LeptosOptions::builder().output_name("x").build(), &file).unwrap_err().to_string();
        assert!(err.contains("workers"), "{err}");
    }
}
