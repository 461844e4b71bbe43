//! `/proxy/{source}/{path}?{query}` → `{base_url}/{path}?{query}` with the source's
//! credentials, after the route check.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::Proxy;
use crate::routes::{self, Refusal};

/// Response headers worth passing back to the widget; everything else (cookies, upstream
/// server details) stays behind.
const PASSED_BACK: [header::HeaderName; 3] =
    [header::CONTENT_TYPE, header::RETRY_AFTER, header::CONTENT_LENGTH];

/// The proxy's own errors carry this header so the widget can tell them from a provider's.
pub const ERROR_HEADER: &str = "x-cardfile-error";

pub(crate) fn refuse(status: StatusCode, code: &'static str, message: String) -> Response {
    let mut response = (status, axum::Json(json!({"error": code, "message": message}))).into_response();
    response
        .headers_mut()
        .insert(ERROR_HEADER, HeaderValue::from_static(code));
    response
}

pub(crate) async fn forward(
    State(proxy): State<Arc<Proxy>>,
    Path((source_id, _)): Path<(String, String)>,
    method: Method,
    uri: Uri,
) -> Response {
    let Some(upstream) = proxy.upstreams.get(&source_id) else {
        return refuse(
            StatusCode::NOT_FOUND,
            "unknown_source",
            format!("no source `{source_id}` is configured"),
        );
    };
    // The raw path, still encoded: axum's decoded `{*path}` would hide `%2F` and friends.
    let prefix_len = "/proxy/".len() + source_id.len();
    let raw_path = uri.path().get(prefix_len..).unwrap_or_default();
    if let Err(refusal) = routes::check(&upstream.source.kind, &method, raw_path) {
        let (code, why) = match refusal {
            Refusal::Method => ("method_not_allowed", format!("{method} is not allowed")),
            Refusal::Path(why) => ("route_not_allowed", why.to_owned()),
        };
        return refuse(
            StatusCode::FORBIDDEN,
            code,
            format!("{why}: {}", truncated(raw_path)),
        );
    }
    let mut url = format!("{}{}", upstream.source.base_url, raw_path);
    if let Some(query) = uri.query() {
        url.push('?');
        url.push_str(query);
    }
    let request = proxy
        .client
        .request(method, &url)
        .header(header::ACCEPT, "application/json")
        .header(header::AUTHORIZATION, upstream.credential.authorization().await);
    match request.send().await {
        Ok(reply) => pass_back(reply),
        Err(e) if e.is_timeout() => refuse(
            StatusCode::GATEWAY_TIMEOUT,
            "upstream_timeout",
            format!("{} did not answer in time", upstream.source.label),
        ),
        Err(_) => refuse(
            StatusCode::BAD_GATEWAY,
            "upstream_unreachable",
            format!("{} could not be reached", upstream.source.label),
        ),
    }
}

fn pass_back(reply: reqwest::Response) -> Response {
    let status = reply.status();
    let mut headers = HeaderMap::new();
    for name in PASSED_BACK {
        if let Some(value) = reply.headers().get(&name) {
            headers.insert(name, value.clone());
        }
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let mut response = Response::new(Body::from_stream(reply.bytes_stream()));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    response
}

fn truncated(s: &str) -> String {
    s.chars().take(120).collect()
}
