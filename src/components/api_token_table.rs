//! The account's API tokens as a table: name, when created and last used, and a button to
//! revoke each.

use leptos::prelude::*;

use crate::api::{ApiError, ApiTokenInfo};

/// `revoke` is dispatched with a token's id; `format_time` turns Unix milliseconds into the
/// date shown.
#[component]
pub fn ApiTokenTable(
    tokens: Vec<ApiTokenInfo>,
    revoke: Action<String, Result<(), ApiError>>,
    format_time: fn(u64) -> String,
) -> impl IntoView {
    view! {
        <div class="table-scroll">
            <table data-testid="tokens">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Revoke"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {tokens
                        .into_iter()
                        .map(|t| {
                            let id = t.id.clone();
                            let label = format!("Revoke the token {}", t.name);
                            view! {
                                <tr>
                                    <th scope="row">{t.name}</th>
                                    <td>{format_time(t.created_at)}</td>
                                    <td>{t.last_used_at.map(format_time).unwrap_or_else(|| "never".into())}</td>
                                    <td>
                                        <button
                                            type="button"
                                            class="button button-small"
                                            aria-label=label
                                            on:click=move |_| {
                                                revoke.dispatch(id.clone());
                                            }
                                        >
                                            "Revoke"
                                        </button>
                                    </td>
                                </tr>
                            }
                        })
                        .collect::<Vec<_>>()}
                </tbody>
            </table>
        </div>
    }
}
