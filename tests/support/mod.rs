//! Mounting components into the real DOM of headless Chromium, and waiting for Leptos.
#![allow(dead_code)]

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// Mounts `view` in a fresh container appended to the body and returns the container.
pub fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    leptos::mount::mount_to(host.clone(), view).forget();
    host
}

/// Waits `ms` milliseconds of real time, letting Leptos run what DOM events scheduled.
pub async fn wait_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

pub async fn settle() {
    wait_ms(0).await;
}

pub fn find(host: &HtmlElement, selector: &str) -> Option<Element> {
    host.query_selector(selector).unwrap()
}

pub fn text_of(host: &HtmlElement, selector: &str) -> Option<String> {
    find(host, selector).and_then(|e| e.text_content())
}

pub fn all_text(host: &HtmlElement, selector: &str) -> Vec<String> {
    let list = host.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.text_content())
        .collect()
}

pub fn click(host: &HtmlElement, selector: &str) {
    find(host, selector)
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
}
