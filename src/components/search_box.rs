use leptos::html::Input;
use leptos::prelude::*;

use super::contact_list::RESULTS_ID;

/// Keyboard moves the search box hands to the results (combobox pattern).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Down,
    Up,
    /// Enter with a highlighted result: open it.
    Open,
    /// Escape: clear the search.
    Clear,
}

/// The one search box. Every edit is reported at once (`on_type`; the search decides what
/// waits for a pause); Enter searches (or opens the highlighted result); arrows move through
/// results; Escape clears.
#[component]
pub fn SearchBox(
    value: RwSignal<String>,
    /// Every edit of the text.
    #[prop(into)]
    on_type: Callback<String>,
    /// Enter without a highlighted result.
    #[prop(into)]
    on_search: Callback<String>,
    #[prop(into)] on_navigate: Callback<Nav, bool>,
    /// DOM id of the highlighted result.
    #[prop(into)]
    active_id: Signal<Option<String>>,
    #[prop(into)] has_results: Signal<bool>,
    #[prop(optional)] input_ref: NodeRef<Input>,
) -> impl IntoView {
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        value.set(text.clone());
        on_type.run(text);
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let nav = match ev.key().as_str() {
            "ArrowDown" => Nav::Down,
            "ArrowUp" => Nav::Up,
            "Enter" => Nav::Open,
            "Escape" => Nav::Clear,
            _ => return,
        };
        // The navigation handled the key (e.g. Enter opened a result): the form must not submit.
        if on_navigate.run(nav) {
            ev.prevent_default();
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_search.run(value.get_untracked());
    };
    view! {
        <form class="search" role="search" on:submit=on_submit>
            <input
                node_ref=input_ref
                type="search"
                role="combobox"
                aria-label="Search contacts"
                aria-autocomplete="list"
                aria-controls=RESULTS_ID
                aria-expanded=move || has_results.get().to_string()
                aria-activedescendant=move || active_id.get()
                aria-keyshortcuts="/"
                placeholder="Name, phone or email  ( / )"
                autocomplete="off"
                spellcheck="false"
                prop:value=value
                on:input=on_input
                on:keydown=on_keydown
            />
        </form>
    }
}
