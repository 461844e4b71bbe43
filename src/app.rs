use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{RuntimeConfig, SourceConfig, load_config};
use crate::components::{ContactList, Pager, SearchBox, SourceStatusList};
use crate::params::Params;
use crate::search::Search;

/// The whole widget.
#[component]
pub fn App() -> impl IntoView {
    let search = Search::new();
    let (problem, set_problem) = signal(None::<String>);
    let params = Params::from_location();
    let initial = params
        .as_ref()
        .ok()
        .and_then(|p| p.query.clone())
        .unwrap_or_default();
    spawn_local(async move {
        let started = load_config().await.and_then(|config| {
            let params = params?;
            let sources = select_sources(config, params.sources.as_deref())?;
            Ok((sources, params.query))
        });
        match started {
            Ok((sources, query)) => {
                search.sources.set(sources);
                if let Some(q) = query {
                    search.submit(&q);
                }
            }
            Err(message) => set_problem.set(Some(message)),
        }
    });
    view! {
        <main class="cardfile">
            <SearchBox initial on_search=move |q: String| search.submit(&q) />
            {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
            <SourceStatusList search />
            <ContactList search />
            <Pager search />
        </main>
    }
}

/// The configured sources, narrowed to `wanted` ids when the URL names some.
fn select_sources(config: RuntimeConfig, wanted: Option<&[String]>) -> Result<Vec<SourceConfig>, String> {
    let Some(wanted) = wanted else {
        return Ok(config.sources);
    };
    if let Some(unknown) = wanted
        .iter()
        .find(|id| !config.sources.iter().any(|s| &&s.id == id))
    {
        let known = config
            .sources
            .iter()
            .map(|s| s.id.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return Err(format!(
            "URL parameter sources names `{unknown}`, which is not configured (configured: {known})"
        ));
    }
    Ok(config
        .sources
        .into_iter()
        .filter(|s| wanted.contains(&s.id))
        .collect())
}
