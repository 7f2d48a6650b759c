//! Server functions called by the pages. Each is a thin wrapper: fetch the shared state,
//! call the same function the JSON routes call (`crate::server::trainings`), return.

use leptos::prelude::*;
use leptos::server_fn::codec::{Json, MultipartData, MultipartFormData};

use super::account::*;
use super::error::ApiError;
use super::types::*;
#[cfg(feature = "ssr")]
use crate::domain::ErrorCode;
use crate::domain::Mission;

#[cfg(feature = "ssr")]
mod train_form;

#[cfg(feature = "ssr")]
fn state() -> Result<crate::server::AppState, ApiError> {
    use_context::<crate::server::AppState>()
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "Server state is missing."))
}

/// The request's parts (its identity and sign-in session are extensions).
#[cfg(feature = "ssr")]
fn parts() -> Result<axum::http::request::Parts, ApiError> {
    use_context::<axum::http::request::Parts>()
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "The request is missing."))
}

/// Who is asking (see `server::identity`).
#[cfg(feature = "ssr")]
fn caller() -> Result<crate::server::owner::Caller, ApiError> {
    crate::server::identity::caller_from(&parts()?)
}

/// What signing in, out or registering needs of this request: the caller and how they proved
/// it, their address, the sign-in session and the visitor-cookie reset.
#[cfg(feature = "ssr")]
fn sign_in_request() -> Result<crate::server::accounts::SignInRequest, ApiError> {
    let parts = parts()?;
    let missing = || ApiError::new(ErrorCode::Internal, "The sign-in session is missing.");
    Ok(crate::server::accounts::SignInRequest {
        caller: crate::server::identity::caller_from(&parts)?,
        credential: parts.extensions.get().copied().ok_or_else(missing)?,
        address: parts.extensions.get().copied().ok_or_else(missing)?,
        session: parts.extensions.get::<tower_sessions::Session>().cloned().ok_or_else(missing)?,
        reset: parts.extensions.get().cloned().ok_or_else(missing)?,
    })
}

/// How the caller proved who they are (tokens cannot mint tokens).
#[cfg(feature = "ssr")]
fn credential() -> Result<crate::server::identity::Credential, ApiError> {
    parts()?
        .extensions
        .get()
        .copied()
        .ok_or_else(|| ApiError::new(ErrorCode::Internal, "The request's credential is missing."))
}

/// A server function's answer: an error is sent with its own status (404, 422, 429, …, and
/// `Retry-After` where it applies), as the JSON routes send it, not as a 500. Only when the
/// function was called over HTTP: a page rendering on the server keeps its own status.
#[cfg(feature = "ssr")]
fn answered<T>(result: Result<T, ApiError>) -> Result<T, ApiError> {
    if let Err(error) = &result {
        let over_http = use_context::<axum::http::request::Parts>().is_some_and(|p| p.uri.path().starts_with("/api/"));
        if let (true, Some(response)) = (over_http, use_context::<leptos_axum::ResponseOptions>()) {
            response.set_status(
                axum::http::StatusCode::from_u16(error.status())
                    .unwrap_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR),
            );
            if let Some(seconds) = error.retry_after_s() {
                response.insert_header(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(seconds));
            }
            crate::server::metrics::rejected(error.code.as_str());
        }
        error.log();
    }
    result
}

/// A heavy read for a page: the budget's client watch is held here, by the request's future,
/// so the work stops when the browser goes away; shared answers not ready yet are answered
/// 503 `not_ready` with their progress (the page shows it and asks again).
#[cfg(feature = "ssr")]
async fn heavy_read<T: Send + 'static>(
    operation: impl FnOnce(
            &crate::server::AppState,
            &crate::server::owner::Caller,
            &crate::server::fairness::shared_results::Asked,
        ) -> Result<T, ApiError>
        + Send
        + 'static,
) -> Result<T, ApiError> {
    use crate::server::fairness::shared_results::{Asked, Patience};
    let (budget, _client) = crate::server::request_budget::RequestBudget::new(state()?.config.prediction_budget_s);
    let asked = Asked { patience: Patience::Page, budget };
    off_runtime(move |s, c| operation(s, c, &asked)).await
}

/// Runs an operation for the caller off the async threads (it may wait for the database).
#[cfg(feature = "ssr")]
async fn off_runtime<T: Send + 'static>(
    operation: impl FnOnce(&crate::server::AppState, &crate::server::owner::Caller) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let caller = caller()?;
    crate::server::blocking::run(state()?, move |s| operation(s, &caller)).await
}

#[server(endpoint = "list_datasets")]
pub async fn get_datasets() -> Result<Vec<DatasetInfo>, ApiError> {
    answered(async move { Ok(crate::server::trainings::list_datasets(&state()?)) }.await)
}

#[server(endpoint = "list_models")]
pub async fn get_models() -> Result<Vec<ModelInfo>, ApiError> {
    answered(async move { Ok(crate::server::trainings::list_models()) }.await)
}

#[server(endpoint = "start_training", input = Json)]
pub async fn start_training(request: TrainRequest) -> Result<StartedTraining, ApiError> {
    answered(
        // A request names no stored table (it has no field for one): only the server stores
        // and names tables, from the files of a multipart request.
        off_runtime(move |s, c| crate::server::trainings::start_training(s, c, request, None)).await,
    )
}

/// The train form as multipart/form-data: posted by the browser itself when the page runs
/// without WebAssembly (the inputs' own fields, files in `train_file` / `test_file`), or by
/// the page with the request as JSON in `config` and the user's table. A plain form post is
/// redirected to the progress page, or back to `/train` with the error (see `train_form`).
#[server(endpoint = "train_form", input = MultipartFormData)]
pub async fn submit_train_form(data: MultipartData) -> Result<StartedTraining, ApiError> {
    let plain_form = train_form::plain_form_post();
    let result = async move {
        let form = train_form::read(&state()?, data).await?;
        off_runtime(move |s, c| train_form::start(s, c, form)).await
    }
    .await;
    if plain_form {
        train_form::redirect_after::<SubmitTrainForm>(&result);
        result
    } else {
        answered(result)
    }
}

#[server(endpoint = "training_progress")]
pub async fn get_training_progress(id: String) -> Result<TrainingProgress, ApiError> {
    answered(async move { off_runtime(move |s, c| crate::server::trainings::progress(s, c, &id)).await }.await)
}

#[server(endpoint = "cancel_training")]
pub async fn cancel_training(id: String) -> Result<TrainingProgress, ApiError> {
    answered(async move { off_runtime(move |s, c| crate::server::trainings::cancel(s, c, &id)).await }.await)
}

#[server(endpoint = "training_summary")]
pub async fn get_training_summary(id: String) -> Result<ResultSummary, ApiError> {
    answered(async move { off_runtime(move |s, c| crate::server::trainings::summary(s, c, &id)).await }.await)
}

#[server(endpoint = "training_predictions", input = Json)]
pub async fn get_training_predictions(id: String, query: PredictionQuery) -> Result<PredictionPage, ApiError> {
    answered(
        async move { off_runtime(move |s, c| crate::server::trainings::predictions(s, c, &id, &query)).await }.await,
    )
}

#[server(endpoint = "list_trainings")]
pub async fn list_trainings() -> Result<Vec<TrainingSummaryItem>, ApiError> {
    answered(async move { off_runtime(crate::server::trainings::list_trainings).await }.await)
}

#[server(endpoint = "delete_training")]
pub async fn delete_training(id: String) -> Result<(), ApiError> {
    answered(async move { off_runtime(move |s, c| crate::server::trainings::delete_training(s, c, &id)).await }.await)
}

#[server(endpoint = "model_card")]
pub async fn get_model_card(model: String) -> Result<ModelCard, ApiError> {
    answered(async move { crate::server::predictions::model_card(&state()?.pretrained, &model) }.await)
}

/// One object typed into the what-if form (or any few rows) → predictions with reasons.
#[server(endpoint = "predict_rows", input = Json)]
pub async fn predict_rows(request: PredictRequest) -> Result<PredictionResponse, ApiError> {
    answered(
        async move {
            let (budget, _client) =
                crate::server::request_budget::RequestBudget::new(state()?.config.prediction_budget_s);
            off_runtime(move |s, c| crate::server::predictions::predict_rows_with(s, c, &request, &budget)).await
        }
        .await,
    )
}

/// The bundled objects of a mission that the pretrained model never learned from, predicted
/// (computed once for everyone).
#[server(endpoint = "predict_held_out")]
pub async fn predict_held_out(model: String, mission: Mission) -> Result<PredictionResponse, ApiError> {
    answered(
        async move {
            heavy_read(move |s, _, asked| {
                let (set, _) = s.pretrained.named(&model)?;
                s.shared.held_out(s, set, mission, asked.patience).map(|answer| (*answer).clone())
            })
            .await
        }
        .await,
    )
}

/// Makes a training public (anyone with its link reads it) or private again.
#[server(endpoint = "share_training", input = Json)]
pub async fn share_training(id: String, request: ShareRequest) -> Result<ResultAccess, ApiError> {
    answered(async move { off_runtime(move |s, c| crate::server::trainings::share(s, c, &id, request)).await }.await)
}

#[server(endpoint = "demo_controls")]
pub async fn get_demo_controls() -> Result<Vec<DemoControl>, ApiError> {
    answered(async move { Ok(crate::server::learning_demo::demo_controls()) }.await)
}

/// The "How the models work" demo: `family` trained on two Kepler features at slider `step`.
#[server(endpoint = "decision_regions")]
pub async fn get_decision_regions(family: String, step: usize) -> Result<DecisionRegions, ApiError> {
    answered(
        async move {
            heavy_read(move |s, c, asked| {
                crate::server::learning_demo::decision_regions(s, c, &family, step, &asked.budget)
            })
            .await
        }
        .await,
    )
}

#[server(endpoint = "decision_scores")]
pub async fn get_decision_scores(id: String) -> Result<DecisionScores, ApiError> {
    answered(async move { off_runtime(move |s, c| crate::server::trainings::decision_scores(s, c, &id)).await }.await)
}

/// Saves (`Some`) or clears the "planet or not" threshold of a training's model.
#[server(endpoint = "save_threshold", input = Json)]
pub async fn save_decision_threshold(
    id: String,
    threshold: Option<crate::domain::DecisionThreshold>,
) -> Result<Option<crate::domain::DecisionThreshold>, ApiError> {
    answered(
        async move { off_runtime(move |s, c| crate::server::trainings::save_threshold(s, c, &id, threshold)).await }
            .await,
    )
}

#[server(endpoint = "account_status")]
pub async fn who_am_i() -> Result<AccountStatus, ApiError> {
    answered(async move { Ok(crate::server::accounts::status(&caller()?)) }.await)
}

#[server(endpoint = "register", input = Json)]
pub async fn register(credentials: Credentials) -> Result<AccountStatus, ApiError> {
    answered(async move { crate::server::accounts::register(&state()?, &sign_in_request()?, credentials).await }.await)
}

#[server(endpoint = "sign_in", input = Json)]
pub async fn sign_in(credentials: Credentials) -> Result<AccountStatus, ApiError> {
    answered(async move { crate::server::accounts::sign_in(&state()?, &sign_in_request()?, credentials).await }.await)
}

#[server(endpoint = "sign_out", input = Json)]
pub async fn sign_out() -> Result<AccountStatus, ApiError> {
    answered(async move { crate::server::accounts::sign_out(&state()?, &sign_in_request()?).await }.await)
}

/// Ends every sign-in of the caller's account (every browser), this one included.
#[server(endpoint = "sign_out_everywhere", input = Json)]
pub async fn sign_out_everywhere() -> Result<AccountStatus, ApiError> {
    answered(async move { crate::server::accounts::sign_out_everywhere(&state()?, &sign_in_request()?).await }.await)
}

#[server(endpoint = "list_tokens")]
pub async fn list_tokens() -> Result<Vec<ApiTokenInfo>, ApiError> {
    answered(async move { off_runtime(crate::server::accounts::tokens).await }.await)
}

#[server(endpoint = "create_token", input = Json)]
pub async fn create_token(name: String) -> Result<NewApiToken, ApiError> {
    answered(
        async move {
            let credential = credential()?;
            off_runtime(move |s, c| crate::server::accounts::create_token(s, c, credential, &name)).await
        }
        .await,
    )
}

#[server(endpoint = "revoke_token", input = Json)]
pub async fn revoke_token(id: String) -> Result<(), ApiError> {
    answered(async move { off_runtime(move |s, c| crate::server::accounts::revoke_token(s, c, &id)).await }.await)
}

/// One page of the ranked follow-up shortlist (the triage page).
#[server(endpoint = "candidates", input = Json)]
pub async fn get_candidates(query: CandidateQuery) -> Result<CandidatePage, ApiError> {
    answered(
        async move { heavy_read(move |s, c, asked| crate::server::sky::candidates(s, c, &query, asked)).await }.await,
    )
}

/// The pretrained model's recipe learned before a cut-off date and scored on the TOI
/// candidates resolved after it, next to the random split (triage page, model card).
#[server(endpoint = "temporal_evaluation")]
pub async fn get_temporal_report() -> Result<TemporalReport, ApiError> {
    answered(
        async move { heavy_read(move |s, _, asked| s.shared.temporal(s, asked.patience).map(|r| (*r).clone())).await }
            .await,
    )
}

/// The default model's held-out scores per mission with each feature set (the About page).
#[server(endpoint = "feature_set_scores")]
pub async fn get_feature_set_scores() -> Result<FeatureSetComparison, ApiError> {
    answered(
        async move {
            heavy_read(move |s, _, asked| s.shared.feature_sets(s, asked.patience).map(|r| (*r).clone())).await
        }
        .await,
    )
}

/// Every bundled object as a point with `model`'s class and P(confirmed) (the explore page).
#[server(endpoint = "sky_points")]
pub async fn get_sky_points(model: String) -> Result<SkyPoints, ApiError> {
    answered(
        async move { heavy_read(move |s, c, asked| crate::server::sky::sky_points(s, c, &model, asked)).await }.await,
    )
}

/// One object's card with `model`'s explained answer (the explore page).
#[server(endpoint = "sky_object")]
pub async fn get_sky_object(model: String, mission: Mission, id: String) -> Result<SkyObjectCard, ApiError> {
    answered(
        async move {
            heavy_read(move |s, c, asked| crate::server::sky::object_card(s, c, &model, mission, &id, asked)).await
        }
        .await,
    )
}
