//! Search box, pager and per-source status lines, mounted for real in headless Chromium.
#![cfg(target_arch = "wasm32")]

mod support;

use cardfile::components::{Nav, Pager, SearchBox, SourceStatusList};
use cardfile::{SourceState, SourceStatus};
use leptos::prelude::*;
use support::{all_text, click, find, mount, settle, text_of, wait_ms};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{HtmlInputElement, InputEvent, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    input.dispatch_event(&InputEvent::new("input").unwrap()).unwrap();
}

fn press(input: &HtmlInputElement, key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    input
        .dispatch_event(&KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn the_search_box_reports_every_edit_searches_on_enter_and_hands_keys_to_the_results() {
    let edits = RwSignal::new(Vec::<String>::new());
    let searches = RwSignal::new(Vec::<String>::new());
    let moves = RwSignal::new(Vec::<Nav>::new());
    let host = mount(move || {
        view! {
            <SearchBox
                value=RwSignal::new(String::new())
                on_type=move |q: String| edits.update(|e| e.push(q))
                on_search=move |q: String| searches.update(|s| s.push(q))
                on_navigate=move |nav: Nav| {
                    moves.update(|m| m.push(nav));
                    true
                }
                active_id=Signal::derive(|| Some("cardfile-result-0".to_owned()))
                has_results=Signal::derive(|| true)
            />
        }
    });
    let input: HtmlInputElement = find(&host, "input").unwrap().unchecked_into();
    assert_eq!(input.get_attribute("role").as_deref(), Some("combobox"));
    assert_eq!(
        input.get_attribute("aria-label").as_deref(),
        Some("Search contacts")
    );
    for partial in ["M", "Ma", "Mar", "Mari", "Maria"] {
        type_into(&input, partial);
    }
    assert_eq!(
        edits.get_untracked(),
        ["M", "Ma", "Mar", "Mari", "Maria"],
        "each edit, at once"
    );
    wait_ms(300).await;
    assert!(
        searches.get_untracked().is_empty(),
        "typing alone is no explicit search"
    );
    let form: web_sys::HtmlFormElement = find(&host, "form").unwrap().unchecked_into();
    form.request_submit().unwrap();
    assert_eq!(
        searches.get_untracked(),
        ["Maria"],
        "Enter searches the text at once"
    );
    press(&input, "ArrowDown");
    press(&input, "ArrowUp");
    press(&input, "Enter");
    press(&input, "Escape");
    assert_eq!(moves.get_untracked(), [Nav::Down, Nav::Up, Nav::Open, Nav::Clear]);
    settle().await;
    assert_eq!(
        input.get_attribute("aria-activedescendant").as_deref(),
        Some("cardfile-result-0")
    );
}

#[wasm_bindgen_test]
async fn the_pager_moves_between_pages_and_disables_what_cannot_be_done() {
    let page = RwSignal::new(0usize);
    let has_next = RwSignal::new(true);
    let host = mount(move || {
        view! {
            <Pager
                page
                has_next
                on_previous=move |_| page.update(|p| *p -= 1)
                on_next=move |_| page.update(|p| *p += 1)
            />
        }
    });
    settle().await;
    let buttons = || {
        let list = host.query_selector_all("button").unwrap();
        (0..list.length())
            .map(|i| {
                list.item(i)
                    .unwrap()
                    .unchecked_into::<web_sys::HtmlButtonElement>()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(text_of(&host, ".page-no").as_deref(), Some("Page 1"));
    assert!(buttons()[0].disabled(), "no previous page on the first");
    click(&host, "button:last-of-type");
    settle().await;
    assert_eq!(text_of(&host, ".page-no").as_deref(), Some("Page 2"));
    assert!(!buttons()[0].disabled());
    has_next.set(false);
    settle().await;
    assert!(buttons()[1].disabled(), "no next page after the last");
    click(&host, "button:first-of-type");
    settle().await;
    assert!(find(&host, ".pager").is_none(), "a single page needs no pager");
    has_next.set(true);
    settle().await;
    assert_eq!(text_of(&host, ".page-no").as_deref(), Some("Page 1"));
}

#[wasm_bindgen_test]
async fn status_lines_say_what_each_source_is_doing_and_offer_retry_on_failure() {
    let retried = RwSignal::new(Vec::<String>::new());
    let status = |id: &str, state| SourceStatus {
        id: id.into(),
        label: id.to_uppercase(),
        state,
    };
    let statuses = RwSignal::new(vec![
        status("a", SourceState::Searching),
        status(
            "b",
            SourceState::Found {
                shown: 10,
                total: Some(42),
            },
        ),
        status("c", SourceState::Failed("8x8 Connect answered HTTP 503".into())),
        status(
            "d",
            SourceState::Retrying {
                seconds: 3,
                reason: "rate-limited".into(),
            },
        ),
        status("e", SourceState::Indexing { loaded: 1200 }),
    ]);
    let host = mount(move || {
        view! { <SourceStatusList statuses on_retry=move |id: String| retried.update(|r| r.push(id)) /> }
    });
    settle().await;
    assert_eq!(
        all_text(&host, ".source-state"),
        [
            "searching…",
            "10 shown of 42",
            "8x8 Connect answered HTTP 503",
            "rate-limited — retrying in 3 s",
            "indexing… 1200 contacts read"
        ]
    );
    assert_eq!(
        all_text(&host, ".retry").len(),
        1,
        "only the failed source offers a retry"
    );
    click(&host, ".retry");
    assert_eq!(retried.get_untracked(), ["c"]);
    statuses.update(|s| {
        s[2].state = SourceState::Found {
            shown: 3,
            total: None,
        }
    });
    settle().await;
    assert!(find(&host, ".retry").is_none());
    assert_eq!(
        text_of(&host, "[data-source=c] .source-state").as_deref(),
        Some("3 found")
    );
}
