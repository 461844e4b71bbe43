//! Talkdesk FSI Integrations API, "Fetch Contacts".
//!
//! The search and paging parameter names are not public; they are options whose defaults are
//! the names Talkdesk's sibling APIs use: `phone_param` (`phone_number`), `text_param`
//! (`name`), `email_param` (`email`), `page_param` (`page`), `per_page_param` (`per_page`),
//! `page_size` (1 to 1000, default 50). `default_country_code` completes national numbers.
//! `id_document_number` is masked to its last four characters before it reaches the model.

use serde_json::Value;

use super::common::{add_attribute, add_email, add_phone, page_number, required_term, status_error};
use super::json::{
    count, lenient_body, list, number, object_body, parse_body, required_list, scalar_text, text,
};
use super::{
    Adapter, Capabilities, OptionError, Paging, ProviderKind, Request, SourceOptions, encode_component,
    name_option, number_option, text_option,
};
use crate::{Address, Contact, Page, PageToken, ProviderError, Query, phone};

const NAME: &str = "Talkdesk";
const CONTACTS_PATH: &str = "/fsi/contacts";
/// Shown in place of the hidden part of an id document number.
const MASK: &str = "•••••";

pub(super) struct Talkdesk {
    source: String,
    phone_param: String,
    text_param: String,
    email_param: String,
    page_param: String,
    per_page_param: String,
    page_size: u32,
    default_cc: Option<String>,
}

impl Talkdesk {
    pub(super) fn new(source: &str, options: &SourceOptions) -> Result<Self, OptionError> {
        Ok(Talkdesk {
            source: source.to_owned(),
            phone_param: name_option(source, options, "phone_param", "phone_number")?,
            text_param: name_option(source, options, "text_param", "name")?,
            email_param: name_option(source, options, "email_param", "email")?,
            page_param: name_option(source, options, "page_param", "page")?,
            per_page_param: name_option(source, options, "per_page_param", "per_page")?,
            page_size: number_option(source, options, "page_size", 50, 1..=1000)?,
            default_cc: text_option(options, "default_country_code"),
        })
    }

    /// One `{confidence_score, contact}` item (or a bare contact); `at` names it in errors.
    fn contact(&self, item: &Value, at: &str) -> Result<Contact, ProviderError> {
        let (person, score) = match item.get("contact") {
            Some(person @ Value::Object(_)) => (person, number(item, "confidence_score")),
            Some(_) => {
                return Err(ProviderError::WrongType {
                    provider: NAME,
                    field: format!("{at}contact"),
                    reason: "expected an object".into(),
                });
            }
            None => (item, number(item, "confidence_score")),
        };
        let prefix = if item.get("contact").is_some() {
            format!("{at}contact.")
        } else {
            at.to_owned()
        };
        let id = text(person, "id").ok_or_else(|| ProviderError::MissingField {
            provider: NAME,
            field: format!("{prefix}id"),
        })?;
        let mut c = Contact::new(&self.source, ProviderKind::Talkdesk, id);
        c.score = score;
        c.display_name = text(person, "name").unwrap_or_default();
        for entry in list(NAME, person, "contacts")? {
            let Some(value) = text(entry, "value") else {
                continue;
            };
            let kind = text(entry, "type").map(|t| t.to_ascii_uppercase());
            let usage = text(entry, "use");
            let rank = count(entry, "rank").and_then(|r| u32::try_from(r).ok());
            match kind.as_deref() {
                Some("PHONE") => add_phone(&mut c, value, usage, rank, self.default_cc.as_deref()),
                Some("SMS") => {
                    let label = usage.or_else(|| Some("SMS".into()));
                    add_phone(&mut c, value, label, rank, self.default_cc.as_deref());
                }
                Some("EMAIL") => add_email(&mut c, value, usage),
                other => {
                    let name = match (other, usage) {
                        (Some("OTHER") | None, None) => "Other".to_owned(),
                        (Some("OTHER") | None, Some(u)) => format!("Other ({u})"),
                        (Some(t), None) => t.to_owned(),
                        (Some(t), Some(u)) => format!("{t} ({u})"),
                    };
                    add_attribute(&mut c, &name, Some(value));
                }
            }
        }
        for address in list(NAME, person, "addresses")? {
            let a = Address {
                label: text(address, "type"),
                street: text(address, "street"),
                city: text(address, "city"),
                district: text(address, "district"),
                state: text(address, "state"),
                postal_code: text(address, "postal_code"),
                country: text(address, "country"),
            };
            if a != Address::default() {
                c.addresses.push(a);
            }
        }
        add_attribute(&mut c, "Member id", text(person, "member_id"));
        add_attribute(&mut c, "ID document type", text(person, "id_document_type"));
        add_attribute(
            &mut c,
            "ID document number",
            text(person, "id_document_number").map(|n| mask(&n)),
        );
        add_attribute(&mut c, "Birth date", text(person, "birth_date"));
        c.fill_display_name();
        Ok(c)
    }
}

/// All but the last four characters hidden; a number that short is hidden entirely.
fn mask(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    match chars.len().checked_sub(4) {
        Some(start) if start > 0 => {
            let tail: String = chars.iter().skip(start).collect();
            format!("{MASK}{tail}")
        }
        _ => MASK.to_owned(),
    }
}

/// The index of the result a redacted-field path belongs to: `_embedded.contacts[2].contact.x`,
/// `_embedded.contacts.2.contact.x`, `/_embedded/contacts/2/contact/x` and `contacts[2].x`
/// all name result 2. A `contacts` list inside a `contact` is that contact's channels, not
/// the result list.
fn redacted_index(path: &str) -> Option<usize> {
    let segments: Vec<&str> = path
        .split(['.', '/', '[', ']'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    segments.windows(2).enumerate().find_map(|(i, pair)| match pair {
        [name, index] if *name == "contacts" && (i == 0 || segments.get(i - 1) != Some(&"contact")) => {
            index.parse().ok()
        }
        _ => None,
    })
}

impl Adapter for Talkdesk {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Talkdesk
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            text: true,
            phone: true,
            email: true,
            id: true,
            paging: Paging::PageNumber,
            knows_total: true,
        }
    }

    fn build_request(&self, query: &Query, at: Option<&PageToken>) -> Result<Request, ProviderError> {
        let search = match query {
            Query::Id(id) => {
                let id = id.trim();
                if id.is_empty() {
                    return Err(ProviderError::Unsupported {
                        provider: NAME,
                        reason: "a contact id cannot be empty".into(),
                    });
                }
                return Ok(Request::get(format!("{CONTACTS_PATH}/{}", encode_component(id))));
            }
            Query::Phone(p) => (
                &self.phone_param,
                required_term(NAME, phone::normalize(p, self.default_cc.as_deref()))?,
            ),
            Query::Email(e) => (&self.email_param, required_term(NAME, e.trim().to_owned())?),
            Query::Text(t) => (&self.text_param, t.trim().to_owned()),
        };
        let page = page_number(NAME, at)?;
        let mut request = Request::get(CONTACTS_PATH);
        let (param, term) = search;
        if !term.is_empty() {
            request = request.param(param, term);
        }
        Ok(request
            .param(&self.page_param, page)
            .param(&self.per_page_param, self.page_size))
    }

    fn parse_response(
        &self,
        query: &Query,
        at: Option<&PageToken>,
        status: u16,
        body: &[u8],
    ) -> Result<Page, ProviderError> {
        if matches!(query, Query::Id(_)) && status == 404 {
            return Ok(Page {
                contacts: Vec::new(),
                next: None,
                total: Some(0),
            });
        }
        if status >= 400 {
            return Err(error_from(status, body));
        }
        let v = parse_body(NAME, body)?;
        object_body(NAME, &v)?;
        if matches!(query, Query::Id(_)) && v.get("_embedded").is_none() {
            let contact = self.contact(&v, "")?;
            let mut page = Page {
                contacts: vec![contact],
                next: None,
                total: Some(1),
            };
            attribute_redactions(&v, &mut page.contacts);
            return Ok(page);
        }
        let total = count(&v, "total");
        let items = match v.get("_embedded") {
            None | Some(Value::Null) if total == Some(0) => &[][..],
            None => {
                return Err(ProviderError::MissingField {
                    provider: NAME,
                    field: "_embedded.contacts".into(),
                });
            }
            Some(embedded) => required_list(NAME, embedded, "contacts", "_embedded.contacts")?,
        };
        let mut contacts = items
            .iter()
            .enumerate()
            .map(|(i, item)| self.contact(item, &format!("_embedded.contacts[{i}].")))
            .collect::<Result<Vec<_>, _>>()?;
        attribute_redactions(&v, &mut contacts);
        let page = page_number(NAME, at).unwrap_or(1);
        let seen = u64::from(page.saturating_sub(1))
            .saturating_mul(u64::from(self.page_size))
            .saturating_add(contacts.len() as u64);
        let full = contacts.len() >= self.page_size as usize;
        let more = full && total.is_none_or(|t| seen < t);
        Ok(Page {
            next: more.then(|| PageToken::Page(page.saturating_add(1))),
            contacts,
            total,
        })
    }
}

/// Puts each path of `redacted_fields` on the contact it names, or on every contact when the
/// path names none of them.
fn attribute_redactions(v: &Value, contacts: &mut [Contact]) {
    let Some(Value::Array(paths)) = v.get("redacted_fields") else {
        return;
    };
    for path in paths.iter().filter_map(scalar_text) {
        match redacted_index(&path).and_then(|i| contacts.get_mut(i)) {
            Some(c) => c.redacted.push(path),
            None => contacts.iter_mut().for_each(|c| c.redacted.push(path.clone())),
        }
    }
}

fn error_from(status: u16, body: &[u8]) -> ProviderError {
    let v = lenient_body(body);
    let mut message = text(&v, "message");
    if let Some(description) = text(&v, "description") {
        message = Some(match message {
            Some(m) => format!("{m}: {description}"),
            None => description,
        });
    }
    let fields: Vec<String> = match v.get("fields") {
        Some(Value::Array(fields)) => fields
            .iter()
            .filter_map(|f| {
                let name = text(f, "name")?;
                Some(match text(f, "description") {
                    Some(d) => format!("`{name}` {d}"),
                    None => format!("`{name}`"),
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    if !fields.is_empty() {
        let joined = fields.join("; ");
        message = Some(match message {
            Some(m) => format!("{m} ({joined})"),
            None => joined,
        });
    }
    status_error(NAME, status, text(&v, "code"), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_the_last_four() {
        assert_eq!(mask("123-45-6789"), "•••••6789");
        assert_eq!(mask("12345"), "•••••2345");
        assert_eq!(mask("1234"), "•••••");
        assert_eq!(mask("ÉÉÉÉÉé"), "•••••ÉÉÉé");
    }

    #[test]
    fn redacted_paths_find_their_result() {
        assert_eq!(
            redacted_index("_embedded.contacts[2].contact.birth_date"),
            Some(2)
        );
        assert_eq!(redacted_index("_embedded.contacts.1.contact.birth_date"), Some(1));
        assert_eq!(
            redacted_index("/_embedded/contacts/3/contact/id_document_number"),
            Some(3)
        );
        assert_eq!(redacted_index("contact.contacts[1].value"), None);
        assert_eq!(
            redacted_index("_embedded.contacts[0].contact.contacts[4].value"),
            Some(0)
        );
        assert_eq!(redacted_index("birth_date"), None);
    }
}
