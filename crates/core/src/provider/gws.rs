//! Genesys Web Services 8.5 Contacts API.
//!
//! GWS documents paging without naming its parameters: `offset_param` (`offset`) and
//! `limit_param` (`limit`) are options, with `page_size` (1 to 1000, default 50) and
//! `default_country_code`. Text and phone use the `NamesOrPhoneNumberMatches` wildcard filter;
//! email the `emailAddress` attribute filter. A `statusCode` other than 0 is an error even in
//! an HTTP 200.

use serde_json::Value;

use super::common::{add_attribute, add_email, add_phone, offset, required_term, status_error};
use super::json::{count, lenient_body, object_body, parse_body, required_list, scalar_text, text};
use super::{
    Adapter, Capabilities, OptionError, Paging, ProviderKind, Request, SourceOptions, name_option,
    number_option, text_option,
};
use crate::{Contact, Page, PageToken, ProviderError, Query, phone};

const NAME: &str = "Genesys GWS";
const CONTACTS_PATH: &str = "/api/v2/contacts";
/// GWS `statusCode` for "not found".
const NOT_FOUND: &str = "6";

pub(super) struct Gws {
    source: String,
    offset_param: String,
    limit_param: String,
    page_size: u32,
    default_cc: Option<String>,
}

impl Gws {
    pub(super) fn new(source: &str, options: &SourceOptions) -> Result<Self, OptionError> {
        Ok(Gws {
            source: source.to_owned(),
            offset_param: name_option(source, options, "offset_param", "offset")?,
            limit_param: name_option(source, options, "limit_param", "limit")?,
            page_size: number_option(source, options, "page_size", 50, 1..=1000)?,
            default_cc: text_option(options, "default_country_code"),
        })
    }

    fn contact(&self, item: &Value, at: &str) -> Result<Contact, ProviderError> {
        let id = text(item, "id").ok_or_else(|| ProviderError::MissingField {
            provider: NAME,
            field: format!("{at}id"),
        })?;
        let mut c = Contact::new(&self.source, ProviderKind::Gws, id);
        c.first_name = text(item, "firstName");
        c.last_name = text(item, "lastName");
        c.display_name = text(item, "name").unwrap_or_default();
        let cc = self.default_cc.as_deref();
        match item.get("phoneNumber") {
            Some(Value::Array(numbers)) => {
                for n in numbers.iter().filter_map(scalar_text) {
                    add_phone(&mut c, n, None, None, cc);
                }
            }
            Some(n) => {
                if let Some(n) = scalar_text(n) {
                    add_phone(&mut c, n, None, None, cc);
                }
            }
            None => {}
        }
        if let Some(Value::Array(numbers)) = item.get("phoneNumbers") {
            for entry in numbers {
                let Some(n) = text(entry, "phoneNumber").or_else(|| scalar_text(entry)) else {
                    continue;
                };
                let label = text(entry, "description").or_else(|| text(entry, "switchName"));
                add_phone(&mut c, n, label, None, cc);
            }
        }
        if let Some(email) = text(item, "emailAddress") {
            add_email(&mut c, email, None);
        }
        add_attribute(&mut c, "Type", text(item, "type"));
        add_attribute(&mut c, "User name", text(item, "userName"));
        add_attribute(&mut c, "Employee id", text(item, "employeeId"));
        add_attribute(&mut c, "Availability", text(item, "availability"));
        c.fill_display_name();
        Ok(c)
    }
}

/// `*term*` unless the agent already wrote a wildcard.
fn wildcard(term: &str) -> String {
    if term.contains('*') {
        term.to_owned()
    } else {
        format!("*{term}*")
    }
}

impl Adapter for Gws {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Gws
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            text: true,
            phone: true,
            email: true,
            id: true,
            paging: Paging::Offset,
            knows_total: true,
        }
    }

    fn build_request(&self, query: &Query, at: Option<&PageToken>) -> Result<Request, ProviderError> {
        let mut request = Request::get(CONTACTS_PATH);
        match query {
            Query::Id(id) => {
                let id = id.trim();
                if id.len() != 32 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
                    return Err(ProviderError::Unsupported {
                        provider: NAME,
                        reason: "GWS contact ids are 32 hex characters".into(),
                    });
                }
                return Ok(Request::get(format!("{CONTACTS_PATH}/{id}")));
            }
            Query::Text(t) if t.trim().is_empty() => {}
            Query::Text(t) => {
                request = request
                    .param("filterName", "NamesOrPhoneNumberMatches")
                    .param("filterParameters", wildcard(t.trim()));
            }
            // Stored numbers vary in form; their significant digits are what the wildcard
            // match over numbers can find.
            Query::Phone(p) => {
                let digits = phone::normalize(p, None)
                    .trim_start_matches(['+', '0'])
                    .to_owned();
                request = request
                    .param("filterName", "NamesOrPhoneNumberMatches")
                    .param("filterParameters", wildcard(&required_term(NAME, digits)?));
            }
            Query::Email(e) => {
                request = request.param("emailAddress", required_term(NAME, e.trim().to_owned())?)
            }
        }
        Ok(request
            .param(&self.offset_param, offset(NAME, at)?)
            .param(&self.limit_param, self.page_size))
    }

    fn parse_response(
        &self,
        query: &Query,
        at: Option<&PageToken>,
        status: u16,
        body: &[u8],
    ) -> Result<Page, ProviderError> {
        let not_found = Page {
            contacts: Vec::new(),
            next: None,
            total: Some(0),
        };
        let by_id = matches!(query, Query::Id(_));
        if status >= 400 {
            let v = lenient_body(body);
            let code = text(&v, "statusCode");
            if by_id && (status == 404 || code.as_deref() == Some(NOT_FOUND)) {
                return Ok(not_found);
            }
            return Err(status_error(NAME, status, code, text(&v, "statusMessage")));
        }
        let v = parse_body(NAME, body)?;
        object_body(NAME, &v)?;
        // GWS can report a failure in the body of an HTTP 200.
        if let Some(code) = text(&v, "statusCode").filter(|c| c != "0") {
            if by_id && code == NOT_FOUND {
                return Ok(not_found);
            }
            return Err(status_error(NAME, status, Some(code), text(&v, "statusMessage")));
        }
        if by_id && v.get("contacts").is_none() {
            let item = match v.get("contact") {
                Some(item) => item,
                None => &v,
            };
            let prefix = if v.get("contact").is_some() {
                "contact."
            } else {
                ""
            };
            return Ok(Page {
                contacts: vec![self.contact(item, prefix)?],
                next: None,
                total: Some(1),
            });
        }
        let contacts = required_list(NAME, &v, "contacts", "contacts")?
            .iter()
            .enumerate()
            .map(|(i, item)| self.contact(item, &format!("contacts[{i}].")))
            .collect::<Result<Vec<_>, _>>()?;
        let total = count(&v, "totalCount");
        let start = offset(NAME, at).unwrap_or(0);
        let seen = start.saturating_add(contacts.len() as u64);
        let more = !by_id
            && !contacts.is_empty()
            && match total {
                Some(t) => seen < t,
                None => contacts.len() >= self.page_size as usize,
            };
        Ok(Page {
            next: more.then_some(PageToken::Offset(seen)),
            contacts,
            total,
        })
    }
}
