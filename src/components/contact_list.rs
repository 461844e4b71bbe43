use leptos::prelude::*;

use super::ContactCard;
use crate::search::Search;

/// The cards of the current page, or a line saying why there are none.
#[component]
pub fn ContactList(search: Search) -> impl IntoView {
    let label_of = move |source_id: &str| {
        search
            .sources
            .with_untracked(|s| s.iter().find(|s| s.id == source_id).map(|s| s.label.clone()))
            .unwrap_or_else(|| source_id.to_owned())
    };
    let empty_message = move || {
        let query = search.query.get();
        let contacts_shown = search.contacts().len();
        let busy = search
            .statuses
            .with(|s| s.iter().any(|s| s.state == crate::search::SourceState::Searching));
        match query {
            None => Some("Type a name, phone number or email.".to_owned()),
            Some(q) if contacts_shown == 0 && !busy => Some(format!("No contacts match “{}”.", q.value())),
            _ => None,
        }
    };
    view! {
        {move || empty_message().map(|m| view! { <p class="empty">{m}</p> })}
        <ul class="results" aria-label="Contacts">
            <For
                each=move || search.contacts()
                key=|c| (c.source.clone(), c.id.clone())
                children=move |contact| {
                    let label = label_of(&contact.source);
                    view! {
                        <li>
                            <ContactCard contact source_label=label />
                        </li>
                    }
                }
            />
        </ul>
    }
}
