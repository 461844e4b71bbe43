use leptos::prelude::*;

/// Previous / next over the results of every source together; hidden when there is only one
/// page.
#[component]
pub fn Pager(
    /// 0-based current page.
    #[prop(into)]
    page: Signal<usize>,
    #[prop(into)] has_next: Signal<bool>,
    #[prop(into)] on_previous: Callback<()>,
    #[prop(into)] on_next: Callback<()>,
) -> impl IntoView {
    let visible = move || page.get() > 0 || has_next.get();
    view! {
        <Show when=visible>
            <nav class="pager" aria-label="Result pages">
                <button disabled=move || page.get() == 0 on:click=move |_| on_previous.run(())>
                    "Previous"
                </button>
                <span class="page-no">{move || format!("Page {}", page.get() + 1)}</span>
                <button disabled=move || !has_next.get() on:click=move |_| on_next.run(())>
                    "Next"
                </button>
            </nav>
        </Show>
    }
}
