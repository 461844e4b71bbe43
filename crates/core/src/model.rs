use serde::{Deserialize, Serialize};

use crate::provider::ProviderKind;

/// One person (or queue, or user) as any provider describes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Id of the configured source this contact came from.
    pub source: String,
    pub kind: ProviderKind,
    /// The provider's own id, the one its follow-up calls take.
    pub id: String,
    pub display_name: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub company: Option<String>,
    pub phones: Vec<Phone>,
    pub emails: Vec<Email>,
    pub handles: Vec<Handle>,
    pub addresses: Vec<Address>,
    pub groups: Vec<String>,
    pub attributes: Vec<Attribute>,
    /// Provider paths of fields the provider withheld.
    pub redacted: Vec<String>,
    /// The provider's own relevance score, where it gives one.
    pub score: Option<f64>,
    pub updated_at: Option<String>,
    /// When the provider deleted the contact, for providers that keep deleted contacts and
    /// list them with a date (Smartflo). A deleted contact is never shown as a result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<String>,
}

impl Contact {
    /// An empty contact of `kind` from `source`; adapters fill in what the provider sent.
    pub fn new(source: &str, kind: ProviderKind, id: String) -> Self {
        Contact {
            source: source.to_owned(),
            kind,
            id,
            display_name: String::new(),
            first_name: None,
            last_name: None,
            company: None,
            phones: Vec::new(),
            emails: Vec::new(),
            handles: Vec::new(),
            addresses: Vec::new(),
            groups: Vec::new(),
            attributes: Vec::new(),
            redacted: Vec::new(),
            score: None,
            updated_at: None,
            deleted_at: None,
        }
    }

    /// Best phone: lowest rank first, then the order the provider gave.
    pub fn best_phone(&self) -> Option<&Phone> {
        self.phones
            .iter()
            .enumerate()
            .min_by_key(|(i, p)| (p.rank.unwrap_or(u32::MAX), *i))
            .map(|(_, p)| p)
    }

    pub fn best_email(&self) -> Option<&Email> {
        self.emails.first()
    }

    /// Display name from first/last name, falling back to the first phone or email, so a
    /// card never has an empty title.
    pub fn fill_display_name(&mut self) {
        if !self.display_name.trim().is_empty() {
            return;
        }
        let joined = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        self.display_name = if !joined.is_empty() {
            joined
        } else if let Some(c) = &self.company {
            c.clone()
        } else if let Some(p) = self.phones.first() {
            p.value.clone()
        } else if let Some(e) = self.emails.first() {
            e.value.clone()
        } else {
            format!("#{}", self.id)
        };
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Phone {
    /// As the provider sent it.
    pub value: String,
    /// See [`crate::phone::normalize`].
    pub normalized: String,
    pub label: Option<String>,
    pub rank: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Email {
    pub value: String,
    pub label: Option<String>,
}

/// A messaging identity: WhatsApp, LINE, WeChat, Zalo, KakaoTalk, Facebook...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Handle {
    pub network: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub label: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub district: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

/// Where the next page starts, whatever paging style the provider uses. Opaque to callers:
/// they store it and hand it back to the adapter that produced it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "style", content = "at", rename_all = "snake_case")]
pub enum PageToken {
    /// 1-based page number (Talkdesk, Smartflo).
    Page(u32),
    /// 0-based page index (8x8).
    Index(u32),
    /// Item offset (GWS).
    Offset(u64),
    /// Provider cursor (Symphony).
    Cursor(String),
}

/// One page of results from one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    pub contacts: Vec<Contact>,
    /// `None` on the last page.
    pub next: Option<PageToken>,
    /// Total matches, where the provider knows it.
    pub total: Option<u64>,
}
