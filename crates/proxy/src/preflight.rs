//! OPTIONS on `/proxy/` and `/widget/cardfile.json`. tower-http's `CorsLayer` (0.7) answers
//! every OPTIONS itself with `200` and an empty body, whatever its `Origin` or
//! `Access-Control-Request-Method`, leaving out only `Access-Control-Allow-Origin` for an
//! origin it does not allow. That never reaches upstream, but a `200` to a refused preflight
//! reads as a grant to scanners and people alike, so only a preflight the browser would act
//! on is let through to the layer; anything else gets a clear refusal here.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::Proxy;
use crate::forward::refuse;

pub(crate) const READ_METHODS: &[Method] = &[Method::GET, Method::HEAD];
pub(crate) const READ_WRITE_METHODS: &[Method] = &[
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::DELETE,
];

pub(crate) async fn screen_options(
    State(proxy): State<Arc<Proxy>>,
    request: Request,
    next: Next,
) -> Response {
    match refusal(&proxy, &request) {
        Some(refused) => refused,
        None => next.run(request).await,
    }
}

/// The refusal for an OPTIONS request that is no preflight the browser would act on; None
/// for any other request, and for a preflight to let through to the CORS layer.
pub(crate) fn refusal<B>(proxy: &Proxy, request: &axum::http::Request<B>) -> Option<Response> {
    if request.method() != Method::OPTIONS {
        return None;
    }
    let methods = route_methods(proxy, request.uri().path());
    let headers = request.headers();
    let (Some(origin), Some(requested)) = (
        headers.get(header::ORIGIN),
        headers.get(header::ACCESS_CONTROL_REQUEST_METHOD),
    ) else {
        // Without both headers it is no preflight (Fetch standard), just a method these
        // routes do not serve.
        tracing::info!(status = 405, "request refused: OPTIONS that is not a preflight");
        let mut response = refuse(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "OPTIONS is answered only as a CORS preflight".into(),
        );
        if let Ok(allow) = HeaderValue::from_str(&allow_list(methods)) {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        return Some(response);
    };
    // Exact bytes, as the CORS layer compares them; method names are case-sensitive.
    let origin_allowed = proxy
        .config
        .allowed_origins
        .iter()
        .any(|a| a.as_bytes() == origin.as_bytes());
    let method_allowed = Method::from_bytes(requested.as_bytes()).is_ok_and(|m| methods.contains(&m));
    if origin_allowed && method_allowed {
        return None;
    }
    tracing::info!(
        status = 403,
        "request refused: preflight for an origin or method not allowed"
    );
    Some(refuse(
        StatusCode::FORBIDDEN,
        "preflight_not_allowed",
        "this origin may not make that request here".into(),
    ))
}

/// What a route serves: a source with `allow_writes` also takes writes (the route check
/// still narrows them to the documented endpoints); everything else is read-only.
fn route_methods(proxy: &Proxy, path: &str) -> &'static [Method] {
    let source = path
        .strip_prefix("/proxy/")
        .and_then(|rest| rest.split('/').next());
    match source.and_then(|id| proxy.upstreams.get(id)) {
        Some(upstream) if upstream.source.allow_writes => READ_WRITE_METHODS,
        _ => READ_METHODS,
    }
}

fn allow_list(methods: &[Method]) -> String {
    methods.iter().map(Method::as_str).collect::<Vec<_>>().join(", ")
}
