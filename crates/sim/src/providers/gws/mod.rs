//! Genesys Web Services 8.5 Contacts API under `/gws/api/v2/contacts`: HTTP Basic, CSRF
//! tokens on every GET that writes must echo, attribute and wildcard filters, offset/limit
//! paging, and writes to Custom contacts only.

mod filter;
mod store;

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Map, Value, json};

pub(crate) use store::Store;

use crate::Sim;
use crate::auth::csrf;

pub(crate) fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/api/v2/contacts", get(list).post(create))
        .route("/api/v2/contacts/{id}", get(one).put(update).delete(remove))
}

/// The HTTP status GWS pairs with each of its statusCodes.
fn http_status(code: u32) -> StatusCode {
    match code {
        0 => StatusCode::OK,
        1 | 2 => StatusCode::BAD_REQUEST,
        3 | 5 => StatusCode::FORBIDDEN,
        6 => StatusCode::NOT_FOUND,
        18 => StatusCode::CONFLICT,
        20 => StatusCode::UNAUTHORIZED,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The statusCode for a bare HTTP status (injected faults). 4 for server-side trouble is an
/// assumption: the public ReturnValues page lists no code for it.
pub(crate) fn status_code_for(status: StatusCode) -> u32 {
    match status.as_u16() {
        400 => 2,
        401 => 20,
        403 => 3,
        404 => 6,
        409 => 18,
        _ => 4,
    }
}

/// GWS's error: the HTTP status plus `{statusCode, statusMessage}`.
pub(crate) fn error(status: StatusCode, code: u32, message: &str) -> Response {
    let body = Json(json!({"statusCode": code, "statusMessage": message}));
    if status == StatusCode::UNAUTHORIZED {
        return (status, [(header::WWW_AUTHENTICATE, "Basic realm=\"GWS\"")], body).into_response();
    }
    (status, body).into_response()
}

fn fail(code: u32, message: &str) -> Response {
    error(http_status(code), code, message)
}

fn authenticate(sim: &Sim, headers: &HeaderMap) -> Result<(), Response> {
    let creds = &sim.config.credentials;
    match crate::auth::basic_credentials(headers) {
        Some((user, password)) if user == creds.gws_user && password == creds.gws_password => Ok(()),
        _ => Err(fail(20, "Not authenticated")),
    }
}

/// A GET's answer with the session's CSRF token and cookie attached.
fn with_csrf(sim: &Sim, headers: &HeaderMap, mut response: Response) -> Response {
    let (session, token) = sim.gws.sessions.session_for(headers);
    let h = response.headers_mut();
    h.insert("X-CSRF-HEADER", HeaderValue::from_static(csrf::HEADER_NAME));
    if let Ok(token) = HeaderValue::from_str(&token) {
        h.insert(csrf::HEADER_NAME, token);
    }
    if let Ok(cookie) = HeaderValue::from_str(&format!("{}={session}; Path=/; HttpOnly", csrf::COOKIE)) {
        h.insert(header::SET_COOKIE, cookie);
    }
    response
}

/// Basic auth plus the session cookie and its CSRF token, as every write needs.
fn authorize_write(sim: &Sim, headers: &HeaderMap) -> Result<(), Response> {
    authenticate(sim, headers)?;
    if sim.gws.sessions.verify(headers) {
        Ok(())
    } else {
        Err(fail(3, "Forbidden: missing or invalid CSRF token"))
    }
}

fn index_param(params: &HashMap<String, String>, name: &str, min: usize) -> Result<Option<usize>, Response> {
    match params.get(name).map(|v| v.parse::<usize>()) {
        None => Ok(None),
        Some(Ok(n)) if n >= min => Ok(Some(n)),
        Some(_) => Err(fail(2, &format!("Invalid parameter: {name}"))),
    }
}

async fn list(
    State(sim): State<Arc<Sim>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    if let Err(denied) = authenticate(&sim, &headers) {
        return denied;
    }
    let answer = (|| {
        let offset = index_param(&params, "offset", 0)?.unwrap_or(0);
        let limit = index_param(&params, "limit", 1)?.unwrap_or(usize::MAX);
        let filter = filter::Filter::parse(&params).map_err(|(code, message)| fail(code, &message))?;
        let contacts = sim.gws.read();
        let all = &contacts.list;
        let (total, page): (usize, Vec<&Value>) = if filter.is_empty() {
            (all.len(), all.iter().skip(offset).take(limit).collect())
        } else {
            let matching: Vec<&Value> = filter
                .candidates(&contacts)
                .into_iter()
                .filter_map(|i| all.get(i))
                .filter(|c| filter.matches(c))
                .collect();
            let page = matching.iter().skip(offset).take(limit).copied().collect();
            (matching.len(), page)
        };
        Ok::<_, Response>(super::page_body(
            json!({"statusCode": 0, "totalCount": total}),
            "contacts",
            &page,
        ))
    })();
    with_csrf(&sim, &headers, answer.unwrap_or_else(|e| e))
}

async fn one(State(sim): State<Arc<Sim>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(denied) = authenticate(&sim, &headers) {
        return denied;
    }
    let found = sim
        .gws
        .read()
        .list
        .iter()
        .find(|c| c["id"].as_str() == Some(id.as_str()))
        .cloned();
    let answer = match found {
        Some(contact) => Json(contact).into_response(),
        None => fail(6, "Contact not found"),
    };
    with_csrf(&sim, &headers, answer)
}

fn body_object(body: Result<Json<Value>, JsonRejection>) -> Result<Map<String, Value>, Response> {
    match body {
        Ok(Json(Value::Object(map))) => Ok(map),
        _ => Err(fail(2, "Invalid parameter: the body must be a JSON object")),
    }
}

async fn create(
    State(sim): State<Arc<Sim>>,
    headers: HeaderMap,
    body: Result<Json<Value>, JsonRejection>,
) -> Response {
    if let Err(denied) = authorize_write(&sim, &headers) {
        return denied;
    }
    let body = match body_object(body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if body.get("type").is_some_and(|t| t != "Custom") {
        return fail(3, "Forbidden: only Custom contacts can be created");
    }
    let named = body
        .get("name")
        .and_then(Value::as_str)
        .is_some_and(|n| !n.trim().is_empty());
    if !named {
        return fail(1, "Missing parameter: name");
    }
    let id = crate::auth::random_token();
    let mut contact = Value::Object(store::writable_fields(&body));
    contact["type"] = json!("Custom");
    store::links(&mut contact, &id);
    sim.gws.write().push(contact);
    Json(json!({"statusCode": 0, "id": id, "path": format!("/contacts/{id}")})).into_response()
}

/// Finds a contact for a write: not found (6) and read-only Queue/User contacts (3) refused.
fn writable_position(all: &[Value], id: &str) -> Result<usize, Response> {
    let Some(i) = all.iter().position(|c| c["id"].as_str() == Some(id)) else {
        return Err(fail(6, "Contact not found"));
    };
    if all[i]["type"].as_str() != Some("Custom") {
        return Err(fail(3, "Forbidden: Queue and User contacts are read-only"));
    }
    Ok(i)
}

async fn update(
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<Value>, JsonRejection>,
) -> Response {
    if let Err(denied) = authorize_write(&sim, &headers) {
        return denied;
    }
    let body = match body_object(body) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut all = sim.gws.write();
    let i = match writable_position(&all, &id) {
        Ok(i) => i,
        Err(e) => return e,
    };
    if let Some(contact) = all[i].as_object_mut() {
        let fields = store::writable_fields(&body);
        // One number or a list, never both.
        if fields.contains_key("phoneNumbers") {
            contact.remove("phoneNumber");
        } else if fields.contains_key("phoneNumber") {
            contact.remove("phoneNumbers");
        }
        contact.extend(fields);
    }
    Json(json!({"statusCode": 0})).into_response()
}

async fn remove(State(sim): State<Arc<Sim>>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    if let Err(denied) = authorize_write(&sim, &headers) {
        return denied;
    }
    let mut all = sim.gws.write();
    match writable_position(&all, &id) {
        Ok(i) => {
            all.remove(i);
            Json(json!({"statusCode": 0})).into_response()
        }
        Err(e) => e,
    }
}
