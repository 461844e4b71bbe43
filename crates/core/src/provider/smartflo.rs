//! Tata Tele Business Services Smartflo contacts.
//!
//! Smartflo has no server-side search: the widget lists every page (an empty
//! [`Query::Text`]) and filters locally, then refreshes with [`Smartflo::list_request`] and
//! `updated_after`.

use serde_json::Value;

use super::common::{add_attribute, add_email, add_phone, page_number, status_error};
use super::dates::timestamp;
use super::json::{count, flag, lenient_body, list, object_body, parse_body, required_list, text};
use super::{
    Adapter, Capabilities, OptionError, Paging, ProviderKind, Request, SourceOptions, number_option,
    text_option,
};
use crate::{Address, Contact, Page, PageToken, ProviderError, Query};

const NAME: &str = "Tata Smartflo";
const CONTACTS_PATH: &str = "/v1/contacts";

/// The Smartflo adapter. Public so the widget can build incremental-sync requests, which the
/// [`Adapter`] trait has no query for.
pub struct Smartflo {
    source: String,
    page_size: u32,
    group: Option<String>,
    default_cc: Option<String>,
}

impl Smartflo {
    /// Options: `page_size` (1 to 1000, default 100; the API's maximum is not documented),
    /// `contact_group_id` (list one group only), `default_country_code`.
    pub fn new(source: &str, options: &SourceOptions) -> Result<Self, OptionError> {
        Ok(Smartflo {
            source: source.to_owned(),
            page_size: number_option(source, options, "page_size", 100, 1..=1000)?,
            group: text_option(options, "contact_group_id"),
            default_cc: text_option(options, "default_country_code"),
        })
    }

    /// Page `page` (1-based; 0 reads as 1) of all contacts, only those changed after
    /// `updated_after` when given (sent as written: its format is Smartflo's). Its response is
    /// parsed like any list: `parse_response(&Query::Text(String::new()), Some(&PageToken::Page(page)), ..)`.
    pub fn list_request(&self, page: u32, updated_after: Option<&str>) -> Request {
        let mut request = Request::get(CONTACTS_PATH);
        if let Some(group) = &self.group {
            request = request.param("contact_group_id", group);
        }
        if let Some(after) = updated_after.map(str::trim).filter(|a| !a.is_empty()) {
            request = request.param("updated_after", after);
        }
        request.param("limit", self.page_size).param("page", page.max(1))
    }

    fn contact(&self, item: &Value, i: usize) -> Result<Contact, ProviderError> {
        let id = text(item, "id").ok_or_else(|| ProviderError::MissingField {
            provider: NAME,
            field: format!("results[{i}].id"),
        })?;
        let mut c = Contact::new(&self.source, ProviderKind::Smartflo, id);
        c.display_name = text(item, "name").unwrap_or_default();
        c.company = text(item, "company_name");
        if let Some(number) = text(item, "phone_number") {
            add_phone(&mut c, number, None, Some(0), self.default_cc.as_deref());
        }
        if let Some(email) = text(item, "email_id") {
            add_email(&mut c, email, None);
        }
        if let Some(street) = text(item, "address") {
            c.addresses.push(Address {
                street: Some(street),
                ..Address::default()
            });
        }
        if let Some(group) = text(item, "contact_group_name") {
            c.groups.push(group);
        }
        for field in list(NAME, item, "custom_fields")? {
            if let Some(name) = text(field, "name") {
                add_attribute(&mut c, &name, text(field, "value"));
            }
        }
        add_attribute(&mut c, "Group id", text(item, "contact_group_id"));
        add_attribute(&mut c, "Created", timestamp(item, "created_at"));
        c.deleted_at = timestamp(item, "deleted_at");
        c.updated_at = timestamp(item, "updated_at");
        c.fill_display_name();
        Ok(c)
    }
}

/// `updated_at` as this adapter reports it (`2024-05-08T12:45:03+00:00`, see `dates`) back in
/// Smartflo's own form (`+0000`), for `updated_after`.
fn smartflo_time(reported: &str) -> String {
    let reported = reported.trim();
    let offset_at = reported.len().saturating_sub(6);
    match (reported.get(..offset_at), reported.get(offset_at..)) {
        (Some(time), Some(offset))
            if offset.len() == 6 && offset.starts_with(['+', '-']) && offset.get(3..4) == Some(":") =>
        {
            format!(
                "{time}{}{}",
                offset.get(..3).unwrap_or_default(),
                offset.get(4..).unwrap_or_default()
            )
        }
        _ => reported.to_owned(),
    }
}

/// `success` false, as a boolean or as the string `"false"` (the 429 body).
fn failed(v: &Value) -> bool {
    flag(v, "success") == Some(false)
}

impl Adapter for Smartflo {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Smartflo
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            text: false,
            phone: false,
            email: false,
            id: true,
            paging: Paging::PageNumber,
            knows_total: false,
        }
    }

    fn build_request(&self, query: &Query, at: Option<&PageToken>) -> Result<Request, ProviderError> {
        match query {
            Query::Id(id) => {
                let id = id.trim();
                if id.is_empty() {
                    return Err(ProviderError::Unsupported {
                        provider: NAME,
                        reason: "a contact id cannot be empty".into(),
                    });
                }
                Ok(Request::get(CONTACTS_PATH).param("contact_id", id))
            }
            Query::Text(t) if t.trim().is_empty() => Ok(self.list_request(page_number(NAME, at)?, None)),
            _ => Err(ProviderError::Unsupported {
                provider: NAME,
                reason: "Smartflo has no search; list all contacts (an empty text query) and filter locally"
                    .into(),
            }),
        }
    }

    fn changes_request(&self, since: &str, at: Option<&PageToken>) -> Option<Request> {
        let page = page_number(NAME, at).ok()?;
        Some(self.list_request(page, Some(&smartflo_time(since))))
    }

    fn parse_response(
        &self,
        query: &Query,
        at: Option<&PageToken>,
        status: u16,
        body: &[u8],
    ) -> Result<Page, ProviderError> {
        if status >= 400 {
            let v = lenient_body(body);
            return Err(status_error(NAME, status, None, text(&v, "message")));
        }
        let v = parse_body(NAME, body)?;
        object_body(NAME, &v)?;
        if failed(&v) {
            return Err(status_error(NAME, status, None, text(&v, "message")));
        }
        let contacts = required_list(NAME, &v, "results", "results")?
            .iter()
            .enumerate()
            .map(|(i, item)| self.contact(item, i))
            .collect::<Result<Vec<_>, _>>()?;
        let limit = count(&v, "limit")
            .filter(|l| *l > 0)
            .unwrap_or(u64::from(self.page_size));
        let page = page_number(NAME, at).unwrap_or(1);
        let full = contacts.len() as u64 >= limit;
        let more = full && !matches!(query, Query::Id(_));
        Ok(Page {
            next: more.then(|| PageToken::Page(page.saturating_add(1))),
            contacts,
            total: None,
        })
    }
}
