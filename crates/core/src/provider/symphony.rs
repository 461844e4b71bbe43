//! Symphony Connect customer contacts (WhatsApp, SMS, WeChat, LINE connectors).
//!
//! Options: `external_network` (required: WHATSAPP, SMS, WECHAT, SMS-DIRECT, LINE or
//! WHATSAPP-DIRECT), `advisor_symphony_id` (only that advisor's contacts), `phone_blocked`
//! (`all`, `true` or `false`), `base_path` (e.g. `/admin`, when the source's base URL stops at
//! the host), `default_country_code`. Name search uses the v1 search endpoint; phone, email and
//! id use the v2 list. A 404 `contact.not.found` is an empty result.

use serde_json::Value;

use super::common::{add_attribute, add_email, add_phone, cursor, required_term, status_error};
use super::dates::timestamp;
use super::json::{flag, lenient_body, list, object_body, parse_body, required_list, scalar_text, text};
use super::request::decode_component;
use super::{
    Adapter, Capabilities, OptionError, Paging, ProviderKind, Request, SourceOptions, encode_component,
    text_option,
};
use crate::{Contact, Handle, Page, PageToken, ProviderError, Query, phone};

const NAME: &str = "Symphony Connect";
const CONTACTS_V2: &str = "/api/v2/customer/contacts";

/// The documented networks, and the messaging identity a contact's number is on each.
const NETWORKS: [(&str, Option<&str>); 6] = [
    ("WHATSAPP", Some("WhatsApp")),
    ("SMS", None),
    ("WECHAT", Some("WeChat")),
    ("SMS-DIRECT", None),
    ("LINE", Some("LINE")),
    ("WHATSAPP-DIRECT", Some("WhatsApp")),
];

pub(super) struct Symphony {
    source: String,
    /// Prefix before `/api/...` when the source's base URL stops at the host.
    base_path: String,
    network: &'static str,
    advisor: Option<String>,
    phone_blocked: Option<&'static str>,
    default_cc: Option<String>,
}

impl Symphony {
    pub(super) fn new(source: &str, options: &SourceOptions) -> Result<Self, OptionError> {
        let raw = options
            .get("external_network")
            .ok_or_else(|| OptionError::new(source, "external_network", "is required"))?;
        let wanted = raw.trim().to_ascii_uppercase();
        let network = NETWORKS
            .iter()
            .map(|(name, _)| *name)
            .find(|name| *name == wanted)
            .ok_or_else(|| {
                OptionError::new(
                    source,
                    "external_network",
                    format!(
                        "must be one of WHATSAPP, SMS, WECHAT, SMS-DIRECT, LINE, WHATSAPP-DIRECT, not `{raw}`"
                    ),
                )
            })?;
        let advisor = text_option(options, "advisor_symphony_id");
        if let Some(a) = &advisor
            && !a.chars().all(|c| c.is_ascii_digit())
        {
            return Err(OptionError::new(
                source,
                "advisor_symphony_id",
                format!("must be a numeric Symphony id, not `{a}`"),
            ));
        }
        let phone_blocked = match text_option(options, "phone_blocked").as_deref() {
            None => None,
            Some("all") => Some("all"),
            Some("true") => Some("true"),
            Some("false") => Some("false"),
            Some(other) => {
                return Err(OptionError::new(
                    source,
                    "phone_blocked",
                    format!("must be all, true or false, not `{other}`"),
                ));
            }
        };
        let base_path = text_option(options, "base_path").unwrap_or_default();
        let base_path = base_path.trim_end_matches('/').to_owned();
        if !base_path.is_empty() && (!base_path.starts_with('/') || base_path.contains(['?', '#', ' ', '&']))
        {
            return Err(OptionError::new(
                source,
                "base_path",
                format!("must be a path starting with `/`, not `{base_path}`"),
            ));
        }
        Ok(Symphony {
            source: source.to_owned(),
            base_path,
            network,
            advisor,
            phone_blocked,
            default_cc: text_option(options, "default_country_code"),
        })
    }

    /// The v2 list endpoint with the filters every v2 call carries.
    fn v2(&self) -> Request {
        let mut r =
            Request::get(format!("{}{CONTACTS_V2}", self.base_path)).param("externalNetwork", self.network);
        if let Some(advisor) = &self.advisor {
            r = r.param("advisorSymphonyId", advisor);
        }
        if let Some(blocked) = self.phone_blocked {
            r = r.param("phoneBlocked", blocked);
        }
        r
    }

    fn contact(&self, item: &Value, i: usize) -> Result<Contact, ProviderError> {
        let id = text(item, "symphonyId").ok_or_else(|| ProviderError::MissingField {
            provider: NAME,
            field: format!("contacts[{i}].symphonyId"),
        })?;
        let mut c = Contact::new(&self.source, ProviderKind::Symphony, id);
        c.first_name = text(item, "firstName");
        c.last_name = text(item, "lastName");
        c.company = text(item, "companyName");
        c.display_name = text(item, "displayName").unwrap_or_default();
        let network = text(item, "externalNetwork")
            .map(|n| n.to_ascii_uppercase())
            .unwrap_or_else(|| self.network.to_owned());
        if let Some(number) = text(item, "phoneNumber") {
            let handle = NETWORKS.iter().find(|(n, _)| *n == network).and_then(|(_, h)| *h);
            if let Some(handle) = handle {
                c.handles.push(Handle {
                    network: handle.into(),
                    value: number.clone(),
                });
            }
            add_phone(
                &mut c,
                number,
                Some(network.clone()),
                Some(0),
                self.default_cc.as_deref(),
            );
        }
        if let Some(email) = text(item, "emailAddress") {
            add_email(&mut c, email, None);
        }
        add_attribute(&mut c, "Network", Some(network));
        add_attribute(&mut c, "Status", text(item, "status"));
        add_attribute(&mut c, "Preferred language", text(item, "preferredLanguage"));
        if flag(item, "isColleague") == Some(true) {
            add_attribute(&mut c, "Colleague", Some("yes".into()));
        }
        for advisor in list(NAME, item, "advisors")? {
            let id = scalar_text(advisor).or_else(|| text(advisor, "symphonyId"));
            add_attribute(&mut c, "Advisor", id);
        }
        // Blocked-by details: flat on v2 list items, or a list (or single object).
        if let Some(block) = block_text(item) {
            add_attribute(&mut c, "Blocked", Some(block));
        } else {
            add_attribute(&mut c, "Advisor", text(item, "advisorSymphonyId"));
        }
        match item.get("phoneNumberBlockedBy") {
            Some(Value::Array(blocks)) => {
                for block in blocks {
                    add_attribute(
                        &mut c,
                        "Blocked",
                        block_text(block).or_else(|| scalar_text(block)),
                    );
                }
            }
            Some(block @ Value::Object(_)) => add_attribute(&mut c, "Blocked", block_text(block)),
            _ => {}
        }
        c.updated_at = timestamp(item, "statusUpdateDate");
        c.fill_display_name();
        Ok(c)
    }
}

/// "by advisor 42, reason spam, comment ..., since 2024-..." for a blocked-by record, or
/// `None` when it carries none of reason, comment or date.
fn block_text(v: &Value) -> Option<String> {
    let reason = text(v, "reason");
    let comment = text(v, "comment");
    let since = timestamp(v, "requestDate");
    if reason.is_none() && comment.is_none() && since.is_none() {
        return None;
    }
    let parts = [
        text(v, "advisorSymphonyId").map(|a| format!("by advisor {a}")),
        reason.map(|r| format!("reason {r}")),
        comment.map(|c| format!("comment {c}")),
        since.map(|s| format!("since {s}")),
    ];
    Some(parts.into_iter().flatten().collect::<Vec<_>>().join(", "))
}

/// The cursor of the next page: `pagination.cursors.after`, or the `after` parameter of
/// `pagination.next`; none when `next` is null or absent.
fn next_cursor(v: &Value) -> Option<String> {
    let pagination = v.get("pagination")?;
    let next = pagination.get("next").filter(|n| !n.is_null())?;
    if let Some(after) = pagination.get("cursors").and_then(|c| text(c, "after")) {
        return Some(after);
    }
    let next = scalar_text(next)?;
    let query = next.split_once('?').map_or(next.as_str(), |(_, q)| q);
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("after="))
        .map(decode_component)
        .filter(|c| !c.trim().is_empty())
}

impl Adapter for Symphony {
    fn kind(&self) -> ProviderKind {
        ProviderKind::Symphony
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            text: true,
            phone: true,
            email: true,
            id: true,
            paging: Paging::Cursor,
            knows_total: false,
        }
    }

    fn build_request(&self, query: &Query, at: Option<&PageToken>) -> Result<Request, ProviderError> {
        let mut request = match query {
            Query::Phone(p) => self.v2().param(
                "phoneNumber",
                required_term(NAME, phone::normalize(p, self.default_cc.as_deref()))?,
            ),
            Query::Email(e) => self
                .v2()
                .param("emailAddress", required_term(NAME, e.trim().to_owned())?),
            Query::Id(id) => {
                let id = id.trim();
                if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
                    return Err(ProviderError::Unsupported {
                        provider: NAME,
                        reason: "Symphony ids are numbers".into(),
                    });
                }
                return Ok(self.v2().param("symphonyId", id));
            }
            Query::Text(t) if t.trim().is_empty() => self.v2(),
            Query::Text(t) => Request::get(format!(
                "{}/api/v1/customer/contacts/externalNetwork/{}/search",
                self.base_path,
                encode_component(self.network)
            ))
            .param("query", t.trim()),
        };
        if let Some(after) = cursor(NAME, at)? {
            request = request.param("after", after);
        }
        Ok(request)
    }

    fn parse_response(
        &self,
        _query: &Query,
        at: Option<&PageToken>,
        status: u16,
        body: &[u8],
    ) -> Result<Page, ProviderError> {
        if status >= 400 {
            let v = lenient_body(body);
            let code = text(&v, "type");
            // No contact matched: an empty result, not a failure.
            if status == 404 && code.as_deref() == Some("contact.not.found") {
                return Ok(Page {
                    contacts: Vec::new(),
                    next: None,
                    total: Some(0),
                });
            }
            let message = match (text(&v, "title"), text(&v, "detail")) {
                (Some(t), Some(d)) => Some(format!("{t}: {d}")),
                (t, d) => t.or(d),
            };
            return Err(status_error(NAME, status, code, message));
        }
        let v = parse_body(NAME, body)?;
        object_body(NAME, &v)?;
        let contacts = required_list(NAME, &v, "contacts", "contacts")?
            .iter()
            .enumerate()
            .map(|(i, item)| self.contact(item, i))
            .collect::<Result<Vec<_>, _>>()?;
        let current = match at {
            Some(PageToken::Cursor(c)) => Some(c.as_str()),
            _ => None,
        };
        let next = next_cursor(&v)
            .filter(|c| !contacts.is_empty() && Some(c.as_str()) != current)
            .map(PageToken::Cursor);
        Ok(Page {
            contacts,
            next,
            total: None,
        })
    }
}
