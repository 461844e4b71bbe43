//! 8x8 Connect Contacts API v1.

use serde_json::Value;

use super::common::{page_index, status_error};
use super::json::{count, flag, lenient_body, list, parse_body, required_text, text};
use super::{
    Adapter, Capabilities, OptionError, Paging, ProviderKind, Request, SourceOptions, number_option,
};
use crate::{Attribute, Contact, Email, Handle, Page, PageToken, Phone, ProviderError, Query, phone};

const NAME: &str = "8x8 Connect";
/// The API's documented maximum length of `query`.
const MAX_QUERY_CHARS: usize = 320;

const HANDLES: [(&str, &str); 5] = [
    ("weChatUserId", "WeChat"),
    ("facebookUserId", "Facebook"),
    ("zaloId", "Zalo"),
    ("lineId", "LINE"),
    ("kakaoTalkId", "KakaoTalk"),
];

pub(super) struct EightByEight {
    source: String,
    account_id: String,
    page_size: u32,
    default_cc: Option<String>,
}

impl EightByEight {
    pub(super) fn new(source: &str, options: &SourceOptions) -> Result<Self, OptionError> {
        let bad = |option: &str, reason: &str| OptionError {
            source_id: source.to_owned(),
            option: option.to_owned(),
            reason: reason.to_owned(),
        };
        let account_id = options
            .get("account_id")
            .ok_or_else(|| bad("account_id", "is required"))?
            .trim()
            .to_owned();
        let hex = account_id.chars().filter(|c| *c != '-').collect::<String>();
        if !(32..=36).contains(&hex.len()) || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad(
                "account_id",
                "must be 32 to 36 hex characters (dashes allowed)",
            ));
        }
        Ok(EightByEight {
            source: source.to_owned(),
            account_id,
            page_size: number_option(source, options, "page_size", 20, 1..=500)?,
            default_cc: options.get("default_country_code").cloned(),
        })
    }

    fn contacts_path(&self) -> String {
        format!("/api/v1/accounts/{}/contacts", self.account_id)
    }

    fn contact(&self, item: &Value) -> Result<Contact, ProviderError> {
        let mut c = Contact::new(
            &self.source,
            ProviderKind::EightByEight,
            required_text(NAME, item, "id")?,
        );
        c.first_name = text(item, "firstName");
        c.last_name = text(item, "lastName");
        let empty = Value::Null;
        let addresses = item.get("addresses").unwrap_or(&empty);
        if let Some(msisdn) = text(addresses, "msisdn") {
            c.phones.push(Phone {
                normalized: phone::normalize(&msisdn, self.default_cc.as_deref()),
                value: msisdn,
                label: Some("MOBILE".into()),
                rank: Some(0),
            });
        }
        if let Some(email) = text(addresses, "email") {
            c.emails.push(Email {
                value: email,
                label: None,
            });
        }
        for (key, network) in HANDLES {
            if let Some(value) = text(addresses, key) {
                c.handles.push(Handle {
                    network: network.into(),
                    value,
                });
            }
        }
        for group in list(NAME, item, "groups")? {
            if let Some(name) = text(group, "name") {
                if flag(group, "isBlacklist") == Some(true) {
                    c.attributes.push(Attribute {
                        name: "Blocklist".into(),
                        value: name.clone(),
                    });
                }
                c.groups.push(name);
            }
        }
        for (key, label) in [
            ("externalId", "External id"),
            ("country", "Country"),
            ("createdAt", "Created"),
        ] {
            if let Some(value) = text(item, key) {
                c.attributes.push(Attribute {
                    name: label.into(),
                    value,
                });
            }
        }
        if let Some(Value::Object(custom)) = item.get("customAttributes") {
            for (name, value) in custom {
                let value = match value {
                    Value::String(s) => s.clone(),
                    Value::Null => continue,
                    other => other.to_string(),
                };
                c.attributes.push(Attribute {
                    name: name.clone(),
                    value,
                });
            }
        }
        c.fill_display_name();
        Ok(c)
    }
}

impl Adapter for EightByEight {
    fn kind(&self) -> ProviderKind {
        ProviderKind::EightByEight
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            text: true,
            phone: true,
            email: true,
            id: true,
            paging: Paging::PageIndex,
            knows_total: true,
        }
    }

    fn build_request(&self, query: &Query, at: Option<&PageToken>) -> Result<Request, ProviderError> {
        let term = match query {
            Query::Id(id) => {
                if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
                    return Err(ProviderError::Unsupported {
                        provider: NAME,
                        reason: "contact ids are numbers".into(),
                    });
                }
                return Ok(Request::get(format!("{}/{id}", self.contacts_path())));
            }
            // Stored numbers vary in form; their significant digits are what a substring
            // search over addresses can find.
            Query::Phone(p) => phone::normalize(p, None)
                .trim_start_matches(['+', '0'])
                .to_owned(),
            Query::Text(t) | Query::Email(t) => t.trim().chars().take(MAX_QUERY_CHARS).collect(),
        };
        let index = page_index(NAME, at)?;
        let mut request = Request::get(self.contacts_path())
            .param("limit", self.page_size)
            .param("offset", index);
        if !term.is_empty() {
            request = request.param("query", term);
        }
        Ok(request)
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
        if matches!(query, Query::Id(_)) {
            let contact = self.contact(&v)?;
            return Ok(Page {
                contacts: vec![contact],
                next: None,
                total: Some(1),
            });
        }
        if !v.is_object() {
            return Err(ProviderError::WrongType {
                provider: NAME,
                field: "(body)".into(),
                reason: "expected an object".into(),
            });
        }
        if v.get("items").is_none() {
            return Err(ProviderError::MissingField {
                provider: NAME,
                field: "items".into(),
            });
        }
        let contacts = list(NAME, &v, "items")?
            .iter()
            .map(|item| self.contact(item))
            .collect::<Result<Vec<_>, _>>()?;
        let index = match at {
            Some(PageToken::Index(i)) => *i,
            _ => 0,
        };
        let next = (flag(&v, "hasNextPage") == Some(true) && !contacts.is_empty())
            .then(|| PageToken::Index(index.saturating_add(1)));
        Ok(Page {
            contacts,
            next,
            total: count(&v, "totalFiltered").or_else(|| count(&v, "totalCount")),
        })
    }
}

fn error_from(status: u16, body: &[u8]) -> ProviderError {
    let v = lenient_body(body);
    status_error(NAME, status, text(&v, "code"), text(&v, "message"))
}
