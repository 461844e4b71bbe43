use std::sync::Arc;

use cardfile_core::MergedContact;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

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
    let mut id = String::with_capacity(32);
    id.push_str("cardfile-result-");
    // Hex by hand: this runs for every card of a thousand-card page.
    id.extend(
        (0..16)
            .rev()
            .map(|nibble| char::from_digit(((hash >> (nibble * 4)) & 0xf) as u32, 16).unwrap_or('0')),
    );
    id
}

/// One result as the list shows it: the person and the two states its card is built for.
struct Row {
    person: Arc<MergedContact>,
    open: bool,
    active: bool,
}

/// The card with DOM id `dom_id` was just toggled from its header and is being replaced: once
/// the new card is in place, give its header the focus the old one had, so keyboard users
/// stay where they were.
fn keep_focus_on_head(dom_id: String) {
    let had_focus = document()
        .active_element()
        .and_then(|e| e.closest(".card").ok().flatten())
        .is_some_and(|card| card.id() == dom_id);
    if !had_focus {
        return;
    }
    request_animation_frame(move || {
        let head = document()
            .get_element_by_id(&dom_id)
            .and_then(|card| card.query_selector(".card-head").ok().flatten())
            .and_then(|head| head.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(head) = head {
            let _ = head.focus();
        }
    });
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
    // Each card with the two states that change it: a change swaps that card (see the key).
    let rows = move || {
        let open = expanded.get();
        let active = active.get();
        search.results.with(|results| {
            results
                .iter()
                .enumerate()
                .map(|(i, person)| Row {
                    open: open.as_deref() == Some(person.key.as_str()),
                    active: active == Some(i),
                    person: Arc::clone(person),
                })
                .collect::<Vec<_>>()
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
            // Keyed by person, how many sources merged into them, and the card's state: a card
            // that stays across a keystroke or a late source is kept; opening or highlighting
            // one rebuilds only that card, so closed cards need no reactive bindings.
            <For
                each=rows
                key=|row| (row.person.key.clone(), row.person.sources.len(), row.open, row.active)
                children=move |Row { person, open, active }| {
                    let key = person.key.clone();
                    let dom_id = result_id(&key);
                    let sources = person.sources.iter().map(|s| search.label_of(s)).collect::<Vec<_>>();
                    let head_of = dom_id.clone();
                    let on_toggle = move |_| {
                        on_open.run(key.clone());
                        keep_focus_on_head(head_of.clone());
                    };
                    view! {
                        <li role="option" aria-selected=if active { "true" } else { "false" }>
                            <ContactCard person sources open active dom_id on_toggle />
                        </li>
                    }
                }
            />
        </ul>
    }
}
