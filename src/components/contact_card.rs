use cardfile_core::{Address, Contact};
use leptos::prelude::*;

/// One contact: name, company, best phone and email, and the source it came from. Activating
/// the header (click, Enter or Space) shows everything the source knows.
#[component]
pub fn ContactCard(contact: Contact, #[prop(into)] source_label: String) -> impl IntoView {
    let (open, set_open) = signal(false);
    let best_phone = contact.best_phone().map(|p| p.value.clone());
    let best_email = contact.best_email().map(|e| e.value.clone());
    let name = contact.display_name.clone();
    let company = contact.company.clone();
    view! {
        <article class="card" class:open=open>
            <button
                class="card-head"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| set_open.update(|o| *o = !*o)
            >
                <span class="name">{name}</span>
                <span class="badge">{source_label}</span>
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

/// Everything a source knows about a contact, as text.
#[component]
fn ContactDetails(contact: Contact) -> impl IntoView {
    let mut phones = contact.phones.clone();
    phones.sort_by_key(|p| p.rank.unwrap_or(u32::MAX));
    let rows = phones
        .into_iter()
        .map(|p| (p.label.unwrap_or_else(|| "Phone".into()), p.value))
        .chain(
            contact
                .emails
                .iter()
                .map(|e| (e.label.clone().unwrap_or_else(|| "Email".into()), e.value.clone())),
        )
        .chain(
            contact
                .handles
                .iter()
                .map(|h| (h.network.clone(), h.value.clone())),
        )
        .chain(
            contact
                .addresses
                .iter()
                .map(|a| (a.label.clone().unwrap_or_else(|| "Address".into()), one_line(a))),
        )
        .chain((!contact.groups.is_empty()).then(|| ("Groups".to_owned(), contact.groups.join(", "))))
        .chain(
            contact
                .attributes
                .iter()
                .map(|a| (a.name.clone(), a.value.clone())),
        )
        .chain(
            contact
                .redacted
                .iter()
                .map(|path| (path.clone(), "redacted".to_owned())),
        )
        .map(|(label, value)| {
            view! {
                <dt>{label}</dt>
                <dd>{value}</dd>
            }
        })
        .collect_view();
    view! { <dl class="details">{rows}</dl> }
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
