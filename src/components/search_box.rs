use std::time::Duration;

use leptos::prelude::*;

/// Wait after the last keystroke before searching: short enough to feel live, long enough not
/// to send a request per key.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// The one search box. Typing searches after a short pause; Enter searches at once.
#[component]
pub fn SearchBox(#[prop(into)] initial: String, #[prop(into)] on_search: Callback<String>) -> impl IntoView {
    let (value, set_value) = signal(initial);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let cancel_pending = move || {
        pending.update_value(|handle| {
            if let Some(h) = handle.take() {
                h.clear();
            }
        })
    };
    let on_input = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        set_value.set(text.clone());
        cancel_pending();
        let handle = set_timeout_with_handle(move || on_search.run(text), DEBOUNCE).ok();
        pending.set_value(handle);
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        cancel_pending();
        on_search.run(value.get_untracked());
    };
    view! {
        <form class="search" role="search" on:submit=on_submit>
            <input
                type="search"
                aria-label="Search contacts"
                placeholder="Name, phone or email"
                autocomplete="off"
                spellcheck="false"
                prop:value=value
                on:input=on_input
            />
        </form>
    }
}
