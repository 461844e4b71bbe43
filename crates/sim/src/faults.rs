//! Fault injection at run time: `POST /_sim/faults` arms a fault for one provider prefix,
//! `GET` lists the armed ones, `DELETE` clears them. The middleware applies them to the
//! provider's requests: an error status in the provider's own body shape, added latency, a
//! hang, malformed JSON, an HTML error page (200 or an error status), the real answer
//! truncated or mislabelled, or an empty 200.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::Sim;

pub(crate) const PROVIDERS: &[&str] = &["8x8", "talkdesk", "symphony", "gws", "smartflo"];
/// The longest a `hang` fault holds a request.
pub(crate) const MAX_HANG: Duration = Duration::from_secs(120);
/// Largest body the `truncated` fault buffers.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// One armed fault as posted (and as listed back).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub(crate) struct FaultSpec {
    pub provider: String,
    /// `status`, `latency`, `hang`, `malformed_json`, `html`, `truncated`, `empty` or
    /// `wrong_content_type`.
    pub fault: String,
    /// How many requests it applies to; absent: until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// HTTP status for `status` (required) and `html` (default 502).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Milliseconds for `latency` (required) and `hang` (default and cap 120 000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ms: Option<u64>,
    /// `Retry-After` seconds sent with 429 and 503 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// Only requests whose path after the provider prefix starts with this (e.g.
    /// `/v1/contacts`, sparing the login endpoint); absent: every request of the provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Status {
        status: StatusCode,
        retry_after: u64,
    },
    Latency(Duration),
    Hang(Duration),
    MalformedJson,
    Html(StatusCode),
    Truncated,
    /// 200 with no body at all.
    Empty,
    /// The real answer labelled `text/plain`.
    WrongContentType,
}

#[derive(Debug)]
struct Armed {
    spec: FaultSpec,
    kind: Kind,
}

#[derive(Debug, Default)]
pub(crate) struct Faults {
    armed: Mutex<Vec<Armed>>,
}

fn parse(spec: &FaultSpec) -> Result<Kind, String> {
    if !PROVIDERS.contains(&spec.provider.as_str()) {
        return Err(format!("provider must be one of {}", PROVIDERS.join(", ")));
    }
    if spec.count == Some(0) {
        return Err("count must be at least 1 (omit it for until cleared)".into());
    }
    let error_status = |code: Option<u16>| {
        code.and_then(|c| StatusCode::from_u16(c).ok())
            .filter(|s| s.is_client_error() || s.is_server_error())
    };
    Ok(match spec.fault.as_str() {
        "status" => Kind::Status {
            status: error_status(spec.status).ok_or("status needs an HTTP error code in `status`")?,
            retry_after: spec.retry_after.unwrap_or(1),
        },
        "latency" => Kind::Latency(Duration::from_millis(spec.ms.ok_or("latency needs `ms`")?)),
        "hang" => Kind::Hang(Duration::from_millis(spec.ms.unwrap_or(u64::MAX)).min(MAX_HANG)),
        "malformed_json" => Kind::MalformedJson,
        "html" => Kind::Html(match spec.status {
            None => StatusCode::BAD_GATEWAY,
            // A proxy or portal page answering 200 is as real as a 502 one.
            Some(200) => StatusCode::OK,
            code => error_status(code).ok_or("html takes 200 or an HTTP error code in `status`")?,
        }),
        "truncated" => Kind::Truncated,
        "empty" => Kind::Empty,
        "wrong_content_type" => Kind::WrongContentType,
        _ => return Err("fault must be status, latency, hang, malformed_json, html, truncated, empty or wrong_content_type".into()),
    })
}

impl Faults {
    /// The faults to apply to one request of `provider`: all latencies, then at most one
    /// other fault; counts are used up as faults apply.
    fn take(&self, provider: &str, path: &str) -> (Duration, Option<Kind>) {
        let mut armed = self.armed.lock().unwrap_or_else(PoisonError::into_inner);
        let mut delay = Duration::ZERO;
        let mut terminal = None;
        let targets = |f: &Armed| {
            f.spec.provider == provider && f.spec.path.as_deref().is_none_or(|p| path.starts_with(p))
        };
        for fault in armed.iter_mut().filter(|f| targets(f)) {
            let applies = match fault.kind {
                Kind::Latency(d) => {
                    delay += d;
                    true
                }
                kind if terminal.is_none() => {
                    terminal = Some(kind);
                    true
                }
                _ => false,
            };
            if applies && let Some(count) = fault.spec.count.as_mut() {
                *count = count.saturating_sub(1);
            }
        }
        armed.retain(|f| f.spec.count != Some(0));
        (delay, terminal)
    }
}

pub(crate) fn routes() -> Router<Arc<Sim>> {
    Router::new().route("/_sim/faults", get(list).post(arm).delete(clear))
}

async fn list(State(sim): State<Arc<Sim>>) -> Json<Vec<FaultSpec>> {
    let armed = sim.faults.armed.lock().unwrap_or_else(PoisonError::into_inner);
    Json(armed.iter().map(|f| f.spec.clone()).collect())
}

async fn arm(
    State(sim): State<Arc<Sim>>,
    spec: Result<Json<FaultSpec>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(spec)) = spec else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "expected JSON {provider, fault, count?, status?, ms?, retry_after?}"})),
        )
            .into_response();
    };
    match parse(&spec) {
        Ok(kind) => {
            let mut armed = sim.faults.armed.lock().unwrap_or_else(PoisonError::into_inner);
            armed.push(Armed {
                spec: spec.clone(),
                kind,
            });
            (StatusCode::CREATED, Json(spec)).into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, Json(json!({"error": e}))).into_response(),
    }
}

async fn clear(State(sim): State<Arc<Sim>>) -> StatusCode {
    sim.faults
        .armed
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clear();
    StatusCode::NO_CONTENT
}

/// Middleware: applies armed faults to requests under a provider prefix.
pub(crate) async fn inject(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let provider = request
        .uri()
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    if !PROVIDERS.contains(&provider) {
        return next.run(request).await;
    }
    let provider = provider.to_owned();
    let rest = request
        .uri()
        .path()
        .get(provider.len() + 1..)
        .unwrap_or_default()
        .to_owned();
    let (delay, terminal) = sim.faults.take(&provider, &rest);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match terminal {
        None => next.run(request).await,
        Some(Kind::Latency(_)) => next.run(request).await,
        Some(Kind::Status { status, retry_after }) => status_fault(&provider, status, retry_after),
        Some(Kind::Hang(bound)) => {
            tokio::time::sleep(bound).await;
            status_fault(&provider, StatusCode::GATEWAY_TIMEOUT, 1)
        }
        Some(Kind::MalformedJson) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "{\"contacts\": [{\"id\": \"1\", \"name\": \"Broken\",, }",
        )
            .into_response(),
        Some(Kind::Html(status)) => html_page(status),
        Some(Kind::Truncated) => truncate(next.run(request).await).await,
        Some(Kind::Empty) => (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")]).into_response(),
        Some(Kind::WrongContentType) => {
            let mut response = next.run(request).await;
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            response
        }
    }
}

fn status_fault(provider: &str, status: StatusCode, retry_after: u64) -> Response {
    let mut response =
        crate::providers::error_for(provider, status).unwrap_or_else(|| status.into_response());
    if matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
    ) {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
    }
    response
}

fn html_page(status: StatusCode) -> Response {
    let reason = status.canonical_reason().unwrap_or("Error");
    let code = status.as_u16();
    let body = format!(
        "<!DOCTYPE html>\n<html><head><title>{code} {reason}</title></head>\n<body><center><h1>{code} {reason}</h1></center>\n<hr><center>nginx</center>\n</body></html>\n"
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// The real answer with its body cut in half (headers kept, length corrected).
async fn truncate(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY).await.unwrap_or_default();
    let cut = bytes.slice(..bytes.len() / 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(cut))
}
