//! Talkdesk: OAuth2 client credentials (`POST /oauth/token`) and the FSI Integrations
//! "Fetch Contacts" API (`GET /fsi/contacts`, `GET /fsi/contacts/{id}`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};

use super::{TextIndex, phone_suffix_match, stable_uuid};
use crate::Sim;
use crate::auth::tokens::{Check, TokenStore};
use crate::data::Person;

const API_BASE: &str = "https://api.talkdeskapp.com";
const READ_SCOPE: &str = "fsi-contacts:read";
const KNOWN_SCOPES: &[&str] = &[READ_SCOPE, "contacts:read"];
const DEFAULT_PER_PAGE: usize = 50;
const MAX_PER_PAGE: usize = 100;
const ADDRESS_TYPES: [&str; 3] = ["POSTAL", "PHYSICAL", "BOTH"];
const DOC_TYPES: [&str; 5] = [
    "SOCIAL_SECURITY",
    "DRIVER_LICENSE",
    "PASSPORT",
    "NATIONAL_ID",
    "OTHER",
];

struct Entry {
    contact: Value,
    phones: Vec<String>,
    name_lower: String,
    email_lower: String,
    redact_birth_date: bool,
    redact_id_document: bool,
}

pub(crate) struct Store {
    entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
    /// Each entry's name, in step with `entries`.
    names: TextIndex,
    /// The significant digits of each entry's phones, in step with `entries`.
    phone_digits: TextIndex,
    pub(crate) tokens: TokenStore,
}

impl Store {
    pub(crate) fn new(people: &[Person]) -> Self {
        // 3 in 4 people are Talkdesk contacts.
        let entries: Vec<Entry> = people.iter().filter(|p| p.index % 4 != 1).map(entry).collect();
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.contact["id"].as_str().unwrap_or_default().to_owned(), i))
            .collect();
        Store {
            names: TextIndex::new(entries.iter().map(|e| [&e.name_lower])),
            phone_digits: TextIndex::new(entries.iter().map(|e| e.phones.iter().map(|p| significant(p)))),
            entries,
            by_id,
            tokens: TokenStore::default(),
        }
    }

    /// The entries a search can match: narrowed by the index, then checked by `confidence`.
    fn candidates(&self, params: &HashMap<String, String>) -> Vec<usize> {
        let by_phone = params.get("phone_number").map(|phone| {
            // Two numbers that match share at least their last 7 significant digits.
            let digits = significant(phone);
            let tail = digits.get(digits.len().saturating_sub(7)..).unwrap_or_default();
            self.phone_digits.containing(tail)
        });
        let by_name = params
            .get("name")
            .map(|name| self.names.containing(&name.trim().to_lowercase()));
        match (by_phone, by_name) {
            (Some(phone), Some(name)) => phone
                .into_iter()
                .filter(|i| name.binary_search(i).is_ok())
                .collect(),
            (Some(only), None) | (None, Some(only)) => only,
            (None, None) => (0..self.entries.len()).collect(),
        }
    }
}

/// Digits without the leading zeros of trunk (`0`) and international (`00`) prefixes.
fn significant(phone: &str) -> String {
    super::digits(phone).trim_start_matches('0').to_owned()
}

fn entry(p: &Person) -> Entry {
    let id = stable_uuid(p.index, 0x7a1d_e5c0);
    let phone = p.phone_in_style(p.index + 2);
    let mut phones = vec![phone.clone()];
    let mut channels = vec![
        json!({"id": stable_uuid(p.index, 1), "type": "PHONE", "value": phone, "use": "MOBILE", "rank": 0}),
        json!({"id": stable_uuid(p.index, 2), "type": "EMAIL", "value": p.email, "use": "WORK", "rank": 0}),
    ];
    if let Some(second) = &p.second_national {
        let second = format!("+{}{second}", p.calling_code);
        let usage = if p.index.is_multiple_of(2) { "HOME" } else { "WORK" };
        channels.push(
            json!({"id": stable_uuid(p.index, 3), "type": "PHONE", "value": second, "use": usage, "rank": 1}),
        );
        phones.push(second);
    }
    if p.index.is_multiple_of(9) {
        channels.push(
            json!({"id": stable_uuid(p.index, 4), "type": "SMS", "value": phone, "use": "MOBILE", "rank": 2}),
        );
    }
    let addresses = if p.index.is_multiple_of(6) {
        json!([])
    } else {
        json!([{
            "id": stable_uuid(p.index, 5),
            "type": ADDRESS_TYPES[p.index % ADDRESS_TYPES.len()],
            "street": p.street,
            "city": p.city,
            "district": Value::Null,
            "state": Value::Null,
            "postal_code": p.postal_code,
            "country": p.country,
        }])
    };
    let contact = json!({
        "id": id,
        "member_id": format!("M{:08}", p.index * 37 + 11),
        "name": p.full_name(),
        "contacts": channels,
        "addresses": addresses,
        "id_document_number": format!("{:09}", (p.index * 7919 + 104_729) % 1_000_000_000),
        "id_document_type": DOC_TYPES[p.index % DOC_TYPES.len()],
        "birth_date": format!("{}-{:02}-{:02}", 1950 + p.index % 55, 1 + p.index % 12, 1 + p.index % 28),
        "_links": {"self": {"href": format!("{API_BASE}/fsi/contacts/{id}")}},
    });
    Entry {
        name_lower: p.full_name().to_lowercase(),
        email_lower: p.email.to_lowercase(),
        redact_birth_date: p.index % 7 == 2,
        redact_id_document: p.index % 5 == 3,
        contact,
        phones,
    }
}

pub(crate) fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/oauth/token", post(token))
        .route("/fsi/contacts", get(list))
        .route("/fsi/contacts/{id}", get(one))
}

/// Talkdesk's API error: `{code, message, description?, fields:[{name, description}]}`.
pub(crate) fn error(status: StatusCode, message: &str, description: Option<&str>) -> Response {
    error_with_fields(status, message, description, &[])
}

fn error_with_fields(
    status: StatusCode,
    message: &str,
    description: Option<&str>,
    fields: &[(&str, &str)],
) -> Response {
    let mut body = json!({
        "code": format!("0{:03}{:03}", 290, status.as_u16()),
        "message": message,
        "fields": fields.iter().map(|(name, description)| json!({"name": name, "description": description})).collect::<Vec<_>>(),
    });
    if let Some(description) = description {
        body["description"] = json!(description);
    }
    (status, Json(body)).into_response()
}

/// The OAuth2 server's error: `{error, error_description}`.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = Json(json!({"error": error, "error_description": description}));
    if status == StatusCode::UNAUTHORIZED {
        return (
            status,
            [(header::WWW_AUTHENTICATE, "Basic realm=\"talkdesk\"")],
            body,
        )
            .into_response();
    }
    (status, body).into_response()
}

async fn token(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let creds = &sim.config.credentials;
    let authenticated = crate::auth::basic_credentials(&headers)
        .is_some_and(|(id, secret)| id == creds.talkdesk_client_id && secret == creds.talkdesk_client_secret);
    if !authenticated {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
        );
    }
    let Ok(Form(form)) = form else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Expected an application/x-www-form-urlencoded body",
        );
    };
    match form.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required",
            );
        }
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "Only client_credentials is supported",
            );
        }
    }
    let requested: Vec<&str> = form
        .get("scope")
        .map(|s| s.split_whitespace().collect())
        .unwrap_or_default();
    if let Some(bad) = requested.iter().find(|s| !KNOWN_SCOPES.contains(s)) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            &format!("The scope {bad} is not granted to this client"),
        );
    }
    let scope = if requested.is_empty() {
        READ_SCOPE.to_owned()
    } else {
        requested.join(" ")
    };
    let ttl = sim.config.talkdesk_token_ttl;
    let access_token = sim.talkdesk.tokens.issue(ttl, &scope);
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": ttl.as_secs(),
            "scope": scope,
        })),
    )
        .into_response()
}

fn authorize(sim: &Sim, headers: &HeaderMap) -> Result<(), Response> {
    let Some(token) = crate::auth::bearer(headers) else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            Some("Missing bearer token"),
        ));
    };
    match sim.talkdesk.tokens.check(token) {
        Check::Valid { scope } if scope.split_whitespace().any(|s| s == READ_SCOPE) => Ok(()),
        Check::Valid { .. } => Err(error(
            StatusCode::FORBIDDEN,
            "Forbidden",
            Some("The token lacks the fsi-contacts:read scope"),
        )),
        Check::Expired => Err(error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            Some("Token expired"),
        )),
        Check::Unknown => Err(error(
            StatusCode::UNAUTHORIZED,
            "Unauthorized",
            Some("Invalid token"),
        )),
    }
}

fn bad_param(name: &str, description: &str) -> Response {
    error_with_fields(
        StatusCode::BAD_REQUEST,
        "Invalid request",
        None,
        &[(name, description)],
    )
}

fn positive(params: &HashMap<String, String>, name: &str, default: usize) -> Result<usize, Response> {
    match params.get(name).map(|v| v.parse::<usize>()) {
        None => Ok(default),
        Some(Ok(n)) if n >= 1 => Ok(n),
        Some(_) => Err(bad_param(name, "must be a positive integer")),
    }
}

/// A match's confidence: 1 for an exact hit, lower for partial ones.
fn confidence(entry: &Entry, params: &HashMap<String, String>) -> Option<f64> {
    let mut score: f64 = 1.0;
    if let Some(phone) = params.get("phone_number") {
        let hit = entry.phones.iter().find(|p| phone_suffix_match(phone, p))?;
        if super::digits(hit).trim_start_matches('0') != super::digits(phone).trim_start_matches('0') {
            score = score.min(0.85);
        }
    }
    if let Some(name) = params.get("name").map(|n| n.trim().to_lowercase()) {
        if !entry.name_lower.contains(&name) {
            return None;
        }
        if entry.name_lower != name {
            score = score.min(0.6);
        }
    }
    if let Some(email) = params.get("email")
        && !email.trim().eq_ignore_ascii_case(&entry.email_lower)
    {
        return None;
    }
    Some(score)
}

/// The contact with its redacted fields removed, and the names of those fields.
fn redacted(entry: &Entry) -> (Value, Vec<&'static str>) {
    let mut contact = entry.contact.clone();
    let mut fields = Vec::new();
    if let Some(obj) = contact.as_object_mut() {
        if entry.redact_birth_date {
            obj.remove("birth_date");
            fields.push("birth_date");
        }
        if entry.redact_id_document {
            obj.remove("id_document_number");
            fields.push("id_document_number");
        }
    }
    (contact, fields)
}

async fn list(
    State(sim): State<Arc<Sim>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(denied) = authorize(&sim, &headers) {
        return denied;
    }
    let page = match positive(&params, "page", 1) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let per_page = match positive(&params, "per_page", DEFAULT_PER_PAGE) {
        Ok(n) if n <= MAX_PER_PAGE => n,
        Ok(_) => return bad_param("per_page", "must be between 1 and 100"),
        Err(e) => return e,
    };
    if let Some(phone) = params.get("phone_number")
        && super::digits(phone).trim_start_matches('0').len() < 7
    {
        return bad_param("phone_number", "must contain at least 7 significant digits");
    }
    let store = &sim.talkdesk;
    let mut hits: Vec<(f64, &Entry)> = store
        .candidates(&params)
        .into_iter()
        .filter_map(|i| store.entries.get(i))
        .filter_map(|e| confidence(e, &params).map(|c| (c, e)))
        .collect();
    hits.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total = hits.len();
    let mut redacted_fields = Vec::new();
    let contacts: Vec<Value> = hits
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .enumerate()
        .map(|(i, (score, entry))| {
            let (contact, fields) = redacted(entry);
            redacted_fields.extend(
                fields
                    .iter()
                    .map(|f| format!("_embedded.contacts[{i}].contact.{f}")),
            );
            json!({"confidence_score": score, "contact": contact})
        })
        .collect();
    let total_pages = total.div_ceil(per_page);
    let link = |p: usize| json!({"href": format!("{API_BASE}/fsi/contacts?page={p}&per_page={per_page}")});
    let mut links = json!({"self": link(page)});
    if page < total_pages {
        links["next"] = link(page + 1);
    }
    let mut body = json!({
        "total": total,
        "page": page,
        "per_page": per_page,
        "total_pages": total_pages,
        "_links": links,
        "redacted_fields": redacted_fields,
    });
    // Moved in, not through `json!`, which would copy every contact into a new tree.
    body["_embedded"] = json!({});
    body["_embedded"]["contacts"] = Value::Array(contacts);
    Json(body).into_response()
}

async fn one(State(sim): State<Arc<Sim>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(denied) = authorize(&sim, &headers) {
        return denied;
    }
    let Some(entry) = sim
        .talkdesk
        .by_id
        .get(&id)
        .and_then(|&i| sim.talkdesk.entries.get(i))
    else {
        return error(
            StatusCode::NOT_FOUND,
            "Contact not found",
            Some("No contact has this id"),
        );
    };
    let (mut contact, fields) = redacted(entry);
    contact["redacted_fields"] = json!(fields);
    Json(contact).into_response()
}
