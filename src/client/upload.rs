//! Uploading tables from the pages: inspect a file for the mapping form and predict a file
//! (the multipart routes of `/api/v1`), and start a training with its files (the train
//! form's multipart server function).
// On the server a picked file is `()` (files live only in the browser), so passing and
// cloning it there is a no-op that clippy flags; the browser build is checked without this.
#![cfg_attr(not(feature = "hydrate"), allow(clippy::unit_arg, clippy::clone_on_copy, clippy::let_unit_value))]

use crate::api::{ApiError, PredictionResponse, StartedTraining, UploadInspection};
use crate::domain::ErrorCode;

/// A file the user picked, held by the page until it is sent.
#[cfg(feature = "hydrate")]
pub type PickedFile = web_sys::File;
#[cfg(not(feature = "hydrate"))]
pub type PickedFile = ();

/// Picked files live only in the browser (a `web_sys::File` must stay on its thread); the
/// server renders the page with `()` in their place, which any thread may drop.
#[cfg(feature = "hydrate")]
pub type FileStorage = leptos::prelude::LocalStorage;
#[cfg(not(feature = "hydrate"))]
pub type FileStorage = leptos::prelude::SyncStorage;

/// POST /api/v1/uploads/inspect with the file.
pub async fn inspect(file: PickedFile) -> Result<UploadInspection, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        let form = web_sys::FormData::new().map_err(js_error)?;
        form.append_with_blob_and_filename("file", &file, &file.name()).map_err(js_error)?;
        send("/api/v1/uploads/inspect", form).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = file;
        Err(browser_only())
    }
}

/// Starts a training on the user's files through the train form's multipart server function
/// (`submit_train_form`): `config` (the request JSON), `train_file`, `test_file`.
pub async fn start(config: String, train: PickedFile, test: Option<PickedFile>) -> Result<StartedTraining, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        let form = web_sys::FormData::new().map_err(js_error)?;
        form.append_with_str("config", &config).map_err(js_error)?;
        form.append_with_blob_and_filename("train_file", &train, &train.name()).map_err(js_error)?;
        if let Some(test) = test {
            form.append_with_blob_and_filename("test_file", &test, &test.name()).map_err(js_error)?;
        }
        crate::api::functions::submit_train_form(form.into()).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (config, train, test);
        Err(browser_only())
    }
}

/// POST /api/v1/predictions as multipart: `config` (`{"model": …}`) and `file`.
/// `columns`: the user's column choice for a table that is not recognised.
pub async fn predict_file(
    file: PickedFile,
    model: String,
    columns: Option<std::collections::BTreeMap<String, String>>,
) -> Result<PredictionResponse, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        let form = web_sys::FormData::new().map_err(js_error)?;
        form.append_with_str("config", &serde_json::json!({ "model": model, "columns": columns }).to_string())
            .map_err(js_error)?;
        form.append_with_blob_and_filename("file", &file, &file.name()).map_err(js_error)?;
        send("/api/v1/predictions", form).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (file, model, columns);
        Err(browser_only())
    }
}

/// The chosen file of an `<input type="file">` change event.
#[cfg(feature = "hydrate")]
pub fn picked(ev: &leptos::ev::Event) -> Option<PickedFile> {
    use wasm_bindgen::JsCast;
    let input: web_sys::HtmlInputElement = ev.target()?.dyn_into().ok()?;
    input.files()?.get(0)
}

#[cfg(not(feature = "hydrate"))]
pub fn picked(_ev: &leptos::ev::Event) -> Option<PickedFile> {
    None
}

#[cfg(feature = "hydrate")]
async fn send<T: serde::de::DeserializeOwned>(url: &str, form: web_sys::FormData) -> Result<T, ApiError> {
    use wasm_bindgen::JsCast;
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&form);
    let window = web_sys::window().ok_or_else(|| ApiError::new(ErrorCode::Network, "No browser window."))?;
    let response: web_sys::Response = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| {
            ApiError::new(ErrorCode::Network, "The server could not be reached; check the connection and try again.")
        })?
        .dyn_into()
        .map_err(js_error)?;
    let text = wasm_bindgen_futures::JsFuture::from(response.text().map_err(js_error)?)
        .await
        .map_err(js_error)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&text)
            .map_err(|e| ApiError::new(ErrorCode::Network, format!("Unexpected answer from the server: {e}")))
    } else {
        #[derive(serde::Deserialize)]
        struct Body {
            error: ApiError,
        }
        Err(serde_json::from_str::<Body>(&text).map(|b| b.error).unwrap_or_else(|_| {
            ApiError::new(ErrorCode::Network, format!("The server answered {}.", response.status()))
        }))
    }
}

#[cfg(feature = "hydrate")]
fn js_error(_: wasm_bindgen::JsValue) -> ApiError {
    ApiError::new(ErrorCode::Network, "The browser could not prepare the upload.")
}

#[cfg(not(feature = "hydrate"))]
fn browser_only() -> ApiError {
    ApiError::new(ErrorCode::InvalidRequest, "Uploading needs the page running in a browser.")
}
