//! Log output: human-readable lines by default, JSON lines with `EXO_LOG_FORMAT=json` (for
//! log collectors). The filter is `RUST_LOG` (default `info,tower_http=info`). Each request's
//! lines carry its `request_id` (the span the trace layer opens, see `serving`).

/// Installs the process's log subscriber; a second call does nothing.
pub fn init() {
    let filter =
        tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=info".into());
    let format = std::env::var("EXO_LOG_FORMAT").unwrap_or_default();
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let installed = match format.trim().to_ascii_lowercase().as_str() {
        "json" => builder.json().with_current_span(true).with_span_list(false).try_init(),
        _ => builder.try_init(),
    };
    if installed.is_ok() && !matches!(format.trim().to_ascii_lowercase().as_str(), "" | "json" | "text") {
        tracing::warn!(value = format, "EXO_LOG_FORMAT is 'text' or 'json'; using text");
    }
}
