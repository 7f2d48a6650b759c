//! Readiness, for `GET /api/v1/ready`: the database answers and this process's training
//! workers run (the job runner counts its live worker loops).

/// `GET /api/v1/ready`: the database answers a trivial query on both connections (within 5 s each) and every
/// training worker of this process is running. Otherwise a 503 `not_ready` naming what is
/// down (details in the log).
pub async fn readiness(state: &super::state::AppState) -> Result<(), crate::api::ApiError> {
    let mut down = Vec::new();
    let store = state.store.clone();
    match tokio::task::spawn_blocking(move || store.ping()).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready: the database does not answer");
            down.push("the database".to_string());
        }
        Err(error) => {
            tracing::error!(%error, "not ready: the database check crashed");
            down.push("the database".to_string());
        }
    }
    let (alive, expected) = (state.jobs.workers_alive(), state.config.max_concurrent_trainings);
    if alive < expected {
        tracing::warn!(alive, expected, "not ready: training workers are not running");
        down.push(format!("the training workers ({alive} of {expected} running)"));
    }
    if down.is_empty() {
        Ok(())
    } else {
        Err(crate::api::ApiError::new(
            crate::domain::ErrorCode::NotReady,
            format!("Not ready: {} not available.", down.join(" and ")),
        ))
    }
}
