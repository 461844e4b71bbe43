use cardfile_core::{Address, Contact};
use leptos::prelude::*;

use super::actions::{Channel, ContactActions};

/// One person: name, company, best phone and email, and a badge per source that knows them.
/// Activating the header (click, Enter or Space) shows everything the sources know.
#[component]
pub fn ContactCard(
    contact: Contact,
    /// Labels of the sources this person was found in.
    sources: Vec<String>,
    #[prop(into)] open: Signal<bool>,
    #[prop(into)] on_toggle: Callback<()>,
    /// Highlighted by keyboard navigation.
    #[prop(into, optional)]
    active: Signal<bool>,
    #[prop(into, optional)] dom_id: Option<String>,
) -> impl IntoView {
    let best_phone = contact.best_phone().map(|p| p.value.clone());
    let best_email = contact.best_email().map(|e| e.value.clone());
    let name = contact.display_name.clone();
    let company = contact.company.clone();
    let badges = sources
        .into_iter()
        .map(|label| view! { <span class="badge">{label}</span> })
        .collect_view();
    view! {
        <article class="card" class:open=open class:active=active id=dom_id>
            <button class="card-head" aria-expanded=move || open.get().to_string() on:click=move |_| on_toggle.run(())>
                <span class="name">{name}</span>
                <span class="badges">{badges}</span>
            </button>
            {company.map(|c| view! { <div class="company">{c}</div> })}
            <div class="summary">
                {best_phone.map(|p| view! { <span class="phone">{p}</span> })}
                {best_email.map(|e| view! { <span class="email">{e}</span> })}
            </div>
            <Show when=move || open.get()>
                <ContactDetails contact=contact.clone() />
            </Show>
        </article>
    }
}

/// Everything the sources know about a person, as text, with actions on each way to reach them.
#[component]
fn ContactDetails(contact: Contact) -> impl IntoView {
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
