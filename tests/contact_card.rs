//! The contact card, mounted for real in headless Chromium.
#![cfg(target_arch = "wasm32")]

use cardfile::components::ContactCard;
use cardfile_core::{Attribute, Contact, Email, Phone, ProviderKind};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlElement;

wasm_bindgen_test_configure!(run_in_browser);

fn contact(name: &str) -> Contact {
    let mut c = Contact::new("eu", ProviderKind::EightByEight, "42".into());
    c.display_name = name.into();
    c.company = Some("Acme Seguros".into());
    c.phones = vec![
        Phone {
            value: "+351 21 000 0000".into(),
            normalized: "+351210000000".into(),
            label: Some("WORK".into()),
            rank: Some(2),
        },
        Phone {
            value: "+351 912 345 678".into(),
            normalized: "+351912345678".into(),
            label: Some("MOBILE".into()),
            rank: Some(0),
        },
    ];
    c.emails = vec![Email {
        value: "maria@exemplo.pt".into(),
        label: None,
    }];
    c.attributes = vec![Attribute {
        name: "Tier".into(),
        value: "gold".into(),
    }];
    c.redacted = vec!["birth_date".into()];
    c
}

/// Mounts `card` in a fresh container and returns that container.
fn mount(card: Contact) -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    leptos::mount::mount_to(
        host.clone(),
        move || view! { <ContactCard contact=card source_label="8x8 EU" /> },
    )
    .forget();
    host
}

/// Lets Leptos run the effects a DOM event scheduled (they run asynchronously).
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

fn text_of(host: &HtmlElement, selector: &str) -> Option<String> {
    host.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
}

#[wasm_bindgen_test]
fn compact_card_shows_name_company_best_phone_email_and_source() {
    let host = mount(contact("Maria Oliveira"));
    assert_eq!(text_of(&host, ".name").as_deref(), Some("Maria Oliveira"));
    assert_eq!(text_of(&host, ".company").as_deref(), Some("Acme Seguros"));
    assert_eq!(
        text_of(&host, ".phone").as_deref(),
        Some("+351 912 345 678"),
        "rank 0 is the best phone"
    );
    assert_eq!(text_of(&host, ".email").as_deref(), Some("maria@exemplo.pt"));
    assert_eq!(text_of(&host, ".badge").as_deref(), Some("8x8 EU"));
    assert!(
        host.query_selector(".details").unwrap().is_none(),
        "details stay hidden until asked for"
    );
}

#[wasm_bindgen_test]
async fn activating_the_card_shows_every_field_in_rank_order() {
    let host = mount(contact("Maria Oliveira"));
    let head: HtmlElement = host
        .query_selector(".card-head")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert_eq!(head.get_attribute("aria-expanded").as_deref(), Some("false"));
    head.click();
    settle().await;
    assert_eq!(head.get_attribute("aria-expanded").as_deref(), Some("true"));
    let details = text_of(&host, ".details").unwrap();
    let mobile = details.find("+351 912 345 678").unwrap();
    let work = details.find("+351 21 000 0000").unwrap();
    assert!(mobile < work, "phones ordered by rank: {details}");
    assert!(details.contains("MOBILE") && details.contains("WORK"));
    assert!(details.contains("Tier") && details.contains("gold"));
    assert!(details.contains("birth_date") && details.contains("redacted"));
    head.click();
    settle().await;
    assert!(
        host.query_selector(".details").unwrap().is_none(),
        "a second activation closes it"
    );
}

#[wasm_bindgen_test]
fn provider_markup_is_shown_as_text_never_parsed() {
    let hostile = "<img src=x onerror=\"window.__pwned=1\"><b>Bold</b>";
    let host = mount(contact(hostile));
    assert_eq!(text_of(&host, ".name").as_deref(), Some(hostile));
    assert!(host.query_selector("img").unwrap().is_none());
    assert!(host.query_selector(".name b").unwrap().is_none());
}
