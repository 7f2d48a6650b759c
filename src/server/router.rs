//! The whole HTTP surface in one `Router` (so tests can serve it on any port), and the
//! process entry point that binds and serves it.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

use super::config::Config;
use super::startup_error::StartupError;
use super::state::AppState;
use super::{metrics, rest, serving, static_files};
use crate::app::{shell, App};

/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()`: `/metrics` answers
/// loopback clients by their address.
pub fn app(state: AppState) -> Router {
    metrics::install();
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let leptos_options = state.config.leptos.clone();
    let pkg_dir = PathBuf::from(&*leptos_options.site_root).join(&*leptos_options.site_pkg_dir);
    static_files::precompress_in_background(pkg_dir.clone());
    let router = Router::new()
        .merge(rest::router(state.config.max_upload_mb as usize * 1024 * 1024))
        .route("/metrics", get(metrics::scrape))
        .nest_service(&format!("/{}", leptos_options.site_pkg_dir), serving::pkg_service(pkg_dir))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(context_state.clone()),
            move || shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell));
    // Innermost first: the rate limiter and the per-principal request slots need the caller,
    // the caller may need the sign-in session, and foreign hosts and origins are refused
    // before any of it runs.
    let router = router
        .layer(axum::middleware::from_fn_with_state(state.clone(), super::rate_limit::limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), super::fairness::request_slots::limit))
        .layer(axum::middleware::from_fn_with_state(state.clone(), super::identity::identify))
        .layer(super::identity::session_layer(&state))
        .layer(axum::middleware::from_fn_with_state(state.clone(), super::origin_check::check));
    serving::with_layers(router, &state.config).with_state(state)
}

/// Reads the configuration, loads the catalog, and serves until Ctrl-C.
pub async fn serve() -> Result<(), StartupError> {
    super::logging::init();
    let leptos = get_configuration(None).map_err(|e| StartupError::Leptos(e.to_string()))?.leptos_options;
    let addr = leptos.site_addr;
    let config = Config::load(leptos, std::path::Path::new("Leptos.toml"))?;
    tracing::info!(data = %config.data_dir.display(), state = %config.state_dir.display(), workers = config.max_concurrent_trainings, "starting");
    super::priority::init_training_pool();
    let grace = std::time::Duration::from_secs(config.shutdown_grace_s);
    let state = AppState::new(config)?;
    let (store, jobs) = (state.store.clone(), state.jobs.clone());
    // Expired sign-ins are removed hourly (a session past its expiry is never loaded anyway).
    let sessions = state.web_sessions.clone();
    tokio::spawn(async move {
        let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            hourly.tick().await;
            let sessions = sessions.clone();
            let _ = tokio::task::spawn_blocking(move || sessions.remove_expired()).await;
        }
    });
    let listener =
        tokio::net::TcpListener::bind(addr).await.map_err(|e| StartupError::Listen { addr, reason: e.to_string() })?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            let signal = stop_signal().await;
            // Pages and status polls are still served while running trainings finish.
            tracing::info!(
                signal,
                grace_s = grace.as_secs(),
                "stopping: no new trainings are claimed; running ones get the grace period"
            );
            jobs.shutdown(grace).await;
        })
        .await
        .map_err(|e| StartupError::Serving(e.to_string()))?;
    // Queued database writes (the last progress, a result) reach the disk before exit.
    tokio::task::spawn_blocking(move || store.flush()).await.map_err(|e| StartupError::Serving(e.to_string()))?;
    tracing::info!("stopped");
    Ok(())
}

/// Waits for Ctrl-C or SIGTERM (what service managers and container runtimes send).
async fn stop_signal() -> &'static str {
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl-C stops gracefully");
                let _ = tokio::signal::ctrl_c().await;
                return "Ctrl-C";
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => "Ctrl-C",
            _ = terminate.recv() => "SIGTERM",
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}
