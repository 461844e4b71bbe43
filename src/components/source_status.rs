use leptos::prelude::*;

use crate::search::{SourceState, SourceStatus};

/// One line per source: searching, how many found, or what failed with a way to retry.
#[component]
pub fn SourceStatusList(
    #[prop(into)] statuses: Signal<Vec<SourceStatus>>,
    #[prop(into)] on_retry: Callback<String>,
) -> impl IntoView {
    view! {
        <ul class="sources" aria-label="Sources">
            {move || {
                statuses
                    .get()
                    .into_iter()
                    .map(|status| view! { <SourceLine status on_retry /> })
                    .collect_view()
            }}
        </ul>
    }
}

#[component]
fn SourceLine(status: SourceStatus, on_retry: Callback<String>) -> impl IntoView {
    let SourceStatus { id, label, state } = status;
    let (class, text) = match &state {
        SourceState::Idle => ("idle", String::new()),
        SourceState::Searching => ("busy", "searching…".to_owned()),
        SourceState::Indexing { loaded } => ("busy", format!("indexing… {loaded} contacts read")),
        SourceState::Retrying { seconds, reason } => ("busy", format!("{reason} — retrying in {seconds} s")),
        SourceState::Found {
            shown,
            total: Some(total),
        } => ("ok", format!("{shown} shown of {total}")),
        SourceState::Found { shown, total: None } => ("ok", format!("{shown} found")),
        SourceState::Exhausted => ("ok", "no more results".to_owned()),
        SourceState::Failed(message) => ("error", message.clone()),
    };
    let failed = matches!(state, SourceState::Failed(_));
    let retry_id = id.clone();
    view! {
        <li class=format!("source {class}") data-source=id>
            <span class="source-label">{label}</span>
            " "
            <span class="source-state">{text}</span>
            {failed
                .then(|| {
                    view! {
                        <button class="retry" on:click=move |_| on_retry.run(retry_id.clone())>
                            "Retry"
                        </button>
                    }
                })}
        </li>
    }
}
