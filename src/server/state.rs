//! The state every request handler and server function shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::catalog::Catalog;
use super::config::Config;
use super::database::Database;
use super::fairness::activity::OwnerActivity;
use super::fairness::heavy_work::{HeavyWork, KeptAnswers};
use super::fairness::request_slots::RequestSlots;
use super::identity::web_sessions::DatabaseSessions;
use super::identity::Identity;
use super::jobs::{JobRunner, MakeConfig, RunnerOptions};
use super::pretrained_models::PretrainedModels;
use super::rate_limit::Limiters;
use super::retention::Retention;
use super::retention::StorageGauge;
use super::shared_answers::SharedAnswers;
use super::sky::SkyService;
use super::startup_error::StartupError;
use super::store::{DatabaseStore, SessionStore};

/// Predicted tables kept (a TOI export's answer is a few MB).
const PREDICTED_TABLES_KEPT: usize = 8;
/// Results explained in class scores kept (a result is a few MB).
const SCORE_RESULTS_KEPT: usize = 6;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub catalog: Arc<Catalog>,
    pub store: Arc<dyn SessionStore>,
    pub jobs: JobRunner,
    /// The two models shipped with the app (either missing when its file cannot be read:
    /// what needs it is refused, the rest works).
    pub pretrained: PretrainedModels,
    /// Cookie keys, API tokens and accounts (see `identity`).
    pub identity: Arc<Identity>,
    /// Account sign-in sessions, in the database.
    pub web_sessions: DatabaseSessions,
    pub limiters: Arc<Limiters>,
    /// The bundled objects and each model's view of the unresolved ones (triage, explore).
    pub sky: Arc<SkyService>,
    /// The database itself (beside the store: accounts, usage, visits).
    pub db: Arc<Database>,
    /// When owners were last seen (anonymous work expires by inactivity).
    pub activity: Arc<OwnerActivity>,
    /// Whether the store is at its disk limit (measured by retention).
    pub storage: Arc<StorageGauge>,
    /// Heavy reads per principal and per process.
    pub heavy: Arc<HeavyWork>,
    /// Requests in flight per principal.
    pub request_slots: Arc<RequestSlots>,
    /// The answers every visitor shares, computed once.
    pub shared: Arc<SharedAnswers>,
    /// Predicted tables, by a digest of the model, the request and the file's bytes.
    pub predicted_tables: Arc<KeptAnswers<[u8; 32], crate::api::PredictionResponse>>,
    /// Results explained in class scores (`?space=margin`), by the training's parsed id.
    pub score_results: Arc<KeptAnswers<uuid::Uuid, crate::api::TrainingResult>>,
}

impl AppState {
    /// Prepares the state folder and reads the bundled tables once (for the dataset list).
    pub fn new(config: Config) -> Result<AppState, StartupError> {
        std::fs::create_dir_all(&config.state_dir)
            .map_err(|e| StartupError::StateFolder { dir: config.state_dir.clone(), reason: e.to_string() })?;
        // Process-wide, so every door an uploaded table or a training comes through is held
        // to them (see ml::table_limits and ml::models::cost).
        crate::ml::table_limits::set_process_limits(config.table_limits);
        crate::ml::models::cost::set_process_budget_mb(config.max_training_mb);
        let catalog = Catalog::load(&config.data_dir)?;
        let database_store = DatabaseStore::open(&config.state_dir, config.database_url.as_deref())?;
        let database = database_store.database();
        let database_for_state = database.clone();
        let store: Arc<dyn SessionStore> = Arc::new(database_store);
        let identity = Arc::new(Identity::new(&config.access, database.clone())?);
        let web_sessions = DatabaseSessions::new(database);
        let limiters = Limiters::new(config.access.rate_limits);
        let retention = Retention::new(config.fairness.anonymous_expiry_days, config.max_disk_mb * 1024 * 1024);
        let storage = retention.storage.clone();
        let config = Arc::new(config);
        let pretrained = PretrainedModels::load(&config.pretrained_model, &config.pretrained_physical_model);
        let (for_workers, base, uploads) = (config.clone(), pretrained.clone(), store.clone());
        let make_config: MakeConfig = Arc::new(move |request, upload| {
            super::trainings::training_config(&for_workers, &base, uploads.as_ref(), request, upload)
        });
        let options = RunnerOptions {
            workers: config.max_concurrent_trainings,
            max_attempts: config.max_attempts,
            retention,
            running_per_principal: config.fairness.running_limit(config.max_concurrent_trainings),
            time_limit: std::time::Duration::from_secs(config.fairness.max_training_s),
        };
        let jobs = JobRunner::new(options, store.clone(), make_config);
        let sky = Arc::new(SkyService::new(config.data_dir.clone()));
        let heavy = HeavyWork::new(config.fairness.heavy_per_principal, config.fairness.heavy_limit());
        let warm_up = config.fairness.warm_up;
        let state = AppState {
            config,
            catalog: Arc::new(catalog),
            store,
            jobs,
            pretrained,
            identity,
            web_sessions,
            limiters,
            sky,
            db: database_for_state,
            activity: Arc::default(),
            storage,
            heavy,
            request_slots: Arc::default(),
            shared: Arc::default(),
            predicted_tables: Arc::new(KeptAnswers::new("predicted_table", PREDICTED_TABLES_KEPT)),
            score_results: Arc::new(KeptAnswers::new("score_explanations", SCORE_RESULTS_KEPT)),
        };
        if warm_up {
            SharedAnswers::warm_up(&state);
        }
        Ok(state)
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.config.leptos.clone()
    }
}
