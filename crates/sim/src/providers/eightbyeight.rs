//! 8x8 Connect Contacts API v1: `GET /api/v1/accounts/{accountId}/contacts[/{contactId}]`.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use super::TextIndex;
use crate::Sim;
use crate::data::Person;

const MAX_QUERY_CHARS: usize = 320;
const TIERS: [&str; 3] = ["bronze", "silver", "gold"];

pub(crate) struct Store {
    contacts: Vec<Value>,
    /// Names and addresses of each contact, in step with `contacts`.
    haystacks: TextIndex,
    by_id: HashMap<u64, usize>,
}

/// 8x8 ids are numbers; offset them from the person index so they are not mistaken for it.
fn contact_id(person: &Person) -> u64 {
    880_000 + person.index as u64
}

impl Store {
    pub(crate) fn new(people: &[Person]) -> Self {
        let (mut contacts, mut haystacks, mut by_id) = (Vec::new(), Vec::new(), HashMap::new());
        // 9 in 10 people are 8x8 contacts.
        for p in people.iter().filter(|p| p.index % 10 != 3) {
            let nameless = p.index % 13 == 5;
            let msisdn = if p.index.is_multiple_of(2) {
                p.e164()
            } else {
                p.e164().trim_start_matches('+').to_owned()
            };
            let mut groups = vec![
                json!({"id": 11, "contacts": 0, "createdAt": "2024-01-10T09:00:00Z",
                "name": "Customers", "description": "All customers", "isBlacklist": false}),
            ];
            if p.index.is_multiple_of(17) {
                groups.push(
                    json!({"id": 12, "contacts": 0, "createdAt": "2024-02-01T09:00:00Z",
                    "name": "Do not contact", "description": null, "isBlacklist": true}),
                );
            }
            let mut addresses = json!({"msisdn": msisdn, "email": p.email});
            if p.index.is_multiple_of(4) {
                addresses["lineId"] = json!(format!("line_{}", p.index));
            }
            if p.index.is_multiple_of(6) {
                addresses["weChatUserId"] = json!(format!("wx{}", p.index * 7));
            }
            let contact = json!({
                "id": contact_id(p),
                "createdAt": format!("2024-{:02}-{:02}T10:{:02}:00Z", 1 + p.index % 12, 1 + p.index % 28, p.index % 60),
                "firstName": if nameless { Value::Null } else { json!(p.first_name) },
                "lastName": if nameless { Value::Null } else { json!(p.last_name) },
                "externalId": format!("CRM-{:06}", p.index),
                "country": p.country,
                "groups": groups,
                "addresses": addresses,
                "customAttributes": {"tier": TIERS[p.index % TIERS.len()], "city": p.city},
            });
            let haystack = if nameless {
                format!("{msisdn} {}", p.email)
            } else {
                format!("{} {} {msisdn} {}", p.full_name(), p.last_name, p.email)
            };
            by_id.insert(contact_id(p), contacts.len());
            contacts.push(contact);
            haystacks.push([haystack]);
        }
        Store {
            contacts,
            haystacks: TextIndex::new(haystacks),
            by_id,
        }
    }
}

pub(crate) fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/api/v1/accounts/{account}/contacts", get(list))
        .route("/api/v1/accounts/{account}/contacts/{id}", get(one))
}

/// 8x8's error envelope: `{code, message, errorId, timestamp}`.
pub(crate) fn error(status: StatusCode, code: u32, message: &str) -> Response {
    static SERIAL: AtomicU64 = AtomicU64::new(1);
    let n = SERIAL.fetch_add(1, Ordering::Relaxed);
    let body = json!({
        "code": code,
        "message": message,
        "errorId": format!("00000000-0000-4000-8000-{n:012x}"),
        "timestamp": crate::data::now_iso8601(),
    });
    (status, Json(body)).into_response()
}

fn authorize(sim: &Sim, headers: &HeaderMap, account: &str) -> Result<(), Response> {
    let expected = format!("Bearer {}", sim.config.credentials.eightbyeight_key);
    let given = headers.get("authorization").and_then(|v| v.to_str().ok());
    if given != Some(expected.as_str()) {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            1010,
            "Invalid or missing API key",
        ));
    }
    if account != sim.config.credentials.eightbyeight_account {
        return Err(error(
            StatusCode::FORBIDDEN,
            1030,
            "The API key has no access to this account",
        ));
    }
    Ok(())
}

async fn list(
    State(sim): State<Arc<Sim>>,
    Path(account): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(denied) = authorize(&sim, &headers, &account) {
        return denied;
    }
    let limit = match params.get("limit").map(|l| l.parse::<usize>()) {
        None => 20,
        Some(Ok(l)) if (1..=500).contains(&l) => l,
        Some(_) => return error(StatusCode::BAD_REQUEST, 1001, "limit must be between 1 and 500"),
    };
    let page = match params.get("offset").map(|o| o.parse::<usize>()) {
        None => 0,
        Some(Ok(o)) => o,
        Some(Err(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                1001,
                "offset must be a non-negative integer",
            );
        }
    };
    let query = params.get("query").map(|q| q.trim()).unwrap_or_default();
    if query.chars().count() > MAX_QUERY_CHARS {
        return error(
            StatusCode::BAD_REQUEST,
            1001,
            "query must be at most 320 characters",
        );
    }
    let store = &sim.eightbyeight;
    let matches: Vec<&Value> = store
        .haystacks
        .containing(&query.to_lowercase())
        .into_iter()
        .filter_map(|i| store.contacts.get(i))
        .filter(|c| {
            params
                .get("country")
                .is_none_or(|want| c["country"].as_str() == Some(want.as_str()))
        })
        .collect();
    let filtered = matches.len();
    let total_pages = filtered.div_ceil(limit);
    let items: Vec<&Value> = matches
        .into_iter()
        .skip(page.saturating_mul(limit))
        .take(limit)
        .collect();
    super::page_body(
        json!({
            "page": page,
            "totalPages": total_pages,
            "totalCount": store.contacts.len(),
            "totalFiltered": filtered,
            "hasPreviousPage": page > 0,
            "hasNextPage": page + 1 < total_pages,
        }),
        "items",
        &items,
    )
}

async fn one(
    State(sim): State<Arc<Sim>>,
    Path((account, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    if let Err(denied) = authorize(&sim, &headers, &account) {
        return denied;
    }
    let found = id
        .parse::<u64>()
        .ok()
        .and_then(|id| sim.eightbyeight.by_id.get(&id));
    match found.and_then(|&i| sim.eightbyeight.contacts.get(i)) {
        Some(contact) => Json(contact.clone()).into_response(),
        None => error(StatusCode::NOT_FOUND, 1040, "Contact not found"),
    }
}
