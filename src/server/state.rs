//! The state every request handler and server function shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::catalog::Catalog;
use super::config::Config;
use super::identity::web_sessions::DatabaseSessions;
use super::identity::Identity;
use super::jobs::{JobRunner, MakeConfig, RunnerOptions};
use super::rate_limit::Limiters;
use super::retention::Retention;
use super::sky::SkyService;
use super::startup_error::StartupError;
use super::store::{DatabaseStore, SessionStore};
use crate::ml::pretrained::PretrainedModel;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub catalog: Arc<Catalog>,
    pub store: Arc<dyn SessionStore>,
    pub jobs: JobRunner,
    /// The model shipped with the app; `None` (predictions refused, the rest works) when its
    /// file cannot be read.
    pub pretrained: Option<Arc<PretrainedModel>>,
    /// Cookie keys, API tokens and accounts (see `identity`).
    pub identity: Arc<Identity>,
    /// Account sign-in sessions, in the database.
    pub web_sessions: DatabaseSessions,
    pub limiters: Arc<Limiters>,
    /// The bundled objects and each model's view of the unresolved ones (triage, explore).
    pub sky: Arc<SkyService>,
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
        let store: Arc<dyn SessionStore> = Arc::new(database_store);
        let identity = Arc::new(Identity::new(&config.access, database.clone())?);
        let web_sessions = DatabaseSessions::new(database);
        let limiters = Limiters::new(config.access.rate_limits, config.access.trust_proxy);
        let limits = Retention { max_sessions: config.max_sessions, max_disk_bytes: config.max_disk_mb * 1024 * 1024 };
        let config = Arc::new(config);
        let pretrained = match crate::ml::pretrained::load(&config.pretrained_model) {
            Ok(model) => {
                model.prepare_explainer();
                Some(Arc::new(model))
            }
            Err(error) => {
                tracing::error!(%error, "pretrained model not loaded; predictions are unavailable");
                None
            }
        };
        let (for_workers, base, uploads) = (config.clone(), pretrained.clone(), store.clone());
        let make_config: MakeConfig = Arc::new(move |request, upload| {
            super::trainings::training_config(&for_workers, base.as_ref(), uploads.as_ref(), request, upload)
        });
        let options = RunnerOptions {
            workers: config.max_concurrent_trainings,
            max_attempts: config.max_attempts,
            retention: limits,
        };
        let jobs = JobRunner::new(options, store.clone(), make_config);
        let sky = Arc::new(SkyService::new(config.data_dir.clone()));
        Ok(AppState {
            config,
            catalog: Arc::new(catalog),
            store,
            jobs,
            pretrained,
            identity,
            web_sessions,
            limiters,
            sky,
        })
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.config.leptos.clone()
    }
}
