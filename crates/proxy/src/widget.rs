//! Serves the built widget under `/widget/`, its runtime config, and the demo desktop at `/`,
//! with the caching and security headers an embedded widget needs.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::services::ServeDir;

use crate::Proxy;

pub(crate) fn routes(proxy: &Arc<Proxy>) -> Router<Arc<Proxy>> {
    let mut router = Router::new()
        .route("/widget/cardfile.json", get(runtime_config))
        .route("/widget", get(|| async { Redirect::permanent("/widget/") }));
    if let Some(dir) = &proxy.config.widget_dir {
        router = router.nest_service(
            "/widget/",
            ServeDir::new(dir).precompressed_br().precompressed_gzip(),
        );
    }
    if let Some(dir) = &proxy.config.demo_dir {
        router = router.fallback_service(ServeDir::new(dir));
    }
    router.layer(middleware::from_fn_with_state(proxy.clone(), page_headers))
}

/// What the widget needs to know about each source, never a secret.
async fn runtime_config(State(proxy): State<Arc<Proxy>>) -> Response {
    let sources: Vec<_> = proxy
        .config
        .sources
        .iter()
        .map(|s| json!({"id": s.id, "kind": s.kind, "label": s.label, "options": s.options}))
        .collect();
    let mut response = Json(json!({ "sources": sources })).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Caching by file kind (trunk hashes asset names, so they never change) and a
/// Content-Security-Policy whose `frame-ancestors` lists the configured desktops.
async fn page_headers(State(proxy): State<Arc<Proxy>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let is_page = path.ends_with('/') || path.ends_with(".html");
    let headers = response.headers_mut();
    let cache = if is_page || path.ends_with(".json") {
        "no-cache"
    } else if path.starts_with("/widget/") && looks_hashed(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=300"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if is_page {
        let ancestors = std::iter::once("'self'")
            .chain(proxy.config.allowed_origins.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        let csp = format!("frame-ancestors {ancestors}; object-src 'none'; base-uri 'none'");
        if let Ok(value) = HeaderValue::from_str(&csp) {
            headers.insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

/// `cardfile-1a2b3c4d5e6f7a8b.js` style names: a 16-hex-digit hash before the extension.
fn looks_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    stem.rsplit('-')
        .next()
        .is_some_and(|h| h.len() >= 16 && h.chars().all(|c| c.is_ascii_hexdigit()))
}
