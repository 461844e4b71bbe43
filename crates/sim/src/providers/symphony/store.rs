//! Symphony Connect's contacts and advisors, built from the population.

use serde_json::{Value, json};

use crate::auth::jwt::JwtVerifier;
use crate::data::Person;
use crate::providers::TextIndex;

pub(crate) const NETWORKS: &[&str] = &[
    "WHATSAPP",
    "SMS",
    "WECHAT",
    "SMS-DIRECT",
    "LINE",
    "WHATSAPP-DIRECT",
];
const STATUSES: &[&str] = &[
    "CONFIRMED",
    "CONFIRMED",
    "CONFIRMED",
    "PENDING_CONFIRMATION",
    "CONFIRMED",
    "INVITE_EXPIRED",
    "CANCELED",
    "UNAVAILABLE",
    "INCOMPLETE",
];
const LANGUAGES: &[&str] = &["en", "pt", "de", "fr", "ja", "ar"];
const ADVISORS: &[(&str, &str)] = &[
    ("Alice", "Martin"),
    ("Bruno", "Costa"),
    ("Chen", "Wei"),
    ("Dana", "Okafor"),
    ("Emil", "Lindqvist"),
    ("Farah", "Haddad"),
];

pub(crate) struct Contact {
    /// The v2 list item (with any blocked-by fields).
    pub(crate) value: Value,
    pub(crate) network: &'static str,
    pub(crate) phone: String,
    pub(crate) email: String,
    pub(crate) symphony_id: String,
    pub(crate) advisor_ids: Vec<String>,
    pub(crate) blocked: bool,
    pub(crate) first_lower: String,
    pub(crate) last_lower: String,
    pub(crate) display_lower: String,
    /// Status as the v1 search reports it (adds OPTED_IN / OPTED_OUT).
    pub(crate) search_status: &'static str,
}

pub(crate) struct Store {
    pub(crate) contacts: Vec<Contact>,
    /// First, last and display names of `contacts`, in step with it, for prefix search.
    pub(crate) names: TextIndex,
    pub(crate) advisors: Vec<Value>,
    pub(crate) jwt: JwtVerifier,
    pub(crate) cursor_keys: std::collections::hash_map::RandomState,
}

fn advisor_id(n: usize) -> String {
    format!("3490262223{:02}", 40 + n)
}

/// Symphony stores e-mail addresses as typed: other case than the other providers'.
fn email_as_typed(p: &Person) -> String {
    if p.index.is_multiple_of(2) {
        return p.email.to_uppercase();
    }
    let mut chars = p.email.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn contact(p: &Person, network: &'static str, serial: usize) -> Contact {
    let symphony_id = format!(
        "{}",
        71_811_853_000_000u64 + (p.index as u64) * 10 + serial as u64
    );
    let advisor_ns = if p.index.is_multiple_of(4) {
        vec![p.index % ADVISORS.len(), (p.index + 3) % ADVISORS.len()]
    } else {
        vec![p.index % ADVISORS.len()]
    };
    let advisor_ids: Vec<String> = advisor_ns.iter().map(|&n| advisor_id(n)).collect();
    let advisors: Vec<Value> = advisor_ns
        .iter()
        .map(|&n| {
            let (first, last) = ADVISORS[n];
            json!({"symphonyId": advisor_id(n), "firstName": first, "lastName": last})
        })
        .collect();
    let status = STATUSES[p.index % STATUSES.len()];
    let phone = p.phone_in_style(0);
    let email = email_as_typed(p);
    // Some statusUpdateDates come as epoch milliseconds although declared date-time.
    let updated_secs = 1_704_067_200 + (p.index as u64) * 3_599;
    let status_update_date = if p.index.is_multiple_of(3) {
        json!(updated_secs * 1000)
    } else {
        json!(crate::data::iso8601(updated_secs))
    };
    let mut value = json!({
        "firstName": p.first_name,
        "lastName": p.last_name,
        "companyName": p.company,
        "emailAddress": email,
        "phoneNumber": phone,
        "externalNetwork": network,
        "symphonyId": symphony_id,
        "advisors": advisors,
        "status": status,
        "statusUpdateDate": status_update_date,
        "isColleague": p.index % 50 == 7,
        "preferredLanguage": LANGUAGES[p.index % LANGUAGES.len()],
    });
    let blocked = p.index.is_multiple_of(9);
    if blocked {
        let by = json!({
            "advisorSymphonyId": advisor_ids[0],
            "reason": "SPAM",
            "comment": "Blocked by advisor",
            "requestDate": crate::data::iso8601(updated_secs + 86_400),
        });
        if p.index.is_multiple_of(2) {
            if let (Some(obj), Some(by)) = (value.as_object_mut(), by.as_object()) {
                obj.extend(by.clone());
            }
        } else {
            value["phoneNumberBlockedBy"] = json!([by]);
        }
    }
    let search_status = match status {
        "CONFIRMED" if p.index.is_multiple_of(5) => "OPTED_IN",
        "CONFIRMED" if p.index.is_multiple_of(11) => "OPTED_OUT",
        other => other,
    };
    Contact {
        value,
        network,
        phone,
        email,
        symphony_id,
        advisor_ids,
        blocked,
        first_lower: p.first_name.to_lowercase(),
        last_lower: p.last_name.to_lowercase(),
        display_lower: p.full_name().to_lowercase(),
        search_status,
    }
}

impl Store {
    pub(crate) fn new(people: &[Person], credentials: &crate::Credentials) -> Self {
        let mut contacts = Vec::new();
        // 2 in 3 people are WhatsApp contacts; 1 in 4 also (or only) reach us by SMS.
        for p in people {
            if p.index % 3 != 2 {
                contacts.push(contact(p, "WHATSAPP", 0));
            }
            if p.index.is_multiple_of(4) {
                contacts.push(contact(p, "SMS", 1));
            }
        }
        let advisors = ADVISORS
            .iter()
            .enumerate()
            .map(|(n, (first, last))| {
                json!({
                    "symphonyId": advisor_id(n),
                    "firstName": first,
                    "lastName": last,
                    "emailAddress": format!("{}.{}@bank.example", first.to_lowercase(), last.to_lowercase()),
                    "companyName": "Cardfile Demo Bank",
                })
            })
            .collect();
        Store {
            names: TextIndex::new(
                contacts
                    .iter()
                    .map(|c| [&c.first_lower, &c.last_lower, &c.display_lower]),
            ),
            contacts,
            advisors,
            jwt: JwtVerifier::new(
                &credentials.symphony_public_key_pem,
                &credentials.symphony_key_name,
            ),
            cursor_keys: std::collections::hash_map::RandomState::new(),
        }
    }

    pub(crate) fn advisor_exists(&self, id: &str) -> bool {
        self.advisors.iter().any(|a| a["symphonyId"].as_str() == Some(id))
    }
}
