//! Prediction routes: predictions for JSON rows or an uploaded CSV file, and the pretrained
//! model's card.

use axum::extract::{RawQuery, State};
use axum::response::IntoResponse;
use axum::{Extension, Json};

use super::bodies::{config_text, is_multipart, json_body, read_form};
use crate::api::{ApiError, PredictRequest};
use crate::domain::ErrorCode;
use crate::server::blocking;
use crate::server::owner::Caller;
use crate::server::predictions;
use crate::server::request_budget::RequestBudget;
use crate::server::state::AppState;

/// A prediction form without a `config` part asks the pretrained model.
const DEFAULT_PREDICTION_CONFIG: &str = r#"{"model":"pretrained"}"#;

/// The pretrained model's card: data, features, held-out scores per mission.
/// `?model=pretrained_physical` for the physical model's (default: `pretrained`).
pub(super) async fn model_card(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<impl IntoResponse, ApiError> {
    let model = query.as_deref().unwrap_or("").split('&').find_map(|pair| pair.strip_prefix("model=")).unwrap_or("");
    Ok(Json(crate::server::predictions::model_card(&state.pretrained, model)?))
}

/// JSON `{"model", "rows", "mission"?}`, or multipart/form-data with a `config` part
/// (`{"model", "mission"?}`) and a `file` CSV part → predictions with explanations.
pub(super) async fn create_predictions(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    request: axum::extract::Request,
) -> Result<impl IntoResponse, ApiError> {
    let multipart = is_multipart(&request);
    if multipart {
        super::bodies::charge_large_body(&state, &caller, request.headers()).await?;
    }
    let work = state.clone();
    // Dropped with this future when the client goes away: the work then stops.
    let (budget, _client) = RequestBudget::new(state.config.prediction_budget_s);
    let response = if multipart {
        let (mut config, mut file) = (None, None);
        read_form(&state, request, Some("uploaded.csv"), |name, file_name, bytes| {
            match name {
                "config" => config = Some(config_text(&bytes)?),
                "file" => file = Some((file_name, bytes.to_vec())),
                other => {
                    return Err(ApiError::new(
                        ErrorCode::InvalidRequest,
                        format!(
                            "Unexpected form part '{}'; expected config and file.",
                            crate::api::error::shorten(other)
                        ),
                    ))
                }
            }
            Ok(())
        })
        .await?;
        let config: PredictRequest = serde_json::from_str(config.as_deref().unwrap_or(DEFAULT_PREDICTION_CONFIG))
            .map_err(|e| ApiError::new(ErrorCode::InvalidRequest, format!("The 'config' part is not valid: {e}")))?;
        let (name, bytes) = file.ok_or_else(|| {
            ApiError::new(ErrorCode::InvalidRequest, "The form has no 'file' part (the CSV table).").with_field("file")
        })?;
        blocking::run(work, move |s| predictions::predict_csv_with(s, &caller, &config, &name, bytes, &budget)).await
    } else {
        let body: PredictRequest = json_body(&state, request, "prediction request").await?;
        blocking::run(work, move |s| predictions::predict_rows_with(s, &caller, &body, &budget)).await
    };
    Ok(Json(response?))
}
