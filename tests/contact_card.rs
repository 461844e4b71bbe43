//! The contact card, mounted for real in headless Chromium.
#![cfg(target_arch = "wasm32")]

mod support;

use cardfile::components::ContactCard;
use std::sync::Arc;

use cardfile_core::{Attribute, Contact, Email, Handle, MergedContact, Phone, ProviderKind};
use leptos::prelude::*;
use support::{all_text, click, find, mount, settle, text_of};
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
    c.handles = vec![Handle {
        network: "WhatsApp".into(),
        value: "+351912345678".into(),
    }];
    c.attributes = vec![Attribute {
        name: "Tier".into(),
        value: "gold".into(),
    }];
    c.redacted = vec!["_embedded.contacts[0].contact.birth_date".into()];
    c
}

/// A card whose open state toggles like the list does it: a new card for the new state.
fn mount_card(card: Contact, sources: Vec<&'static str>) -> HtmlElement {
    let labels: Vec<String> = sources.into_iter().map(String::from).collect();
    let person = Arc::new(MergedContact {
        key: format!("{}/{}", card.source, card.id),
        sources: vec![card.source.clone()],
        members: vec![(card.source.clone(), card.id.clone())],
        contact: card,
    });
    mount(move || {
        let open = RwSignal::new(false);
        move || {
            view! {
                <ContactCard
                    person=person.clone()
                    sources=labels.clone()
                    open=open.get()
                    on_toggle=move |_| open.update(|o| *o = !*o)
                />
            }
        }
    })
}

#[wasm_bindgen_test]
fn compact_card_shows_name_company_best_phone_email_and_every_source() {
    let host = mount_card(contact("Maria Oliveira"), vec!["8x8 EU", "Talkdesk"]);
    assert_eq!(text_of(&host, ".name").as_deref(), Some("Maria Oliveira"));
    assert_eq!(text_of(&host, ".company").as_deref(), Some("Acme Seguros"));
    assert_eq!(
        text_of(&host, ".phone").as_deref(),
        Some("+351 912 345 678"),
        "rank 0 is the best phone"
    );
    assert_eq!(text_of(&host, ".email").as_deref(), Some("maria@exemplo.pt"));
    assert_eq!(all_text(&host, ".badge"), ["8x8 EU", "Talkdesk"]);
    assert!(
        find(&host, ".details").is_none(),
        "details stay hidden until asked for"
    );
}

#[wasm_bindgen_test]
async fn activating_the_card_shows_every_field_in_rank_order_with_actions() {
    let host = mount_card(contact("Maria Oliveira"), vec!["8x8 EU"]);
    let expanded =
        |host: &HtmlElement| find(host, ".card-head").and_then(|h| h.get_attribute("aria-expanded"));
    assert_eq!(expanded(&host).as_deref(), Some("false"));
    click(&host, ".card-head");
    settle().await;
    assert_eq!(expanded(&host).as_deref(), Some("true"));
    assert!(find(&host, ".card.open").is_some());
    let details = text_of(&host, ".details").unwrap();
    let mobile = details.find("+351 912 345 678").unwrap();
    let work = details.find("+351 21 000 0000").unwrap();
    assert!(mobile < work, "phones ordered by rank: {details}");
    assert!(details.contains("MOBILE") && details.contains("WORK") && details.contains("WhatsApp"));
    assert!(details.contains("Tier") && details.contains("gold"));
    assert!(details.contains("birth_date") && details.contains("redacted by the provider"));
    // Standalone (no host): calls and emails are plain tel:/mailto: links built from the values.
    let hrefs: Vec<String> = {
        let links = host.query_selector_all(".details a").unwrap();
        (0..links.length())
            .filter_map(|i| links.item(i))
            .filter_map(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
            .filter_map(|e| e.get_attribute("href"))
            .collect()
    };
    assert_eq!(
        hrefs,
        [
            "tel:+351912345678",
            "tel:+351210000000",
            "mailto:maria@exemplo.pt"
        ]
    );
    click(&host, ".card-head");
    settle().await;
    assert!(find(&host, ".details").is_none(), "a second activation closes it");
}

#[wasm_bindgen_test]
async fn provider_markup_is_shown_as_text_never_parsed_and_never_linked() {
    let hostile = "<img src=x onerror=\"window.__pwned=1\"><b>Bold</b>";
    let mut c = contact(hostile);
    c.phones[1].value = "+1 555<script>".into();
    c.emails[0].value = "a@x.pt?bcc=evil@x.com".into();
    let host = mount_card(c, vec!["x"]);
    click(&host, ".card-head");
    settle().await;
    assert_eq!(text_of(&host, ".name").as_deref(), Some(hostile));
    assert!(find(&host, "img").is_none() && find(&host, "b").is_none() && find(&host, "script").is_none());
    let links = host.query_selector_all("a").unwrap();
    for i in 0..links.length() {
        let href = wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(links.item(i).unwrap())
            .unwrap()
            .get_attribute("href")
            .unwrap();
        assert!(!href.contains('<') && !href.contains('?'), "unsafe link {href}");
    }
}
