use std::sync::Arc;
use std::time::Duration;

use cardfile_core::{MergedContact, Query};
use leptos::html::Input;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::api::{SourceConfig, load_config};
use crate::bridge::{Host, HostMessage, WidgetMessage};
use crate::components::{Actions, ContactList, Nav, Pager, SearchBox, SourceStatusList, result_id};
use crate::params::Params;
use crate::screen_pop::{self, PopState};
use crate::search::Search;
use crate::theme;

/// The query, page and people last shown.
type Shown = (Option<Query>, usize, Vec<Arc<MergedContact>>);

/// The whole widget.
#[component]
pub fn App() -> impl IntoView {
    let search = Search::new();
    let value = RwSignal::new(String::new());
    let active = RwSignal::new(None::<usize>);
    let expanded = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let pop = RwSignal::new(PopState::None);
    let host = StoredValue::new(None::<Host>);
    let input_ref = NodeRef::<Input>::new();
    // Cards read this when they render; it changes once, when the host is connected.
    let actions = RwSignal::new(Actions::Standalone);
    provide_context(actions);

    let params = Params::from_location();
    if let Ok(p) = &params {
        if let Some(mode) = p.theme {
            theme::set_mode(mode);
        }
        if let Some(lang) = &p.lang {
            theme::set_lang(lang);
        }
        value.set(p.phone.clone().or_else(|| p.query.clone()).unwrap_or_default());
    }

    // A new query or page starts with nothing highlighted. When the same results change (a
    // late source, a refreshed index), the highlighted person stays highlighted and the open
    // card open, wherever they moved and even if a late source's contact merged in ahead and
    // gave them a new key: an agent arrowing through the list is not sent back to the top.
    Effect::new(move |previous: Option<Shown>| {
        let query = search.query.get();
        let page = search.page.get();
        let results = search.results.get();
        let kept = previous
            .filter(|(q, p, _)| *q == query && *p == page)
            .and_then(|(_, _, old)| {
                let key = &old.get(active.get_untracked()?)?.key;
                results.iter().position(|m| m.answers_to(key))
            });
        if active.get_untracked() != kept {
            active.set(kept);
        }
        let moved = expanded.with_untracked(|open| {
            let open = open.as_deref()?;
            let person = results.iter().find(|m| m.answers_to(open))?;
            (person.key != open).then(|| person.key.clone())
        });
        if let Some(key) = moved {
            expanded.set(Some(key));
        }
        (query, page, results)
    });

    let send = move |message: WidgetMessage| host.with_value(|h| h.as_ref().map(|h| h.send(&message)));
    let open = move |key: String| {
        let opening = expanded.with_untracked(|e| e.as_deref() != Some(key.as_str()));
        expanded.set(opening.then(|| key.clone()));
        if !opening {
            return;
        }
        if let PopState::Picking { phone, .. } = pop.get_untracked() {
            screen_pop::remember_pick(&phone, &key);
            pop.set(PopState::None);
        }
        search.results.with_untracked(|results| {
            if let Some(m) = results.iter().find(|m| m.key == key) {
                send(WidgetMessage::Select { contact: &m.contact });
            }
        });
    };
    let finish_pop = move || {
        let PopState::Waiting { phone } = pop.get_untracked() else {
            return;
        };
        let remembered = screen_pop::remembered_pick(&phone);
        let (key, state) = search
            .results
            .with_untracked(|r| screen_pop::resolve(&phone, r, remembered.as_deref()));
        pop.set(state);
        if let Some(key) = key {
            open(key);
        }
    };
    let start_pop = move |phone: String| {
        value.set(phone.clone());
        expanded.set(None);
        pop.set(PopState::Waiting { phone: phone.clone() });
        search.submit(&phone);
        set_timeout(finish_pop, Duration::from_millis(screen_pop::BUDGET_MS));
    };
    // Every source answered before the budget ran out: no need to wait longer.
    Effect::new(move |_| {
        if matches!(pop.get(), PopState::Waiting { .. }) && search.settled() {
            finish_pop();
        }
    });

    let navigate = move |nav: Nav| -> bool {
        let count = search.results.with_untracked(Vec::len);
        match nav {
            Nav::Down if count > 0 => active.update(|a| *a = Some(a.map_or(0, |i| (i + 1).min(count - 1)))),
            Nav::Up => active.update(|a| *a = a.and_then(|i| i.checked_sub(1))),
            Nav::Open => {
                let Some(i) = active.get_untracked() else {
                    return false;
                };
                let Some(key) = search.results.with_untracked(|r| r.get(i).map(|m| m.key.clone())) else {
                    return false;
                };
                open(key);
            }
            Nav::Clear => {
                value.set(String::new());
                expanded.set(None);
                pop.set(PopState::None);
                search.submit("");
            }
            Nav::Down => return false,
        }
        let active_key = active
            .get_untracked()
            .and_then(|i| search.results.with_untracked(|r| r.get(i).map(|m| m.key.clone())));
        if let Some(key) = active_key {
            scroll_into_view(&result_id(&key));
        }
        true
    };

    let handle_host = move |message: HostMessage| match message {
        HostMessage::Search { query } => {
            value.set(query.clone());
            search.submit(&query);
        }
        HostMessage::ScreenPop { phone } => start_pop(phone),
        HostMessage::Theme { mode, tokens } => {
            if let Some(mode) = mode {
                theme::set_mode(mode);
            }
            theme::set_tokens(&tokens);
        }
        HostMessage::Config { sources } => {
            let all = search.configured.get_untracked();
            match select_sources(&all, Some(&sources)) {
                Ok(selected) => search.set_sources(selected),
                Err(message) => problem.set(Some(message)),
            }
        }
    };

    spawn_local(async move {
        let config = match load_config().await {
            Ok(config) => config,
            Err(message) => return problem.set(Some(message)),
        };
        let params = match params {
            Ok(params) => params,
            Err(message) => return problem.set(Some(message)),
        };
        search.configured.set(config.sources.clone());
        match select_sources(&config.sources, params.sources.as_deref()) {
            Ok(sources) => search.set_sources(sources),
            Err(message) => return problem.set(Some(message)),
        }
        if let Some(origin) = &params.host_origin {
            match Host::connect(origin, &config.allowed_origins) {
                Ok(connected) => {
                    connected.listen(handle_host, |reason| {
                        leptos::logging::warn!("cardfile: refused a host message: {reason}");
                    });
                    actions.set(Actions::Hosted(connected.clone()));
                    let ids: Vec<String> = search
                        .sources
                        .with_untracked(|s| s.iter().map(|s| s.id.clone()).collect());
                    connected.send(&WidgetMessage::Ready {
                        sources: ids.iter().map(String::as_str).collect(),
                    });
                    host.set_value(Some(connected));
                }
                Err(message) => problem.set(Some(message)),
            }
        }
        if let Some(phone) = params.phone {
            start_pop(phone);
        } else if let Some(q) = params.query {
            search.submit(&q);
        }
    });

    // `/` anywhere but in a text field jumps to the search box.
    let _ = window_event_listener(leptos::ev::keydown, move |ev| {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| matches!(e.tag_name().as_str(), "INPUT" | "TEXTAREA"));
        if ev.key() == "/"
            && !typing
            && let Some(input) = input_ref.get_untracked()
        {
            ev.prevent_default();
            let _ = input.focus();
        }
    });

    // Tell the host how tall the content is, so it can size the frame.
    Effect::new(move |_| {
        search.results.track();
        expanded.track();
        request_animation_frame(move || {
            let height = document().body().map(|b| b.scroll_height()).unwrap_or_default();
            send(WidgetMessage::Resize {
                height: u32::try_from(height).unwrap_or_default(),
            });
        });
    });

    view! {
        <main class="cardfile">
            <SearchBox
                value
                input_ref
                on_type=move |q: String| {
                    pop.set(PopState::None);
                    search.type_ahead(&q)
                }
                on_search=move |q: String| {
                    pop.set(PopState::None);
                    search.submit(&q)
                }
                on_navigate=navigate
                active_id=Signal::derive(move || {
                    active
                        .get()
                        .and_then(|i| search.results.with(|r| r.get(i).map(|m| result_id(&m.key))))
                })
                has_results=Signal::derive(move || search.results.with(|r| !r.is_empty()))
            />
            {move || problem.get().map(|p| view! { <p class="banner error" role="alert">{p}</p> })}
            <ScreenPopBanner pop />
            <SourceStatusList statuses=search.statuses on_retry=move |id: String| search.retry(&id) />
            <ContactList search active expanded on_open=open />
            <Pager
                page=search.page
                has_next=Signal::derive(move || search.has_next())
                on_previous=move |_| search.previous_page()
                on_next=move |_| search.next_page()
            />
        </main>
    }
}

/// What a screen pop is doing, when it needs the agent's attention.
#[component]
fn ScreenPopBanner(pop: RwSignal<PopState>) -> impl IntoView {
    move || {
        let text = match pop.get() {
            PopState::None => return None,
            PopState::Waiting { phone } => format!("Incoming call from {phone}: looking up the caller…"),
            PopState::Picking { phone, matches } => {
                format!("Incoming call from {phone}: {matches} people match — open the caller's card.")
            }
            PopState::NotFound { phone } => {
                format!("Incoming call from {phone}: no contact has this number.")
            }
        };
        Some(view! { <p class="banner pop" role="status">{text}</p> })
    }
}

fn scroll_into_view(id: &str) {
    if let Some(element) = document().get_element_by_id(id) {
        element.scroll_into_view_with_bool(false);
    }
}

/// The configured sources, narrowed to `wanted` ids when given.
fn select_sources(all: &[SourceConfig], wanted: Option<&[String]>) -> Result<Vec<SourceConfig>, String> {
    let Some(wanted) = wanted else {
        return Ok(all.to_vec());
    };
    if let Some(unknown) = wanted.iter().find(|id| !all.iter().any(|s| &&s.id == id)) {
        let known = all.iter().map(|s| s.id.as_str()).collect::<Vec<_>>().join(", ");
        return Err(format!(
            "sources names `{unknown}`, which is not configured (configured: {known})"
        ));
    }
    Ok(all.iter().filter(|s| wanted.contains(&s.id)).cloned().collect())
}
