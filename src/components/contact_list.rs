use leptos::prelude::*;

use super::ContactCard;
use crate::search::Search;

/// Id of the results list, for the search box's `aria-controls`.
pub const RESULTS_ID: &str = "cardfile-results";

/// DOM id of the result with merge key `key`, for `aria-activedescendant`. Derived from the
/// key, so a card kept across result changes keeps its id; hashed, so no provider text ends
/// up in an attribute.
pub fn result_id(key: &str) -> String {
    // FNV-1a: tiny, stable, and collisions among one page's keys are vanishingly unlikely.
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("cardfile-result-{hash:016x}")
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
    let active_key = Memo::new(move |_| {
        active
            .get()
            .and_then(|i| search.results.with(|r| r.get(i).map(|m| m.key.clone())))
    });
    let announcement = move || match (search.query.with(Option::is_some), search.is_busy()) {
        (true, false) => format!("{} contacts found", search.results.with(Vec::len)),
        _ => String::new(),
    };
    view! {
        <p class="visually-hidden" role="status">{announcement}</p>
        {move || empty_message().map(|m| view! { <p class="empty">{m}</p> })}
        <ul class="results" id=RESULTS_ID role="listbox" aria-label="Contacts">
            {skeletons}
            // Keyed by person (and how many sources merged into them): a card that stays in the
            // results across a keystroke or a late source is kept, not rebuilt.
            <For
                each=move || search.results.get()
                key=|m| (m.key.clone(), m.sources.len())
                children=move |merged| {
                    let key = merged.key.clone();
                    let sources = merged.sources.iter().map(|s| search.label_of(s)).collect::<Vec<_>>();
                    let open_key = key.clone();
                    let is_open = Signal::derive(move || expanded.with(|e| e.as_deref() == Some(open_key.as_str())));
                    let active_is = key.clone();
                    let is_active = Signal::derive(move || active_key.with(|k| k.as_deref() == Some(active_is.as_str())));
                    view! {
                        <li role="option" aria-selected=move || is_active.get().to_string()>
                            <ContactCard
                                contact=merged.contact.clone()
                                sources
                                open=is_open
                                active=is_active
                                dom_id=result_id(&key)
                                on_toggle=move |_| on_open.run(key.clone())
                            />
                        </li>
                    }
                }
            />
        </ul>
    }
}
