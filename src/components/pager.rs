use leptos::prelude::*;

use crate::search::Search;

/// Previous / next over the results of every source together.
#[component]
pub fn Pager(search: Search) -> impl IntoView {
    let visible = move || search.query.with(Option::is_some) && (search.page.get() > 0 || search.has_next());
    view! {
        <Show when=visible>
            <nav class="pager" aria-label="Result pages">
                <button disabled=move || search.page.get() == 0 on:click=move |_| search.previous_page()>
                    "Previous"
                </button>
                <span class="page-no">{move || format!("Page {}", search.page.get() + 1)}</span>
                <button disabled=move || !search.has_next() on:click=move |_| search.next_page()>
                    "Next"
                </button>
            </nav>
        </Show>
    }
}
