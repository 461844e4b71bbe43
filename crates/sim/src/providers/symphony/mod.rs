//! Symphony Connect customer contacts (WhatsApp, SMS, WeChat, LINE connectors), under
//! `/symphony/api/...`: RS512 JWT auth, exact phone/e-mail filters, a name search and
//! cursor paging.

mod cursor;
mod store;

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

pub(crate) use store::Store;
use store::{Contact, NETWORKS};

use crate::Sim;

/// Symphony's problem-style error `{type, title, status}`.
pub(crate) fn problem(status: StatusCode, kind: &str, title: &str) -> Response {
    (
        status,
        Json(json!({"type": kind, "title": title, "status": status.as_u16()})),
    )
        .into_response()
}

/// The problem `type` Symphony uses for a bare HTTP status.
pub(crate) fn problem_type(status: StatusCode) -> String {
    match status.as_u16() {
        400 => "bad.request".into(),
        401 => "unauthorized".into(),
        403 => "forbidden".into(),
        404 => "not.found".into(),
        429 => "too.many.requests".into(),
        503 => "service.unavailable".into(),
        _ => status
            .canonical_reason()
            .unwrap_or("error")
            .to_lowercase()
            .replace(' ', "."),
    }
}

pub(crate) fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/api/v2/customer/contacts", get(list_v2))
        .route("/api/v2/customer/contact", get(one_by_phone))
        .route(
            "/api/v2/customer/contacts/{symphony_id}/advisors",
            get(advisors_of),
        )
        .route(
            "/api/v1/customer/advisors/{advisor}/externalNetwork/{network}/contacts",
            get(contacts_of_advisor),
        )
        .route(
            "/api/v1/customer/contacts/externalNetwork/{network}/search",
            get(search),
        )
}

/// Proof that the request carried a valid, fresh RS512 JWT (see `auth::jwt`); handlers take
/// it first so authentication is checked before anything else.
struct Authorized;

impl FromRequestParts<Arc<Sim>> for Authorized {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, sim: &Arc<Sim>) -> Result<Self, Response> {
        let verdict = match crate::auth::bearer(&parts.headers) {
            None => Err("missing bearer JWT".to_owned()),
            Some(token) => sim.symphony.jwt.verify(token, crate::auth::now_secs()),
        };
        verdict.map(|()| Authorized).map_err(|why| {
            problem(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                &format!("Unauthorized: {why}"),
            )
        })
    }
}

type Params = Query<HashMap<String, String>>;

fn network(name: Option<&String>) -> Result<&'static str, Response> {
    let Some(name) = name else {
        return Err(problem(
            StatusCode::BAD_REQUEST,
            "bad.request",
            "externalNetwork is required",
        ));
    };
    NETWORKS
        .iter()
        .find(|n| **n == name.as_str())
        .copied()
        .ok_or_else(|| {
            problem(
                StatusCode::NOT_FOUND,
                "external.network.not.found",
                &format!("External network {name} not found"),
            )
        })
}

/// One cursor page of `items` under `key` (`contacts` or `advisors`).
/// The page `params` ask for of `items`, each rendered only if it is on that page.
fn paged<T>(
    sim: &Sim,
    path: &str,
    params: &HashMap<String, String>,
    key: &str,
    items: &[T],
    render: impl Fn(&T) -> Value,
) -> Response {
    match cursor::page(&sim.symphony.cursor_keys, path, params, items.len()) {
        Ok(page) => {
            let window: Vec<Value> = items
                .get(page.start..page.end)
                .unwrap_or_default()
                .iter()
                .map(render)
                .collect();
            super::page_body(json!({"pagination": page.pagination}), key, &window)
        }
        Err(cursor::PageError::BadCursor) => problem(
            StatusCode::BAD_REQUEST,
            "invalid.page.cursor",
            "The page cursor is invalid",
        ),
        Err(cursor::PageError::BadLimit) => problem(
            StatusCode::BAD_REQUEST,
            "bad.request",
            &format!("limit must be between 1 and {}", cursor::MAX_LIMIT),
        ),
    }
}

async fn list_v2(_: Authorized, State(sim): State<Arc<Sim>>, Query(params): Params) -> Response {
    let net = match network(params.get("externalNetwork")) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let blocked = match params.get("phoneBlocked").map(String::as_str) {
        None | Some("all") => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => {
            return problem(
                StatusCode::BAD_REQUEST,
                "bad.request",
                "phoneBlocked must be all, true or false",
            );
        }
    };
    let wanted = |c: &&Contact| {
        c.network == net
            && params.get("phoneNumber").is_none_or(|p| *p == c.phone)
            && params
                .get("emailAddress")
                .is_none_or(|e| e.eq_ignore_ascii_case(&c.email))
            && params.get("symphonyId").is_none_or(|s| *s == c.symphony_id)
            && params
                .get("advisorSymphonyId")
                .is_none_or(|a| c.advisor_ids.contains(a))
            && blocked.is_none_or(|b| b == c.blocked)
    };
    let items: Vec<&Contact> = sim.symphony.contacts.iter().filter(wanted).collect();
    paged(&sim, "v2/contacts", &params, "contacts", &items, |c| {
        c.value.clone()
    })
}

async fn one_by_phone(_: Authorized, State(sim): State<Arc<Sim>>, Query(params): Params) -> Response {
    let net = match network(params.get("externalNetwork")) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let Some(phone) = params.get("phoneNumber") else {
        return problem(StatusCode::BAD_REQUEST, "bad.request", "phoneNumber is required");
    };
    match sim
        .symphony
        .contacts
        .iter()
        .find(|c| c.network == net && c.phone == *phone)
    {
        Some(c) => Json(c.value.clone()).into_response(),
        None => problem(StatusCode::NOT_FOUND, "contact.not.found", "Contact not found"),
    }
}

async fn advisors_of(
    _: Authorized,
    State(sim): State<Arc<Sim>>,
    Path(symphony_id): Path<String>,
    Query(params): Params,
) -> Response {
    let Some(contact) = sim
        .symphony
        .contacts
        .iter()
        .find(|c| c.symphony_id == symphony_id)
    else {
        return problem(StatusCode::NOT_FOUND, "contact.not.found", "Contact not found");
    };
    let advisors = sim
        .symphony
        .advisors
        .iter()
        .filter(|a| {
            a["symphonyId"]
                .as_str()
                .is_some_and(|id| contact.advisor_ids.iter().any(|c| c == id))
        })
        .collect::<Vec<&Value>>();
    paged(
        &sim,
        &format!("v2/advisors/{symphony_id}"),
        &params,
        "advisors",
        &advisors,
        |a| (*a).clone(),
    )
}

async fn contacts_of_advisor(
    _: Authorized,
    State(sim): State<Arc<Sim>>,
    Path((advisor, net)): Path<(String, String)>,
    Query(params): Params,
) -> Response {
    let net = match network(Some(&net)) {
        Ok(n) => n,
        Err(e) => return e,
    };
    if !sim.symphony.advisor_exists(&advisor) {
        return problem(StatusCode::NOT_FOUND, "advisor.not.found", "Advisor not found");
    }
    let items: Vec<&Contact> = sim
        .symphony
        .contacts
        .iter()
        .filter(|c| c.network == net && c.advisor_ids.contains(&advisor))
        .collect();
    paged(
        &sim,
        &format!("v1/advisor/{advisor}/{net}"),
        &params,
        "contacts",
        &items,
        |c| c.value.clone(),
    )
}

/// The v1 search item: the contact as the search reports it (no blocked-by fields, status
/// possibly OPTED_IN / OPTED_OUT).
fn search_item(c: &Contact) -> Value {
    let mut v = c.value.clone();
    if let Some(obj) = v.as_object_mut() {
        for key in [
            "advisorSymphonyId",
            "reason",
            "comment",
            "requestDate",
            "phoneNumberBlockedBy",
        ] {
            obj.remove(key);
        }
        obj.insert("status".into(), json!(c.search_status));
    }
    v
}

async fn search(
    _: Authorized,
    State(sim): State<Arc<Sim>>,
    Path(net): Path<String>,
    Query(params): Params,
) -> Response {
    let net = match network(Some(&net)) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let query = params
        .get("query")
        .map(|q| q.trim().to_lowercase())
        .unwrap_or_default();
    if query.is_empty() {
        return problem(StatusCode::BAD_REQUEST, "bad.request", "query is required");
    }
    let store = &sim.symphony;
    let candidates: Vec<&Contact> = store
        .names
        .field_starting_with(&query)
        .into_iter()
        .filter_map(|i| store.contacts.get(i))
        .filter(|c| c.network == net)
        .collect();
    // First-name matches first, then last-name, then display-name matches, each once.
    let mut ordered: Vec<&Contact> = Vec::with_capacity(candidates.len());
    let mut taken = vec![false; candidates.len()];
    let tiers: [fn(&Contact) -> &str; 3] = [|c| &c.first_lower, |c| &c.last_lower, |c| &c.display_lower];
    for field in tiers {
        for (c, taken) in candidates.iter().zip(taken.iter_mut()) {
            if !*taken && field(c).starts_with(&query) {
                *taken = true;
                ordered.push(c);
            }
        }
    }
    paged(
        &sim,
        &format!("v1/search/{net}"),
        &params,
        "contacts",
        &ordered,
        |c| search_item(c),
    )
}
