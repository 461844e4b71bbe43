use leptos::prelude::*;

use super::ContactCard;
use crate::search::Search;

/// Id of the results list, for the search box's `aria-controls`.
pub const RESULTS_ID: &str = "cardfile-results";

/// DOM id of the `i`th result, for `aria-activedescendant`.
pub fn result_id(i: usize) -> String {
    format!("cardfile-result-{i}")
}

/// The people on the current page, loading placeholders, or a line saying why there are none.
#[component]
pub fn ContactList(
    search: Search,
    /// Keyboard-highlighted result.
    active: RwSignal<Option<usize>>,
    /// Key of the opened card.
    expanded: RwSignal<Option<String>>,
    #[prop(into)] on_open: Callback<String>,
) -> impl IntoView {
    let empty_message = move || {
        let shown = search.results.with(Vec::len);
        let searched_where = || {
            search
                .statuses
                .with(|s| s.iter().map(|s| s.label.as_str()).collect::<Vec<_>>().join(", "))
        };
        match search.query.get() {
            None => Some("Type a name, phone number or email.".to_owned()),
            Some(q) if shown == 0 && !search.is_busy() => Some(format!(
                "No contacts match “{}” in {}.",
                q.value(),
                searched_where()
            )),
            _ => None,
        }
    };
    let skeletons = move || {
        (search.is_busy() && search.results.with(Vec::is_empty)).then(|| {
            (0..3)
                .map(|_| view! { <li class="skeleton" aria-hidden="true"></li> })
                .collect_view()
        })
    };
    let announcement = move || match (search.query.with(Option::is_some), search.is_busy()) {
        (true, false) => format!("{} contacts found", search.results.with(Vec::len)),
        _ => String::new(),
    };
    view! {
        <p class="visually-hidden" role="status">{announcement}</p>
        {move || empty_message().map(|m| view! { <p class="empty">{m}</p> })}
        <ul class="results" id=RESULTS_ID role="listbox" aria-label="Contacts">
            {skeletons}
            <For
                each=move || search.results.get().into_iter().enumerate()
                key=|(i, m)| (*i, m.key.clone(), m.sources.len())
                children=move |(i, merged)| {
                    let key = merged.key.clone();
                    let sources = merged.sources.iter().map(|s| search.label_of(s)).collect::<Vec<_>>();
                    let open_key = key.clone();
                    let is_open = Signal::derive(move || expanded.with(|e| e.as_deref() == Some(open_key.as_str())));
                    let is_active = Signal::derive(move || active.get() == Some(i));
                    view! {
                        <li role="option" aria-selected=move || is_active.get().to_string()>
                            <ContactCard
                                contact=merged.contact
                                sources
                                open=is_open
                                active=is_active
                                dom_id=result_id(i)
                                on_toggle=move |_| on_open.run(key.clone())
                            />
                        </li>
                    }
                }
            />
        </ul>
    }
}
