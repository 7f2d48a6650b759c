//! The train form's file pickers for a browser running no WebAssembly.

use leptos::prelude::*;

/// Inside `<noscript>`, set as raw HTML: a browser with scripts off shows (and posts) these
/// inputs; with scripts on they are inert text and the interactive `UploadPanel` is used.
const FILE_INPUTS: &str = r#"<div class="upload-panel upload-panel-plain">
<p class="field-help">For "Your own table": the archive's KOI, TOI or K2 export, as downloaded (mapping the columns of any other table needs JavaScript).</p>
<div class="field"><label for="train-file-plain">Training table (CSV, UTF-8)</label>
<input id="train-file-plain" name="train_file" type="file" accept=".csv,text/csv"></div>
<div class="field"><label for="test-file-plain">Test table (optional)</label>
<input id="test-file-plain" name="test_file" type="file" accept=".csv,text/csv"></div>
</div>"#;

/// The file inputs of the plain (no-JavaScript) train form.
#[component]
pub fn NoScriptUpload() -> impl IntoView {
    view! { <noscript inner_html=FILE_INPUTS></noscript> }
}
