use cardfile_core::Contact;
use cardfile_core::links::{mailto_href, tel_href};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::bridge::{Host, WidgetMessage};

/// Where call / message actions go: to the embedding desktop, or to the browser's own
/// `tel:` / `mailto:` handlers when the widget runs alone.
#[derive(Debug, Clone, PartialEq)]
pub enum Actions {
    Hosted(Host),
    Standalone,
}

impl Actions {
    pub fn current() -> Actions {
        use_context::<RwSignal<Actions>>()
            .map(|a| a.get_untracked())
            .unwrap_or(Actions::Standalone)
    }
}

/// What a contact detail is, which decides the actions it offers.
#[derive(Debug, Clone, PartialEq)]
pub enum Channel {
    Phone,
    Email,
    /// A messaging identity on `network` (WhatsApp, LINE...).
    Handle(String),
}

/// Call / message / copy for one phone, email or handle.
#[component]
pub fn ContactActions(channel: Channel, value: String, contact: Contact) -> impl IntoView {
    let actions = Actions::current();
    let (copied, set_copied) = signal(false);
    let copy_value = value.clone();
    let copy = move |_| {
        let text = copy_value.clone();
        spawn_local(async move {
            let ok = copy_to_clipboard(&text).await;
            set_copied.set(ok);
        });
    };
    let primary = match (&actions, &channel) {
        (Actions::Hosted(host), Channel::Phone) => {
            let (host, number, contact) = (host.clone(), value.clone(), contact.clone());
            let (sms_host, sms_number, sms_contact) = (host.clone(), value.clone(), contact.clone());
            view! {
                <button class="action" on:click=move |_| host.send(&WidgetMessage::Dial { number: &number, contact: &contact })>
                    "Call"
                </button>
                <button
                    class="action"
                    on:click=move |_| {
                        sms_host
                            .send(
                                &WidgetMessage::Message { channel: "sms", address: &sms_number, contact: &sms_contact },
                            )
                    }
                >
                    "Message"
                </button>
            }
                .into_any()
        }
        (Actions::Hosted(host), other) => {
            let channel_name = match other {
                Channel::Email => "email".to_owned(),
                Channel::Handle(network) => network.to_lowercase(),
                Channel::Phone => "sms".to_owned(),
            };
            let (host, address, contact) = (host.clone(), value.clone(), contact.clone());
            view! {
                <button
                    class="action"
                    on:click=move |_| {
                        host.send(&WidgetMessage::Message { channel: &channel_name, address: &address, contact: &contact })
                    }
                >
                    "Message"
                </button>
            }
                .into_any()
        }
        (Actions::Standalone, Channel::Phone) => tel_href(&value, None)
            .map(|href| view! { <a class="action" href=href>"Call"</a> })
            .into_any(),
        (Actions::Standalone, Channel::Email) => mailto_href(&value)
            .map(|href| view! { <a class="action" href=href>"Email"</a> })
            .into_any(),
        (Actions::Standalone, Channel::Handle(_)) => ().into_any(),
    };
    view! {
        <span class="actions">
            {primary}
            <button class="action" on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
        </span>
    }
}

async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}
