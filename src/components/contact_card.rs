use std::sync::Arc;

use cardfile_core::{Address, MergedContact};
use leptos::prelude::*;

use super::actions::{Channel, ContactActions};

/// One person: name, company, best phone and email, and a badge per source that knows them.
/// Activating the header (click, Enter or Space) asks for everything the sources know.
///
/// The card is static: its open and highlighted states are props, and the list swaps the one
/// card whose state changed. A page of a thousand cards then holds no reactive node per card.
#[component]
pub fn ContactCard(
    person: Arc<MergedContact>,
    /// Labels of the sources this person was found in.
    sources: Vec<String>,
    /// Showing every detail.
    #[prop(optional)]
    open: bool,
    /// Highlighted by keyboard navigation.
    #[prop(optional)]
    active: bool,
    #[prop(into)] on_toggle: Callback<()>,
    #[prop(into, optional)] dom_id: Option<String>,
) -> impl IntoView {
    let contact = &person.contact;
    let best_phone = contact.best_phone().map(|p| p.value.clone());
    let best_email = contact.best_email().map(|e| e.value.clone());
    let name = contact.display_name.clone();
    let company = contact.company.clone();
    let badges = sources
        .into_iter()
        .map(|label| view! { <span class="badge">{label}</span> })
        .collect_view();
    let class = match (open, active) {
        (false, false) => "card",
        (true, false) => "card open",
        (false, true) => "card active",
        (true, true) => "card open active",
    };
    let details = open.then(|| view! { <ContactDetails person=person.clone() /> });
    view! {
        <article class=class id=dom_id>
            <button class="card-head" aria-expanded=if open { "true" } else { "false" } on:click=move |_| on_toggle.run(())>
                <span class="name">{name}</span>
                <span class="badges">{badges}</span>
            </button>
            {company.map(|c| view! { <div class="company">{c}</div> })}
            <div class="summary">
                {best_phone.map(|p| view! { <span class="phone">{p}</span> })}
                {best_email.map(|e| view! { <span class="email">{e}</span> })}
            </div>
            {details}
        </article>
    }
}

/// Everything the sources know about a person, as text, with actions on each way to reach them.
#[component]
fn ContactDetails(person: Arc<MergedContact>) -> impl IntoView {
    let contact = &person.contact;
    let mut phones = contact.phones.clone();
    phones.sort_by_key(|p| p.rank.unwrap_or(u32::MAX));
    let reachable = phones
        .into_iter()
        .map(|p| (p.label.unwrap_or_else(|| "Phone".into()), p.value, Channel::Phone))
        .chain(contact.emails.iter().map(|e| {
            (
                e.label.clone().unwrap_or_else(|| "Email".into()),
                e.value.clone(),
                Channel::Email,
            )
        }))
        .chain(contact.handles.iter().map(|h| {
            (
                h.network.clone(),
                h.value.clone(),
                Channel::Handle(h.network.clone()),
            )
        }))
        .map(|(label, value, channel)| {
            let contact = contact.clone();
            view! {
                <dt>{label}</dt>
                <dd>
                    <span class="value">{value.clone()}</span>
                    <ContactActions channel value contact />
                </dd>
            }
        })
        .collect_view();
    let facts = contact
        .addresses
        .iter()
        .map(|a| (a.label.clone().unwrap_or_else(|| "Address".into()), one_line(a)))
        .chain((!contact.groups.is_empty()).then(|| ("Groups".to_owned(), contact.groups.join(", "))))
        .chain(
            contact
                .attributes
                .iter()
                .map(|a| (a.name.clone(), a.value.clone())),
        )
        .map(|(label, value)| {
            view! {
                <dt>{label}</dt>
                <dd>{value}</dd>
            }
        })
        .collect_view();
    let redacted = contact
        .redacted
        .iter()
        .map(|path| {
            let field = path.rsplit('.').next().unwrap_or(path).to_owned();
            view! {
                <dt>{field}</dt>
                <dd class="redacted">"redacted by the provider"</dd>
            }
        })
        .collect_view();
    view! { <dl class="details">{reachable} {facts} {redacted}</dl> }
}

fn one_line(a: &Address) -> String {
    [
        &a.street,
        &a.district,
        &a.city,
        &a.state,
        &a.postal_code,
        &a.country,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect::<Vec<_>>()
    .join(", ")
}
