//! GWS contacts: Custom contacts from the population, a few User (agent) and Queue
//! contacts, and in-memory writes to the Custom ones.

use std::ops::{Deref, DerefMut};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde_json::{Map, Value, json};

use super::super::{TextIndex, stable_hex};
use super::filter;
use crate::auth::csrf::Sessions;
use crate::data::Person;

const BASE_URI: &str = "http://gws.example.com:8080/api/v2";
const SWITCH: &str = "SIP_Switch";
const QUEUES: &[&str] = &[
    "Billing",
    "Sales",
    "Support EN",
    "Support PT",
    "Collections",
    "VIP",
    "Claims",
    "Escalations",
];
/// Fields a client may set on a Custom contact.
pub(crate) const WRITABLE: &[&str] = &[
    "name",
    "firstName",
    "lastName",
    "emailAddress",
    "phoneNumber",
    "phoneNumbers",
];

pub(crate) struct Store {
    contacts: RwLock<Contacts>,
    pub(crate) sessions: Sessions,
}

/// The contacts and the text the `NamesOrPhoneNumberMatches` filter looks at, kept in step.
pub(crate) struct Contacts {
    pub(crate) list: Vec<Value>,
    pub(crate) searchable: TextIndex,
}

impl Contacts {
    fn new(list: Vec<Value>) -> Self {
        let searchable = TextIndex::new(list.iter().map(filter::searchable_fields));
        Contacts { list, searchable }
    }
}

/// Write access to the contact list; the search index is rebuilt when it is dropped.
pub(crate) struct ContactsMut<'a>(RwLockWriteGuard<'a, Contacts>);

impl Deref for ContactsMut<'_> {
    type Target = Vec<Value>;
    fn deref(&self) -> &Vec<Value> {
        &self.0.list
    }
}

impl DerefMut for ContactsMut<'_> {
    fn deref_mut(&mut self) -> &mut Vec<Value> {
        &mut self.0.list
    }
}

impl Drop for ContactsMut<'_> {
    fn drop(&mut self) {
        let list = std::mem::take(&mut self.0.list);
        *self.0 = Contacts::new(list);
    }
}

/// GWS keeps e-mail addresses as the agent typed them: each part capitalised.
fn email_as_typed(email: &str) -> String {
    email
        .split_inclusive(['.', '@'])
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

pub(crate) fn links(contact: &mut Value, id: &str) {
    contact["id"] = json!(id);
    contact["uri"] = json!(format!("{BASE_URI}/contacts/{id}"));
    contact["path"] = json!(format!("/contacts/{id}"));
}

fn custom(p: &Person) -> Value {
    let id = stable_hex(p.index, 0x6e5_c057);
    let phone = p.phone_in_style(p.index + 4);
    let mut c = json!({
        "name": p.full_name(),
        "type": "Custom",
        "firstName": p.first_name,
        "lastName": p.last_name,
        "emailAddress": email_as_typed(&p.email),
    });
    match &p.second_national {
        None => c["phoneNumber"] = json!(phone),
        Some(second) => {
            c["phoneNumbers"] = json!([
                {"phoneNumber": phone, "description": "Mobile", "switchName": SWITCH},
                {"phoneNumber": format!("0{second}"), "description": "Home", "switchName": SWITCH},
            ]);
        }
    }
    links(&mut c, &id);
    c
}

fn user(p: &Person) -> Value {
    let id = stable_hex(p.index, 0x05e2);
    let mut c = json!({
        "name": p.full_name(),
        "type": "User",
        "userName": format!("agent{:04}", p.index),
        "firstName": p.first_name,
        "lastName": p.last_name,
        "employeeId": format!("E{:05}", p.index),
        "emailAddress": p.email,
        "phoneNumbers": [{"phoneNumber": format!("7{:03}", p.index % 1000), "description": "Extension", "switchName": SWITCH}],
        "availability": {"available": p.index.is_multiple_of(2)},
    });
    links(&mut c, &id);
    c
}

fn queue(n: usize, name: &str) -> Value {
    let id = stable_hex(n, 0x0_9e0e);
    let mut c = json!({
        "name": format!("{name} Queue"),
        "type": "Queue",
        "phoneNumber": format!("8{:03}", 100 + n),
    });
    links(&mut c, &id);
    c
}

impl Store {
    pub(crate) fn new(people: &[Person]) -> Self {
        let mut contacts = Vec::new();
        // 3 in 5 people are Custom contacts; 1 in 50 is an agent (a User contact).
        for p in people {
            if p.index % 5 < 3 {
                contacts.push(custom(p));
            }
            if p.index % 50 == 7 {
                contacts.push(user(p));
            }
        }
        contacts.extend(QUEUES.iter().enumerate().map(|(n, name)| queue(n, name)));
        Store {
            contacts: RwLock::new(Contacts::new(contacts)),
            sessions: Sessions::default(),
        }
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Contacts> {
        self.contacts.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn write(&self) -> ContactsMut<'_> {
        ContactsMut(self.contacts.write().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The writable fields of a request body (others are ignored, as GWS ignores read-only ones).
pub(crate) fn writable_fields(body: &Map<String, Value>) -> Map<String, Value> {
    body.iter()
        .filter(|(k, _)| WRITABLE.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
